/**
 * Profit per order, and per SKU / channel / month, over the reports' cost model: the recorded cost inputs of
 * each paid order (db/queries/reports.ts `orderCostRows`) priced by `orderCost` (domain/costs.ts), with the
 * platform fee and refunds taken from the settlement statements where they name the order.
 */
import type { DbOrTx } from '../db/client';
import { linesOfOrders } from '../db/queries/orders';
import { orderCostRows } from '../db/queries/reports';
import { returnRefundsByOrder } from '../db/queries/returns';
import { statementFeesByOrder } from '../db/queries/statements';
import { orderCost, type CostRates } from '../domain/costs';
import { shanghaiMonth } from '../domain/finance';
import { orderProfit, ProfitGroups, type OrderProfit, type ProfitGroup } from '../domain/finance-profit';

export type ProfitGrouping = 'order' | 'sku' | 'channel' | 'month';

const PAGE = 5000;

/** Every paid order of the month (by its platform order time, as the reports count it) with its profit. */
export async function monthOrderProfits(db: DbOrTx, month: string, rates: CostRates, channel?: string): Promise<{ profits: OrderProfit[]; lines: Map<string, { sku: string; valueFen: number }[]> }> {
  const { from, to } = shanghaiMonth(month);
  const filter = { from, to, ...(channel ? { channel } : {}) };
  const profits: OrderProfit[] = [];
  const lines = new Map<string, { sku: string; valueFen: number }[]>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await orderCostRows(db, filter, PAGE, offset);
    if (page.length === 0) break;
    const ids = page.map((o) => o.orderId);
    const refs = page.map((o) => ({ channel: o.channel, channelOrderId: o.orderId.slice(o.channel.length + 1) }));
    const [fees, refunds, pageLines] = await Promise.all([statementFeesByOrder(db, refs), returnRefundsByOrder(db, ids), linesOfOrders(db, ids)]);
    for (const [i, o] of page.entries()) {
      const ref = refs[i]!;
      const statement = fees.get(`${ref.channel === 'tmall' ? 'taobao' : ref.channel}\n${ref.channelOrderId}`);
      profits.push(orderProfit({ orderId: o.orderId, channel: o.channel, totalFen: o.totalFen, cost: orderCost(o, rates), statement, omsRefundFen: refunds.get(o.orderId) ?? 0 }));
    }
    for (const [id, l] of pageLines) lines.set(id, l);
    if (page.length < PAGE) break;
  }
  return { profits, lines };
}

/** `2026-09` … `2026-11`: the months from one to the other, at most 24. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while ((y < ty || (y === ty && m <= tm)) && out.length < 24) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export interface ProfitReport {
  months: string[];
  groupBy: ProfitGrouping;
  totals: ProfitGroup;
  groups: ProfitGroup[];
  /** groupBy=order: the orders (a page of them). */
  orders?: OrderProfit[];
}

export async function profitReport(
  db: DbOrTx,
  q: { months: string[]; groupBy: ProfitGrouping; channel?: string | undefined; limit: number; offset: number },
  rates: CostRates,
): Promise<ProfitReport> {
  const groups = new ProfitGroups();
  const totals = new ProfitGroups();
  const orders: OrderProfit[] = [];
  for (const month of q.months) {
    const { profits, lines } = await monthOrderProfits(db, month, rates, q.channel);
    for (const p of profits) {
      totals.add('total', p);
      if (q.groupBy === 'sku') groups.addBySku(p, lines.get(p.orderId) ?? []);
      else if (q.groupBy === 'channel') groups.add(p.channel, p);
      else if (q.groupBy === 'month') groups.add(month, p);
      else orders.push(p);
    }
  }
  const empty = new ProfitGroups();
  empty.add('total', { valueFen: 0, refundFen: 0, revenueFen: 0, platformFeeFen: 0, carrierFen: 0, transferFen: 0, purchasePremiumFen: 0, labourFen: 0, fulfilmentFen: 0, profitFen: 0 }, 0);
  return {
    months: q.months,
    groupBy: q.groupBy,
    totals: (totals.list()[0] ?? empty.list()[0])!,
    groups: q.groupBy === 'month' ? groups.list().sort((a, b) => a.key.localeCompare(b.key)) : groups.list(),
    ...(q.groupBy === 'order' ? { orders: orders.slice(q.offset, q.offset + q.limit) } : {}),
  };
}
