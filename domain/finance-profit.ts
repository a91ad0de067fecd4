/**
 * Per-order profit: revenue (the order's value less refunds) − platform fees − fulfilment cost, in integer fen.
 * Fees come from the settlement statement when it names the order, else from the configured commission rates;
 * fulfilment is the reports' cost model (domain/costs.ts): carrier, transfer, purchase premium, labour.
 */
import type { OrderCost } from './costs';

export interface OrderProfitInput {
  orderId: string;
  channel: string;
  totalFen: number;
  cost: OrderCost;
  /** From the statement, when it has rows for the order. */
  statement?: { feeFen: number; refundFen: number } | undefined;
  /** Refunds recorded for the order's returns. */
  omsRefundFen: number;
}

export interface OrderProfit {
  orderId: string;
  channel: string;
  valueFen: number;
  refundFen: number;
  revenueFen: number;
  platformFeeFen: number;
  feeSource: 'statement' | 'rate';
  carrierFen: number;
  transferFen: number;
  purchasePremiumFen: number;
  labourFen: number;
  fulfilmentFen: number;
  profitFen: number;
}

export function orderProfit(o: OrderProfitInput): OrderProfit {
  const refundFen = o.statement ? o.statement.refundFen : o.omsRefundFen;
  const revenueFen = o.totalFen - refundFen;
  const platformFeeFen = o.statement ? o.statement.feeFen : o.cost.platformFeeFen;
  const { carrierFen, transferFen, purchasePremiumFen, labourFen } = o.cost;
  const fulfilmentFen = carrierFen + transferFen + purchasePremiumFen + labourFen;
  return {
    orderId: o.orderId,
    channel: o.channel,
    valueFen: o.totalFen,
    refundFen,
    revenueFen,
    platformFeeFen,
    feeSource: o.statement ? 'statement' : 'rate',
    carrierFen,
    transferFen,
    purchasePremiumFen,
    labourFen,
    fulfilmentFen,
    profitFen: revenueFen - platformFeeFen - fulfilmentFen,
  };
}

/**
 * Splits an amount in fen over parts in proportion to their weights, in whole fen that add up exactly to the
 * amount (largest remainder; ties to the earlier part). No weight at all: equal parts.
 */
export function splitFen(amountFen: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const total = weights.reduce((a, b) => a + b, 0);
  const w = total > 0 ? weights : weights.map(() => 1);
  const sum = total > 0 ? total : weights.length;
  const sign = amountFen < 0 ? -1 : 1;
  const abs = Math.abs(amountFen);
  const exact = w.map((x) => (abs * x) / sum);
  const parts = exact.map(Math.floor);
  let left = abs - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left -= 1) parts[order[k]!.i]! += 1;
  return parts.map((p) => p * sign || 0);
}

export const PROFIT_FIELDS = ['valueFen', 'refundFen', 'revenueFen', 'platformFeeFen', 'carrierFen', 'transferFen', 'purchasePremiumFen', 'labourFen', 'fulfilmentFen', 'profitFen'] as const;
export type ProfitFigures = Record<(typeof PROFIT_FIELDS)[number], number>;

export interface ProfitGroup extends ProfitFigures {
  key: string;
  orders: number;
  /** profit ÷ revenue, an unrounded fraction; null without revenue. */
  margin: number | null;
}

/** Adds the figures of orders (or of their SKU shares) into groups by key. */
export class ProfitGroups {
  private readonly groups = new Map<string, ProfitGroup>();

  add(key: string, figures: ProfitFigures, orders = 1): void {
    let g = this.groups.get(key);
    if (!g) {
      g = { key, orders: 0, margin: null, ...(Object.fromEntries(PROFIT_FIELDS.map((f) => [f, 0])) as ProfitFigures) };
      this.groups.set(key, g);
    }
    g.orders += orders;
    for (const f of PROFIT_FIELDS) g[f] += figures[f];
  }

  /** Each order's figures split over its lines by line value, whole fen each. */
  addBySku(p: OrderProfit, lines: readonly { sku: string; valueFen: number }[]): void {
    if (lines.length === 0) return this.add('(no lines)', p);
    // The recorded parts are split; the derived figures are worked out per share, so each share adds up too.
    const weights = lines.map((l) => l.valueFen);
    const parts = (['valueFen', 'refundFen', 'platformFeeFen', 'carrierFen', 'transferFen', 'purchasePremiumFen', 'labourFen'] as const).map((f) => [f, splitFen(p[f], weights)] as const);
    lines.forEach((l, i) => {
      const s = Object.fromEntries(parts.map(([f, split]) => [f, split[i]!])) as Record<(typeof parts)[number][0], number>;
      const revenueFen = s.valueFen - s.refundFen;
      const fulfilmentFen = s.carrierFen + s.transferFen + s.purchasePremiumFen + s.labourFen;
      this.add(l.sku, { ...s, revenueFen, fulfilmentFen, profitFen: revenueFen - s.platformFeeFen - fulfilmentFen });
    });
  }

  list(): ProfitGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g, margin: g.revenueFen !== 0 ? g.profitFen / g.revenueFen : null })).sort((a, b) => b.profitFen - a.profitFen || a.key.localeCompare(b.key));
  }
}
