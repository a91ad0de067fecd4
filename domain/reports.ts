/**
 * The arithmetic of the reports, apart from the SQL that gathers the counts: report periods in Asia/Shanghai,
 * funnel conversion, co-purchase association measures and the fulfilment-cycle compression (the cycle's mean
 * and p90 are computed by PostgreSQL over the facts, db/queries/reports.ts).
 * Ratios are unrounded fractions (0.656, never "65.6%"); presentation rounds.
 */
import { z } from 'zod';
import { DAY_MS, shanghaiMidnight } from './shanghai-time';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A half-open period `[from, to)` of instants. */
export interface Period {
  from: Date;
  to: Date;
}

/** A whole Shanghai day as a period. */
export function shanghaiDay(date: string): Period {
  const from = shanghaiMidnight(date);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/**
 * A period bound as the API takes it: an ISO date-time with offset (that instant), or a Shanghai date. A date
 * used as `to` includes that whole day (`to=2026-11-30` ends at midnight starting 2026-12-01).
 */
export const periodBound = z.union([
  z.iso.datetime({ offset: true }),
  z
    .string()
    .regex(DATE, 'a date YYYY-MM-DD or a date-time with offset')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date'),
]);

export function boundInstant(bound: string, side: 'from' | 'to'): Date {
  if (!DATE.test(bound)) return new Date(bound);
  const midnight = shanghaiMidnight(bound);
  return side === 'from' ? midnight : new Date(midnight.getTime() + DAY_MS);
}

/** The period of `from`/`to` (either may be missing: the last 7 days up to now by default). */
export function resolvePeriod(q: { from?: string | undefined; to?: string | undefined }, now: Date, defaultDays = 7): Period {
  const to = q.to ? boundInstant(q.to, 'to') : now;
  const from = q.from ? boundInstant(q.from, 'from') : new Date(to.getTime() - defaultDays * DAY_MS);
  return { from, to };
}

/** The period of the same length that ends where this one starts (the default baseline). */
export function precedingPeriod(p: Period): Period {
  const length = p.to.getTime() - p.from.getTime();
  return { from: new Date(p.from.getTime() - length), to: p.from };
}

export const FUNNEL_STAGES = ['ordered', 'paid', 'shipped', 'delivered', 'returned'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface FunnelRow {
  stage: FunnelStage;
  count: number;
  /** count / previous stage's count; null for the first stage, or when the previous stage is empty. */
  conversionFromPrevious: number | null;
  /** Orders lost between the previous stage and this one. */
  lostFromPrevious: number | null;
}

export function funnel(counts: Record<FunnelStage, number>): FunnelRow[] {
  return FUNNEL_STAGES.map((stage, i) => {
    const previous = i === 0 ? undefined : counts[FUNNEL_STAGES[i - 1]!];
    return {
      stage,
      count: counts[stage],
      conversionFromPrevious: previous ? counts[stage] / previous : null,
      lostFromPrevious: previous === undefined ? null : previous - counts[stage],
    };
  });
}

export interface PairCount {
  a: string;
  b: string;
  /** Orders holding both. */
  orders: number;
}

export interface AssociationRule extends PairCount {
  /** P(a and b): share of all orders holding both. */
  support: number;
  /** P(b | a). */
  confidence: number;
  /** P(b | a) / P(b): how much more often b comes with a than on its own (1 = independent). */
  lift: number;
}

/**
 * Association measures of SKU pairs. `pairs` are unordered (each pair once); every pair yields both rules,
 * a → b and b → a, which share support and lift and differ in confidence. Pairs under `minSupport` are left
 * out. Sorted by lift, then support, then names (stable for equal figures).
 */
export function associationRules(
  pairs: readonly PairCount[],
  ordersWith: ReadonlyMap<string, number>,
  totalOrders: number,
  minSupport = 0,
): AssociationRule[] {
  if (totalOrders <= 0) return [];
  const rules: AssociationRule[] = [];
  for (const pair of pairs) {
    const support = pair.orders / totalOrders;
    if (support < minSupport) continue;
    for (const [a, b] of [
      [pair.a, pair.b],
      [pair.b, pair.a],
    ] as const) {
      const na = ordersWith.get(a) ?? 0;
      const nb = ordersWith.get(b) ?? 0;
      if (na === 0 || nb === 0) continue;
      const confidence = pair.orders / na;
      rules.push({ a, b, orders: pair.orders, support, confidence, lift: confidence / (nb / totalOrders) });
    }
  }
  return rules.sort((x, y) => y.lift - x.lift || y.support - x.support || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
}

export type Compression = { rate: number; reason?: undefined } | { rate: null; reason: string };

/** `(baseline − current) / baseline` of a mean duration: 28.5 h → 9.8 h is 0.656. */
export function compressionRate(baselineMean: number | null, currentMean: number | null): Compression {
  if (baselineMean === null) return { rate: null, reason: 'no order in the baseline period has reached this stage' };
  if (baselineMean <= 0) return { rate: null, reason: 'the baseline mean is zero' };
  if (currentMean === null) return { rate: null, reason: 'no order in the current period has reached this stage' };
  return { rate: (baselineMean - currentMean) / baselineMean };
}

export interface PeakCell {
  /** 1 = Monday … 7 = Sunday (ISO), Asia/Shanghai. */
  weekday: number;
  hour: number;
  orders: number;
}

/** All 168 weekday × hour cells (missing ones as 0) and the busiest `topN`. */
export function peakGrid(counts: readonly PeakCell[], topN = 5): { cells: PeakCell[]; top: PeakCell[] } {
  const byKey = new Map(counts.map((c) => [`${c.weekday}:${c.hour}`, c.orders]));
  const cells: PeakCell[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, orders: byKey.get(`${weekday}:${hour}`) ?? 0 });
  }
  const top = cells
    .filter((c) => c.orders > 0)
    .sort((a, b) => b.orders - a.orders || a.weekday - b.weekday || a.hour - b.hour)
    .slice(0, topN);
  return { cells, top };
}

/** Rows as CSV (RFC 4180: fields with a comma, quote or line break are quoted), with a header line. */
export function toCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const header = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  const field = (v: unknown) => {
    const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header.join(','), ...rows.map((r) => header.map((c) => field(r[c])).join(','))].join('\r\n') + '\r\n';
}

