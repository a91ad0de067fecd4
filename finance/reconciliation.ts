/**
 * Month-end reconciliation of one statement account: the OMS orders paid in the Asia/Shanghai month against the
 * statement rows that name them (whenever those were booked), and the statement's rows of the month that name
 * orders the OMS does not have. Refunds are matched to the orders' returns.
 */
import type { DbOrTx } from '../db/client';
import { reconciliationOrders, resolveAlternativeRefs, statementOrdersMissingInOms, statementTotals } from '../db/queries/statements';
import { CHANNELS_OF, fenToYuan, judgeOrder, shanghaiMonth, type MismatchReason, type StatementPlatform } from '../domain/finance';

export interface AmountMismatch {
  orderId: string;
  channelOrderId: string;
  /** What the OMS expects: the order's value less its returns' refunds. */
  omsFen: number;
  /** What the statement shows: the buyer's payment less refunds. */
  statementFen: number;
  /** statement − OMS. */
  differenceFen: number;
  reason: MismatchReason | null;
  feeFen: number;
  freightFen: number;
  refunds: { omsFen: number; statementFen: number; returnIds: string[] };
  statementTypes: string[];
}

export interface RefundMatch {
  orderId: string;
  channelOrderId: string;
  statementFen: number;
  omsFen: number;
  returnIds: string[];
  /** `matched` (the statement refunded what the returns did), `partial` (a part of the order) or `mismatch`. */
  status: 'matched' | 'mismatch';
  partial: boolean;
}

export interface Reconciliation {
  month: string;
  platform: StatementPlatform;
  channels: readonly string[];
  /** Orders whose amounts agree exactly (also those whose statement shows the sale net of its fee columns). */
  matched: number;
  matchedOrderIds: string[];
  amountMismatch: AmountMismatch[];
  missingInStatement: { orderId: string; channelOrderId: string; paidAt: string; totalFen: number; status: string }[];
  missingInOms: { orderRef: string; rows: number; saleFen: number; refundFen: number; feeFen: number; netFen: number; firstBookedAt: string; statementTypes: string[] }[];
  refunds: RefundMatch[];
  /** Fees the statement charged on the month's orders, and differences wholly explained by them (not mismatches). */
  fees: { totalFen: number; orders: number; explainedDifferences: { orderId: string; feeFen: number }[] };
  totalsFen: {
    oms: { orders: number; valueFen: number; refundFen: number; expectedFen: number };
    /** The month's orders as the statement shows them (whenever booked). */
    statementForOrders: { saleFen: number; refundFen: number; feeFen: number; netFen: number };
    /** Every row booked in the month, by kind (`otherFen`: withdrawals, transfers, deposits). */
    statementBooked: { rows: number; saleFen: number; refundFen: number; feeFen: number; otherFen: number; netFen: number };
    matchedFen: number;
    mismatchDifferenceFen: number;
    missingInStatementFen: number;
    missingInOmsFen: number;
  };
}

