/**
 * The daily report as an A4 PDF, made offline: pdfkit writes the pages, the CJK font (reports/fonts.ts) is
 * embedded as a subset so the Chinese text reads (and can be copied and searched) on any viewer, and the
 * charts are the same ECharts pictures the API serves, embedded as PNG at twice their size for print.
 */
import PDFDocument from 'pdfkit';
import { funnelSvg, heatmapSvg, svgToPng, warehouseHealthSvg } from './charts';
import type { DailyReport } from './daily';
import { drawReconciliationSection } from '../finance/reconciliation-pdf';
import { CJK_FONT } from './fonts';
import { count, days, hours, pct, regionName, yuan } from './format';

const A4_MARGIN = 40;
const TOP_CITIES = 15;

export async function dailyReportPdf(report: DailyReport, options: { generatedAt?: Date } = {}): Promise<Buffer> {
  const subtitle = `${report.date}（上海时间全天）`;
  // The charts first, concurrently: resvg draws them off the event loop.
  const [funnelPng, heatmapPng, warehousesPng] = await Promise.all([
    svgToPng(funnelSvg(report.funnel, subtitle), 2),
    svgToPng(heatmapSvg({ regions: report.regions, subtitle }), 2),
    svgToPng(warehouseHealthSvg(report.warehouses, subtitle), 2),
  ]);

  const doc = new PDFDocument({
    size: 'A4',
    margin: A4_MARGIN,
    info: { Title: `每日运营报告 ${report.date}`, Author: 'OMS', Subject: 'Daily operations report' },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', CJK_FONT.regular);
  doc.registerFont('cjk-bold', CJK_FONT.bold);
  const width = doc.page.width - 2 * A4_MARGIN;
  const heading = (text: string) => doc.moveDown(0.6).font('cjk-bold').fontSize(14).fillColor('#222').text(text).moveDown(0.3).font('cjk').fontSize(10);
  const image = (png: Buffer, ratio: number) => {
    const height = width * ratio;
    if (doc.y + height > doc.page.height - A4_MARGIN) doc.addPage();
    doc.image(png, A4_MARGIN, doc.y, { width });
    doc.y += height + 6;
  };

  // ── Page 1: headline figures, the funnel, the cycle KPI ───────────────────────────────────────────────
  doc.font('cjk-bold').fontSize(22).fillColor('#222').text(`每日运营报告 ${report.date}`);
  doc.font('cjk').fontSize(10).fillColor('#666').text(`统计区间 ${subtitle}；生成于 ${(options.generatedAt ?? new Date()).toISOString()}`);
  const stage = (name: string) => report.funnel.find((s) => s.stage === name)?.count ?? 0;
  heading('概览');
  doc.fillColor('#222').text(
    `下单 ${count(stage('ordered'))} 单 · 付款 ${count(report.paidOrders)} 单 · GMV ${yuan(report.gmvFen)} · 发货 ${count(stage('shipped'))} 单 · 签收 ${count(stage('delivered'))} 单 · 退货申请 ${count(stage('returned'))} 单`,
  );
  heading('履约时效');
  const { current, baseline } = report.cycle;
  doc.font('cjk-bold').fontSize(12).text(`付款→发货时效压缩率：${pct(report.cycle.compressionRate)}`, { continued: false });
  doc.font('cjk').fontSize(10);
  if (report.cycle.reason) doc.fillColor('#666').text(`无法计算：${reasonZh(report.cycle.reason)}`).fillColor('#222');
  doc.text(
    `付款→发货：平均 ${hours(current.paidToShipped.meanHours)}，P90 ${hours(current.paidToShipped.p90Hours)}（${count(current.paidToShipped.orders)} 单）；前一日平均 ${hours(baseline.paidToShipped.meanHours)}`,
  );
  doc.text(
    `付款→签收：平均 ${hours(current.paidToDelivered.meanHours)}，P90 ${hours(current.paidToDelivered.p90Hours)}（${count(current.paidToDelivered.orders)} 单）；前一日平均 ${hours(baseline.paidToDelivered.meanHours)}`,
  );
  doc.fillColor('#666').text('压缩率 =（前一日平均 − 当日平均）÷ 前一日平均，按付款→发货计，即仓库可控的部分。').fillColor('#222');
  heading('履约漏斗');
  image(funnelPng, 420 / 800);

  // ── Page 2: where the orders went ────────────────────────────────────────────────────────────────────
  doc.addPage();
  heading('订单热力图（按收货城市）');
  image(heatmapPng, 720 / 1000);
  const cities = report.regions.slice(0, TOP_CITIES);
  if (cities.length > 0) {
    table(doc, [30, 120, 150, 90, 125], ['#', '省份', '城市', '付款订单', 'GMV'], cities.map((r, i) => [String(i + 1), r.province, regionName(r), count(r.orders), yuan(r.gmvFen)]));
  }

  // ── Page 3: warehouses ──────────────────────────────────────────────────────────────────────────────
  doc.addPage();
  heading('仓库健康');
  image(warehousesPng, 460 / 900);
  if (report.warehouses.length > 0) {
    table(
      doc,
      [123, 44, 44, 50, 50, 58, 58, 88],
      ['仓库', '分配', '发货', '满足率', '缺货SKU', '可售天数', '周转天数', '产能占用'],
      report.warehouses.map((w) => [
        `${w.name}（${w.warehouseId}）`,
        count(w.allocated),
        count(w.shipped),
        pct(w.fillRate),
        count(w.stockOuts),
        days(w.daysOfSupply),
        days(w.turnoverDays),
        w.dailyOrderCapacity ? `${pct(w.capacityUsed)}（${w.capacityOrders}/${w.dailyOrderCapacity}）` : '未设产能',
      ]),
    );
  } else {
    doc.fillColor('#666').text('没有仓库。');
  }
  doc.moveDown().font('cjk').fontSize(8).fillColor('#666').text('满足率 = 当日分配到本仓且由本仓现货发出（无调拨、无采购）的订单 ÷ 当日分配到本仓的订单；可售天数 = 可售库存 ÷ 近 30 天日均发货件数；周转天数 = 在库 ÷ 同一速度。', { width });
  if (report.reconciliation) drawReconciliationSection(doc, report.reconciliation, A4_MARGIN);

  doc.end();
  return done;
}

/**
 * A plain table: one line per row (a long cell ends in an ellipsis), the header again on each new page.
 * Drawn by hand: pdfkit's own table measures every cell several times over, which with a CJK font's layout
 * took seconds per page.
 */
function table(doc: PDFKit.PDFDocument, widths: readonly number[], header: readonly string[], rows: readonly (readonly string[])[]) {
  const rowHeight = 16;
  const line = (cells: readonly string[], bold: boolean) => {
    if (doc.y + rowHeight > doc.page.height - A4_MARGIN) {
      doc.addPage();
      if (!bold) line(header, true);
    }
    const y = doc.y;
    if (bold) doc.rect(A4_MARGIN, y, widths.reduce((a, b) => a + b, 0), rowHeight).fill('#f2f2f2');
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(8.5).fillColor('#222');
    let x = A4_MARGIN;
    cells.forEach((cell, i) => {
      doc.text(cell, x + 3, y + 4, { width: widths[i]! - 6, height: rowHeight, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.moveTo(A4_MARGIN, y + rowHeight).lineTo(x, y + rowHeight).lineWidth(0.5).strokeColor('#ccc').stroke();
    doc.x = A4_MARGIN;
    doc.y = y + rowHeight;
  };
  line(header, true);
  for (const row of rows) line(row, false);
  doc.moveDown(0.5);
}

/** The domain's reasons for a missing compression rate, for a Chinese reader. */
function reasonZh(reason: string): string {
  if (reason.includes('baseline period')) return '前一日没有订单走到这一步';
  if (reason.includes('current period')) return '当日没有订单走到这一步';
  if (reason.includes('zero')) return '前一日平均为零';
  return reason;
}
