import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { coPurchaseCounts, cycleStats, funnelCounts, orderCostGroups, orderCostRows, ordersByWeekdayHour, type ReportFilter } from '../../db/queries/reports';
import { costTotals, DEFAULT_COST_RATES, feeBasisPoints, orderCost, type CostRates } from '../../domain/costs';
import {
  associationRules,
  boundInstant,
  compressionRate,
  funnel,
  peakGrid,
  periodBound,
  precedingPeriod,
  resolvePeriod,
  toCsv,
  type CycleStats,
  type Period,
} from '../../domain/reports';
import { shanghaiDate } from '../../domain/shanghai-time';
import { heatmapSvg, svgToPng } from '../../reports/charts';
import { defaultReportDate, heatmapRegions, loadDailyReport, warehouseHealthRows } from '../../reports/daily';
import { dailyReportPdf } from '../../reports/pdf';
import type { DailyReportClient } from '../../reports/push-client';
import { requireScope, type ApiEnv } from '../auth';
import { unavailable } from '../errors';
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
const heatmapQuery = filterQuery
  .extend({
    // Pictures besides the table: the bubble chart (SVG, or PNG drawn from it).
    format: z.enum(['json', 'csv', 'svg', 'png']).default('json'),
    // Default: provinces for the table (as before), cities for a picture (bubbles where the orders went).
    level: z.enum(['province', 'city']).optional(),
  })
  .refine(ordered, reversed);
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

