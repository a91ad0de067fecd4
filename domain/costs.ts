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
      const m = /^([a-z0-9_-]+)=(\d+(?:\.\d+)?)$/.exec(item);
      if (!m || Number(m[2]) > 100) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not channel=percent (0–100), e.g. taobao=5` });
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

/** One order's cost. Labour counts once the order shipped; the commission is rounded to the fen. */
export function orderCost(o: OrderCostInput, rates: CostRates): OrderCost {
  const labourFen = o.shipped ? rates.labourFenPerOrder + rates.labourFenPerLine * o.lines : 0;
  const platformFeeFen = Math.round((o.totalFen * (rates.platformFeePct[o.channel] ?? 0)) / 100);
  const transferFen = o.transferUnits * rates.transferFenPerUnit;
  const parts = { carrierFen: o.carrierFen, transferFen, purchasePremiumFen: o.purchaseFreightFen, labourFen, platformFeeFen };
  return { ...parts, totalFen: Object.values(parts).reduce((a, b) => a + b, 0) };
}
