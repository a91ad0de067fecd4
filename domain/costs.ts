/**
 * What fulfilling an order costs, in integer fen: the carrier's freight (recorded on each shipment by the
 * carrier rules' cost model), internal transfers, the freight of urgent 1688 purchases (the premium over
 * regular replenishment, which arrives with the supplier's normal shipments), pick/pack labour and the
 * platform's commission. Rates are configuration; finance replaces the commission with the statement's own
 * fee when a settlement statement is imported.
 */
import { z } from 'zod';

export interface CostRates {
  /** Pick/pack labour per shipped order, and per order line on top. */
  labourFenPerOrder: number;
  labourFenPerLine: number;
  /** Line haul of a transfer between warehouses, per unit moved for the order. */
  transferFenPerUnit: number;
  /** Platform commission per channel, in percent of the order's value (e.g. 5 = 5%). */
  platformFeePct: Readonly<Record<string, number>>;
}

export const DEFAULT_COST_RATES: CostRates = {
  labourFenPerOrder: 150,
  labourFenPerLine: 30,
  transferFenPerUnit: 200,
  platformFeePct: { taobao: 5, tmall: 5, pdd: 0.6, douyin: 5, wechat: 0.6, manual: 0 },
};

/** `taobao=5,tmall=5,pdd=0.6` → `{ taobao: 5, tmall: 5, pdd: 0.6 }` (channels not listed pay nothing). */
export const feePctList = z
  .string()
  .transform((value, ctx) => {
    const rates: Record<string, number> = {};
    for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^([a-z0-9_-]+)=(\d+(?:\.\d{1,2})?)$/.exec(item);
      if (!m || Number(m[2]) > 100) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not channel=percent (0–100, at most two decimals), e.g. taobao=5` });
        return z.NEVER;
      }
      rates[m[1]!] = Number(m[2]);
    }
    return rates;
  });

export interface OrderCostInput {
  channel: string;
  totalFen: number;
  lines: number;
  shipped: boolean;
  carrierFen: number;
  transferUnits: number;
  purchaseFreightFen: number;
}

export interface OrderCost {
  carrierFen: number;
  transferFen: number;
  purchasePremiumFen: number;
  labourFen: number;
  platformFeeFen: number;
  totalFen: number;
}

/** A channel's commission rate in basis points (5% = 500), so the fee is integer arithmetic until its one rounding. */
export function feeBasisPoints(rates: CostRates, channel: string): number {
  return Math.round((rates.platformFeePct[channel] ?? 0) * 100);
}

/**
 * The commission on an order's value, rounded half up to the fen. `total × bp` is an exact integer and the
 * division is correctly rounded, so a half fen is exactly .5 here as in PostgreSQL's numeric `round`, which
 * sums it over many orders (db/queries/reports.ts `orderCostGroups`).
 */
export function platformFeeFen(totalFen: number, basisPoints: number): number {
  return Math.round((totalFen * basisPoints) / 10_000);
}

/** One order's cost. Labour counts once the order shipped; the commission is rounded to the fen. */
export function orderCost(o: OrderCostInput, rates: CostRates): OrderCost {
  const labourFen = o.shipped ? rates.labourFenPerOrder + rates.labourFenPerLine * o.lines : 0;
  const platformFeeFen_ = platformFeeFen(o.totalFen, feeBasisPoints(rates, o.channel));
  const transferFen = o.transferUnits * rates.transferFenPerUnit;
  const parts = { carrierFen: o.carrierFen, transferFen, purchasePremiumFen: o.purchaseFreightFen, labourFen, platformFeeFen: platformFeeFen_ };
  return { ...parts, totalFen: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/**
 * Orders that share what a per-order rate depends on (channel, lines, shipped), with their recorded inputs and
 * their commissions (each rounded per order) already summed.
 */
export interface OrderCostGroup {
  channel: string;
  lines: number;
  shipped: boolean;
  orders: number;
  totalFen: number;
  carrierFen: number;
  transferUnits: number;
  purchaseFreightFen: number;
  platformFeeFen: number;
}

export type CostTotals = OrderCost & { orders: number; perOrderFen: number | null };

/** The costs of every order of the groups: the sum of `orderCost` over them, without seeing them one by one. */
export function costTotals(groups: readonly OrderCostGroup[], rates: CostRates): CostTotals {
  const t = { orders: 0, carrierFen: 0, transferFen: 0, purchasePremiumFen: 0, labourFen: 0, platformFeeFen: 0, totalFen: 0 };
  for (const g of groups) {
    t.orders += g.orders;
    t.carrierFen += g.carrierFen;
    t.transferFen += g.transferUnits * rates.transferFenPerUnit;
    t.purchasePremiumFen += g.purchaseFreightFen;
    t.labourFen += g.shipped ? (rates.labourFenPerOrder + rates.labourFenPerLine * g.lines) * g.orders : 0;
    t.platformFeeFen += g.platformFeeFen;
  }
  t.totalFen = t.carrierFen + t.transferFen + t.purchasePremiumFen + t.labourFen + t.platformFeeFen;
  return { ...t, perOrderFen: t.orders ? t.totalFen / t.orders : null };
}