export interface DurationStats {
  /** Orders that reached the stage. */
  orders: number;
  meanHours: number | null;
  p90Hours: number | null;
}

export interface CycleStats {
  paidToShipped: DurationStats;
  paidToDelivered: DurationStats;
}

export interface WarehouseHealthInput {
  allocated: number;
  fromOwnStock: number;
  onHand: number;
  available: number;
  /** Units that left the warehouse in the 30 days up to the report day. */
  unitsShipped30d: number;
  capacityOrders: number | null;
  dailyOrderCapacity: number | null;
}

export interface WarehouseHealthFigures {
  /** Orders allocated to the warehouse that day that it served from its own shelves (no transfer, no purchase). */
  fillRate: number | null;
  /** How long the sellable stock lasts at the last 30 days' pace. */
  daysOfSupply: number | null;
  /** How long the stock on hand takes to turn over at that pace. */
  turnoverDays: number | null;
  /** The day's allocated orders against the daily capacity (null: no capacity set). */
  capacityUsed: number | null;
}

export function warehouseHealth(w: WarehouseHealthInput): WarehouseHealthFigures {
  const perDay = w.unitsShipped30d / 30;
  return {
    fillRate: w.allocated > 0 ? w.fromOwnStock / w.allocated : null,
    daysOfSupply: perDay > 0 ? Math.max(0, w.available) / perDay : null,
    turnoverDays: perDay > 0 ? w.onHand / perDay : null,
    capacityUsed: w.dailyOrderCapacity ? (w.capacityOrders ?? 0) / w.dailyOrderCapacity : null,
  };
}
