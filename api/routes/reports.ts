import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import {
  coPurchaseCounts,
  cycleSamples,
  funnelCounts,
  orderCostGroups,
  orderCostRows,
  ordersByRegion,
  ordersByWeekdayHour,
  warehouseDay,
  type ReportFilter,
} from '../../db/queries/reports';
import { DEFAULT_COST_RATES, orderCost, type CostRates, type OrderCost } from '../../domain/costs';
import { locate } from '../../domain/geo';
import {
  associationRules,
  boundInstant,
  compressionRate,
  funnel,
  mean,
  peakGrid,
  percentile,
  periodBound,
  precedingPeriod,
  resolvePeriod,
  shanghaiDate,
  shanghaiDay,
  toCsv,
  warehouseHealth,
  type CycleStats,
  type Period,
} from '../../domain/reports';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

const filterQuery = z.object({
  from: periodBound.optional(),
  to: periodBound.optional(),
  channel: z.string().trim().min(1).max(32).optional(),
  warehouseId: z.string().trim().min(1).max(32).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
/** `from` must come before `to`: a reversed period is a mistake, not an empty report. */
const ordered = <T extends { from?: string | undefined; to?: string | undefined }>(q: T) =>
  !q.from || !q.to || boundInstant(q.from, 'from') < boundInstant(q.to, 'to');
const reversed = { message: 'must be after from', path: ['to'] };

const reportQuery = filterQuery.refine(ordered, reversed);
const heatmapQuery = filterQuery.extend({ level: z.enum(['province', 'city']).default('province') }).refine(ordered, reversed);
const coPurchaseQuery = filterQuery
  .extend({
    minSupport: z.coerce.number().min(0).max(1).default(0.001),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine(ordered, reversed);
const peaksQuery = filterQuery
  .extend({ sku: z.string().trim().min(1).max(64).optional(), category: z.string().trim().min(1).max(64).optional(), top: z.coerce.number().int().min(1).max(168).default(5) })
  .refine((q) => !(q.sku && q.category), { message: 'give sku or category, not both', path: ['category'] })
  .refine(ordered, reversed);
const cycleQuery = filterQuery
  .extend({ baselineFrom: periodBound.optional(), baselineTo: periodBound.optional() })
  .refine((q) => (q.baselineFrom === undefined) === (q.baselineTo === undefined), { message: 'give baselineFrom and baselineTo together', path: ['baselineTo'] })
  .refine(ordered, reversed)
  .refine((q) => ordered({ from: q.baselineFrom, to: q.baselineTo }), { message: 'must be after baselineFrom', path: ['baselineTo'] });

const healthQuery = z.object({
  date: periodBound.refine((d) => !d.includes('T'), 'a date YYYY-MM-DD').optional(),
  warehouseId: z.string().trim().min(1).max(32).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
const costsQuery = filterQuery
  .extend({ limit: z.coerce.number().int().min(0).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) })
  .refine(ordered, reversed);

type FilterQuery = z.infer<typeof filterQuery>;

/** `/v1/reports`: managers' numbers from the read model (days and hours in Asia/Shanghai). */
export function reportRoutes({ db, costRates = DEFAULT_COST_RATES, now = () => new Date() }: { db: Db; costRates?: CostRates; now?: () => Date }) {
  const filterOf = (q: FilterQuery, period: Period = resolvePeriod(q, now())): ReportFilter => ({ ...period, channel: q.channel, warehouseId: q.warehouseId });
  const periodOf = (f: ReportFilter) => ({ from: f.from.toISOString(), to: f.to.toISOString() });

  return new Hono<ApiEnv>()
    .use(requireScope('ops', 'orders:read'))
    .get(
      '/funnel',
      doc('Fulfilment funnel: ordered → paid → shipped → delivered → returned, with the conversion and loss at each step (?format=csv)', { 200: '{ period, stages }' }),
      validate('query', reportQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const stages = funnel(await funnelCounts(db, f));
        return respond(c, q.format, { period: periodOf(f), stages }, stages);
      },
    )
    .get(
      '/heatmap',
      doc('Paid orders and GMV by province or city (?level=province|city), with coordinates for a map (?format=csv)', { 200: '{ period, level, regions }' }),
      validate('query', heatmapQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const regions = (await ordersByRegion(db, f, q.level)).map((r) => {
          const at = locate({ province: r.province, city: r.city });
          return { province: r.province, ...(q.level === 'city' ? { city: r.city } : {}), orders: r.orders, gmvFen: r.gmvFen, lat: at?.lat ?? null, lng: at?.lng ?? null };
        });
        return respond(c, q.format, { period: periodOf(f), level: q.level, regions }, regions);
      },
    )
    .get(
      '/co-purchase',
      doc('SKU pairs bought in the same order, by lift: orders, support, confidence = P(b|a), lift (?minSupport= a fraction, ?format=csv)', { 200: '{ period, orders, pairs }' }),
      validate('query', coPurchaseQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const minOrders = async () => {
          // The support threshold as a count of orders, so the database drops rare pairs before they are joined back.
          const { totalOrders } = await coPurchaseCounts(db, f, Number.MAX_SAFE_INTEGER, 1);
          return Math.max(1, Math.ceil(q.minSupport * totalOrders));
        };
        const counts = await coPurchaseCounts(db, f, await minOrders(), q.limit);
        const pairs = associationRules(counts.pairs, counts.ordersWith, counts.totalOrders, q.minSupport).slice(0, q.limit);
        return respond(c, q.format, { period: periodOf(f), orders: counts.totalOrders, minSupport: q.minSupport, pairs }, pairs);
      },
    )
    .get(
      '/peaks',
      doc('Orders by weekday (1 = Monday) × hour, Asia/Shanghai, for all orders or those with ?sku= or ?category=, and the top cells', { 200: '{ period, cells, top }' }),
      validate('query', peaksQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const { cells, top } = peakGrid(await ordersByWeekdayHour(db, f, q), q.top);
        return respond(c, q.format, { period: periodOf(f), ...(q.sku ? { sku: q.sku } : {}), ...(q.category ? { category: q.category } : {}), cells, top }, cells);
      },
    )
    .get(
      '/fulfilment-cycle',
      doc('Mean and p90 hours paid → shipped and paid → delivered, against a baseline period (default: the period before), and the compression rate', {
        200: '{ current, baseline, compressionRate, compression }',
      }),
      validate('query', cycleQuery),
      async (c) => {
        const q = c.req.valid('query');
        const current = filterOf(q);
        const baseline = filterOf(
          q,
          q.baselineFrom && q.baselineTo ? resolvePeriod({ from: q.baselineFrom, to: q.baselineTo }, now()) : precedingPeriod(current),
        );
        const [now_, before] = await Promise.all([cycleStats(db, current), cycleStats(db, baseline)]);
        const shipped = compressionRate(before.paidToShipped.meanHours, now_.paidToShipped.meanHours);
        const delivered = compressionRate(before.paidToDelivered.meanHours, now_.paidToDelivered.meanHours);
        const body = {
          current: { period: periodOf(current), ...now_ },
          baseline: { period: periodOf(baseline), ...before },
          // The headline KPI: what the warehouse controls, payment to the parcel leaving.
          compressionRate: shipped.rate,
          ...(shipped.reason ? { reason: shipped.reason } : {}),
          compression: { paidToShipped: shipped, paidToDelivered: delivered },
        };
        const table = [
          { period: 'baseline', ...flatCycle(before) },
          { period: 'current', ...flatCycle(now_) },
        ];
        return respond(c, q.format, body, table);
      },
    )
    .get(
      '/warehouse-health',
      doc('Per warehouse for a day (?date=, default today, Asia/Shanghai): shipped, fill rate, stock-outs, transfers in/out, days of supply, turnover days, capacity used (?format=csv)', {
        200: '{ date, warehouses }',
      }),
      validate('query', healthQuery),
      async (c) => {
        const q = c.req.valid('query');
        const date = q.date ?? shanghaiDate(now());
        const warehouses = (await warehouseDay(db, shanghaiDay(date), q.warehouseId)).map((w) => ({
          warehouseId: w.warehouseId,
          name: w.name,
          shipped: w.shipped,
          allocated: w.allocated,
          transfersIn: w.transfersIn,
          transfersOut: w.transfersOut,
          stockOuts: w.stockOuts,
          skus: w.skus,
          onHand: w.onHand,
          available: w.available,
          ...warehouseHealth(w),
          capacityOrders: w.capacityOrders ?? 0,
          dailyOrderCapacity: w.dailyOrderCapacity,
        }));
        return respond(c, q.format, { date, warehouses }, warehouses);
      },
    )
    .get(
      '/costs',
      doc('Fulfilment cost per paid order (carrier, transfer, purchase premium, pick/pack labour, platform fee) and totals, in fen (?limit=&offset= for the orders, ?format=csv)', {
        200: '{ period, rates, totals, orders }',
      }),
      validate('query', costsQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const [groups, page] = await Promise.all([orderCostGroups(db, f), q.limit > 0 ? orderCostRows(db, f, q.limit, q.offset) : []]);
        const orders = page.map((o) => ({ orderId: o.orderId, channel: o.channel, valueFen: o.totalFen, ...orderCost(o, costRates) }));
        const totals = sumCosts(groups.map((g) => ({ orders: g.orders, cost: orderCost(g, costRates) })));
        return respond(c, q.format, { period: periodOf(f), rates: costRates, totals, orders }, orders);
      },
    );
}

/**
 * Totals over groups of orders that share channel, value, lines and shipped. Within a group the per-order
 * parts (labour, commission) repeat per order while the recorded ones (freight, transfers, purchases) arrive
 * already summed, so only the former are multiplied by the group's order count.
 */
function sumCosts(groups: readonly { orders: number; cost: OrderCost }[]): OrderCost & { orders: number; perOrderFen: number | null } {
  const t = { orders: 0, carrierFen: 0, transferFen: 0, purchasePremiumFen: 0, labourFen: 0, platformFeeFen: 0, totalFen: 0 };
  for (const { orders, cost } of groups) {
    t.orders += orders;
    t.carrierFen += cost.carrierFen;
    t.transferFen += cost.transferFen;
    t.purchasePremiumFen += cost.purchasePremiumFen;
    t.labourFen += cost.labourFen * orders;
    t.platformFeeFen += cost.platformFeeFen * orders;
  }
  t.totalFen = t.carrierFen + t.transferFen + t.purchasePremiumFen + t.labourFen + t.platformFeeFen;
  return { ...t, perOrderFen: t.orders ? t.totalFen / t.orders : null };
}

async function cycleStats(db: Db, f: ReportFilter): Promise<CycleStats> {
  const samples = await cycleSamples(db, f);
  const stats = (values: number[]) => ({ orders: values.length, meanHours: mean(values), p90Hours: percentile(values, 90) });
  return {
    paidToShipped: stats(samples.flatMap((s) => (s.paidToShippedHours === null ? [] : [Number(s.paidToShippedHours)]))),
    paidToDelivered: stats(samples.flatMap((s) => (s.paidToDeliveredHours === null ? [] : [Number(s.paidToDeliveredHours)]))),
  };
}

const flatCycle = (s: CycleStats) => ({
  shippedOrders: s.paidToShipped.orders,
  paidToShippedMeanHours: s.paidToShipped.meanHours,
  paidToShippedP90Hours: s.paidToShipped.p90Hours,
  deliveredOrders: s.paidToDelivered.orders,
  paidToDeliveredMeanHours: s.paidToDelivered.meanHours,
  paidToDeliveredP90Hours: s.paidToDelivered.p90Hours,
});

/** JSON, or the report's table as CSV (`?format=csv`). */
function respond(c: Context, format: 'json' | 'csv', body: unknown, table: readonly object[]) {
  if (format === 'json') return c.json(body);
  return c.body(toCsv(table as Record<string, unknown>[]), 200, { 'content-type': 'text/csv; charset=utf-8' });
}