export async function reconcile(db: DbOrTx, platform: StatementPlatform, month: string): Promise<Reconciliation> {
  const channels = CHANNELS_OF[platform];
  const { from, to } = shanghaiMonth(month);
  await resolveAlternativeRefs(db, platform, channels);
  const [orders, missingInOms, booked] = await Promise.all([
    reconciliationOrders(db, platform, channels, from, to),
    statementOrdersMissingInOms(db, platform, channels, from, to),
    statementTotals(db, platform, from, to),
  ]);

  const r: Reconciliation = {
    month,
    platform,
    channels,
    matched: 0,
    matchedOrderIds: [],
    amountMismatch: [],
    missingInStatement: [],
    missingInOms: missingInOms.map(({ kinds, ...m }) => ({ ...m, firstBookedAt: new Date(m.firstBookedAt).toISOString(), statementTypes: kinds })),
    refunds: [],
    fees: { totalFen: 0, orders: 0, explainedDifferences: [] },
    totalsFen: {
      oms: { orders: orders.length, valueFen: 0, refundFen: 0, expectedFen: 0 },
      statementForOrders: { saleFen: 0, refundFen: 0, feeFen: 0, netFen: 0 },
      statementBooked: booked,
      matchedFen: 0,
      mismatchDifferenceFen: 0,
      missingInStatementFen: 0,
      missingInOmsFen: missingInOms.reduce((n, m) => n + m.saleFen - m.refundFen, 0),
    },
  };
  const t = r.totalsFen;
  for (const o of orders) {
    // A paid order cancelled before it shipped is refunded in full on the platform.
    const cancelled = o.status === 'CANCELLED';
    const omsRefundFen = cancelled ? o.totalFen : o.omsRefundFen;
    t.oms.valueFen += o.totalFen;
    t.oms.refundFen += omsRefundFen;
    t.oms.expectedFen += o.totalFen - omsRefundFen;
    if (o.rows === 0) {
      if (!cancelled) {
        r.missingInStatement.push({ orderId: o.orderId, channelOrderId: o.channelOrderId, paidAt: new Date(o.paidAt).toISOString(), totalFen: o.totalFen, status: o.status });
        t.missingInStatementFen += o.totalFen - omsRefundFen;
      }
      continue;
    }
    t.statementForOrders.saleFen += o.saleFen;
    t.statementForOrders.refundFen += o.refundFen;
    t.statementForOrders.feeFen += o.feeFen;
    t.statementForOrders.netFen += o.netFen;
    if (o.feeFen !== 0) {
      r.fees.totalFen += o.feeFen;
      r.fees.orders += 1;
    }
    const returnIds = o.returnIds ?? [];
    if (o.refundFen !== 0 || omsRefundFen !== 0) {
      r.refunds.push({
        orderId: o.orderId,
        channelOrderId: o.channelOrderId,
        statementFen: o.refundFen,
        omsFen: omsRefundFen,
        returnIds,
        status: o.refundFen === omsRefundFen ? 'matched' : 'mismatch',
        partial: o.refundFen > 0 && o.refundFen < o.totalFen,
      });
    }
    const verdict = judgeOrder(
      { orderId: o.orderId, channelOrderId: o.channelOrderId, totalFen: o.totalFen, refundFen: omsRefundFen, returnIds },
      { saleFen: o.saleFen, refundFen: o.refundFen, feeFen: o.feeFen, freightFen: o.freightFen, netFen: o.netFen, rows: o.rows, kinds: o.kinds ?? [] },
    );
    if (verdict.kind === 'matched') {
      r.matched += 1;
      r.matchedOrderIds.push(o.orderId);
      t.matchedFen += o.totalFen - omsRefundFen;
      if (verdict.explainedByFeesFen !== 0) r.fees.explainedDifferences.push({ orderId: o.orderId, feeFen: verdict.explainedByFeesFen });
      continue;
    }
    t.mismatchDifferenceFen += verdict.differenceFen;
    r.amountMismatch.push({
      orderId: o.orderId,
      channelOrderId: o.channelOrderId,
      omsFen: verdict.omsFen,
      statementFen: verdict.statementFen,
      differenceFen: verdict.differenceFen,
      reason: verdict.reason,
      feeFen: o.feeFen,
      freightFen: o.freightFen,
      refunds: { omsFen: omsRefundFen, statementFen: o.refundFen, returnIds },
      statementTypes: o.kinds ?? [],
    });
  }
  return r;
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One line per order or statement order: its category, amounts in yuan, the difference and the likely reason. */
export function reconciliationCsv(r: Reconciliation): string {
  const header = ['category', 'orderId', 'platformOrderId', 'omsYuan', 'statementYuan', 'differenceYuan', 'reason', 'feeYuan', 'refundOmsYuan', 'refundStatementYuan', 'returnIds'];
  const lines: (string | number | null)[][] = [];
  const y = fenToYuan;
  for (const m of r.amountMismatch) {
    lines.push(['amount_mismatch', m.orderId, m.channelOrderId, y(m.omsFen), y(m.statementFen), y(m.differenceFen), m.reason, y(m.feeFen), y(m.refunds.omsFen), y(m.refunds.statementFen), m.refunds.returnIds.join(' ')]);
  }
  for (const m of r.missingInStatement) lines.push(['missing_in_statement', m.orderId, m.channelOrderId, y(m.totalFen), '', y(-m.totalFen), null, '', '', '', '']);
  for (const m of r.missingInOms) lines.push(['missing_in_oms', '', m.orderRef, '', y(m.saleFen - m.refundFen), y(m.saleFen - m.refundFen), null, y(m.feeFen), '', y(m.refundFen), '']);
  for (const id of r.matchedOrderIds) lines.push(['matched', id, '', '', '', '0.00', null, '', '', '', '']);
  return [header, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** What the daily PDF shows: the month to date per statement account. */
export interface ReconciliationSummaryRow {
  platform: StatementPlatform;
  orders: number;
  matched: number;
  amountMismatch: number;
  missingInStatement: number;
  missingInOms: number;
  feesFen: number;
  mismatchDifferenceFen: number;
}

export function summaryOf(r: Reconciliation): ReconciliationSummaryRow {
  return {
    platform: r.platform,
    orders: r.totalsFen.oms.orders,
    matched: r.matched,
    amountMismatch: r.amountMismatch.length,
    missingInStatement: r.missingInStatement.length,
    missingInOms: r.missingInOms.length,
    feesFen: r.fees.totalFen,
    mismatchDifferenceFen: r.totalsFen.mismatchDifferenceFen,
  };
}
