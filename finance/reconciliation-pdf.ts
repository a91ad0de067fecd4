/**
 * The reconciliation section of the daily PDF: the report day's month as reconciled when the PDF is made, per
 * statement account — orders paid, matched, amount mismatches, missing on either side, fees the statements charged.
 */
import type { DbOrTx } from '../db/client';
import { STATEMENT_PLATFORMS } from '../domain/finance';
import { count, yuan } from '../reports/format';
import { reconcile, summaryOf, type ReconciliationSummaryRow } from './reconciliation';

export interface ReconciliationSection {
  month: string;
  rows: ReconciliationSummaryRow[];
}

const PLATFORM_NAMES: Record<string, string> = { taobao: '淘宝/天猫（支付宝）', douyin: '抖店', pdd: '拼多多', wechat: '微信' };

/** The month of the Shanghai day `YYYY-MM-DD`, reconciled for every statement account. */
export async function loadReconciliationSection(db: DbOrTx, date: string): Promise<ReconciliationSection> {
  const month = date.slice(0, 7);
  const rows: ReconciliationSummaryRow[] = [];
  for (const platform of STATEMENT_PLATFORMS) rows.push(summaryOf(await reconcile(db, platform, month)));
  return { month, rows };
}

/** Draws the section on the PDF page (fonts `cjk` / `cjk-bold` registered by the caller). */
export function drawReconciliationSection(doc: PDFKit.PDFDocument, section: ReconciliationSection, margin: number): void {
  if (doc.y > doc.page.height - margin - 160) doc.addPage();
  doc.moveDown(0.6).font('cjk-bold').fontSize(14).fillColor('#222').text(`平台对账（${section.month}，按付款月份，截至生成时）`).moveDown(0.3);
  const widths = [120, 50, 50, 55, 60, 60, 120];
  const header = ['平台', '订单', '一致', '金额不符', '账单缺失', 'OMS缺失', '平台扣费'];
  const rowHeight = 16;
  const line = (cells: readonly string[], bold: boolean) => {
    const y = doc.y;
    if (bold) doc.rect(margin, y, widths.reduce((a, b) => a + b, 0), rowHeight).fill('#f2f2f2');
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(8.5).fillColor('#222');
    let x = margin;
    cells.forEach((cell, i) => {
      doc.text(cell, x + 3, y + 4, { width: widths[i]! - 6, height: rowHeight, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.x = margin;
    doc.y = y + rowHeight;
  };
  line(header, true);
  for (const r of section.rows) {
    line([PLATFORM_NAMES[r.platform] ?? r.platform, count(r.orders), count(r.matched), count(r.amountMismatch), count(r.missingInStatement), count(r.missingInOms), yuan(r.feesFen)], false);
  }
  const mismatchFen = section.rows.reduce((n, r) => n + r.mismatchDifferenceFen, 0);
  doc.moveDown(0.5).font('cjk').fontSize(8).fillColor('#666');
  doc.text(`金额不符合计差额 ${yuan(mismatchFen)}（账单 − OMS）。明细：GET /v1/finance/reconciliation?month=${section.month}&platform=…（JSON 或 CSV）。`, margin, doc.y, { width: widths.reduce((a, b) => a + b, 0) });
  doc.fillColor('#222');
}