const dateOnly = periodBound.refine((d) => !d.includes('T'), 'a date YYYY-MM-DD');
const healthQuery = z.object({
  date: dateOnly.optional(),
  warehouseId: z.string().trim().min(1).max(32).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
const costsQuery = filterQuery
  .extend({ limit: z.coerce.number().int().min(0).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) })
  .refine(ordered, reversed);

const dailyQuery = z.object({ date: dateOnly.optional() });
const dailyPushBody = z.object({ date: dateOnly.optional() });

type FilterQuery = z.infer<typeof filterQuery>;
const readScope = () => requireScope('ops', 'orders:read');

export interface ReportRouteDeps {
  db: Db;
  costRates?: CostRates;
  now?: () => Date;
  /** Starts the WeCom push (dailyReportWorkflow); without it (no WECOM_WEBHOOK_URL) the push answers 503. */
  dailyReports?: DailyReportClient | undefined;
}

/**
 * `/v1/reports`: managers' numbers from the read model (days and hours in Asia/Shanghai), the heat map as a
 * picture, the daily PDF and its push to the WeCom group (docs/reports.md).
 */
export function reportRoutes({ db, costRates = DEFAULT_COST_RATES, now = () => new Date(), dailyReports }: ReportRouteDeps) {
  const filterOf = (q: Omit<FilterQuery, 'format'>, period: Period = resolvePeriod(q, now())): ReportFilter => ({ ...period, channel: q.channel, warehouseId: q.warehouseId });
  const feeRates = Object.fromEntries(Object.keys(costRates.platformFeePct).map((channel) => [channel, feeBasisPoints(costRates, channel)]));
  const periodOf = (f: ReportFilter) => ({ from: f.from.toISOString(), to: f.to.toISOString() });

  return new Hono<ApiEnv>()
    .get(
      '/funnel',
      readScope(),
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
      readScope(),
      doc('Paid orders and GMV by province or city (?level=province|city), with coordinates for a map (?format=csv); ?format=svg|png: a bubble chart on longitude/latitude (by city unless ?level=province), bubbles sized by orders, coloured by GMV', {
        200: '{ period, level, regions }, CSV, or image/svg+xml / image/png',
      }),
      validate('query', heatmapQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const { format } = q;
        const level = q.level ?? (format === 'svg' || format === 'png' ? 'city' : 'province');
        const regions = await heatmapRegions(db, f, level);
        if (format === 'svg' || format === 'png') {
          const svg = heatmapSvg({ regions, subtitle: subtitleOf(f, q) });
          if (format === 'svg') return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
          return c.body(new Uint8Array(await svgToPng(svg)), 200, { 'content-type': 'image/png' });
        }
        return respond(c, format, { period: periodOf(f), level, regions }, regions);
      },
    )
    .get(
      '/co-purchase',
      readScope(),
      doc('SKU pairs bought in the same order, by lift: orders, support, confidence = P(b|a), lift (?minSupport= a fraction, ?format=csv)', { 200: '{ period, orders, pairs }' }),
      validate('query', coPurchaseQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const counts = await coPurchaseCounts(db, f, q.minSupport, q.limit);
        const pairs = associationRules(counts.pairs, counts.ordersWith, counts.totalOrders, q.minSupport).slice(0, q.limit);
        return respond(c, q.format, { period: periodOf(f), orders: counts.totalOrders, minSupport: q.minSupport, pairs }, pairs);
      },
    )
    .get(
      '/peaks',
      readScope(),
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
      readScope(),
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
      readScope(),
      doc('Per warehouse for a day (?date=, default today, Asia/Shanghai): shipped, fill rate, stock-outs, transfers in/out, days of supply, turnover days, capacity used (?format=csv)', {
        200: '{ date, warehouses }',
      }),
      validate('query', healthQuery),
      async (c) => {
        const q = c.req.valid('query');
        const date = q.date ?? shanghaiDate(now());
        const warehouses = await warehouseHealthRows(db, date, q.warehouseId);
        return respond(c, q.format, { date, warehouses }, warehouses);
      },
    )
    .get(
      '/costs',
      readScope(),
      doc('Fulfilment cost per paid order (carrier, transfer, purchase premium, pick/pack labour, platform fee) and totals, in fen (?limit=&offset= for the orders, ?format=csv)', {
        200: '{ period, rates, totals, orders }',
      }),
      validate('query', costsQuery),
      async (c) => {
        const q = c.req.valid('query');
        const f = filterOf(q);
        const [groups, page] = await Promise.all([orderCostGroups(db, f, feeRates), q.limit > 0 ? orderCostRows(db, f, q.limit, q.offset) : []]);
        const orders = page.map((o) => ({ orderId: o.orderId, channel: o.channel, valueFen: o.totalFen, ...orderCost(o, costRates) }));
        const totals = costTotals(groups, costRates);
        return respond(c, q.format, { period: periodOf(f), rates: costRates, totals, orders }, orders);
      },
    )
    .get(
      '/daily.pdf',
      readScope(),
      doc('The daily report as an A4 PDF for one Shanghai day (?date=, default yesterday): funnel, heat map by city, warehouse health table, fulfilment-cycle compression rate; Chinese text embedded', {
        200: 'application/pdf',
      }),
      validate('query', dailyQuery),
      async (c) => {
        const date = c.req.valid('query').date ?? defaultReportDate(now());
        const pdf = await dailyReportPdf(await loadDailyReport(db, date), { generatedAt: now() });
        return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="daily-report-${date}.pdf"` });
      },
    )
    .post(
      '/daily/push',
      requireScope('ops'),
      doc('Push the daily report (default yesterday, Shanghai) to the WeCom group robot: a markdown summary and a chart image, retried, a daily-report-push review task when it still fails; 503 without WECOM_WEBHOOK_URL', {
        202: '{ date, workflowId }',
        503: 'WECOM_WEBHOOK_URL is not set (NOT_CONFIGURED)',
      }),
      validate('json', dailyPushBody),
      async (c) => {
        if (!dailyReports) throw unavailable('the WeCom daily push (WECOM_WEBHOOK_URL is not set)');
        const date = c.req.valid('json').date ?? defaultReportDate(now());
        const { workflowId } = await dailyReports.push(date);
        return c.json({ date, workflowId }, 202);
      },
    );
}

/** The picture's subtitle: the period as Shanghai days, and the filters. */
function subtitleOf(f: ReportFilter, q: { channel?: string | undefined; warehouseId?: string | undefined }): string {
  const last = shanghaiDate(new Date(f.to.getTime() - 1));
  const first = shanghaiDate(f.from);
  return [first === last ? first : `${first} 至 ${last}`, ...(q.channel ? [`渠道 ${q.channel}`] : []), ...(q.warehouseId ? [`仓库 ${q.warehouseId}`] : [])].join(' · ');
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
