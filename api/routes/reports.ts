import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { coPurchaseCounts, cycleSamples, funnelCounts, ordersByRegion, ordersByWeekdayHour, type ReportFilter } from '../../db/queries/reports';
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
  toCsv,
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

type FilterQuery = z.infer<typeof filterQuery>;

/** `/v1/reports`: managers' numbers from the read model (days and hours in Asia/Shanghai). */
export function reportRoutes({ db, now = () => new Date() }: { db: Db; now?: () => Date }) {
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
    );
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
