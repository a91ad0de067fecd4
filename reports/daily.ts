/**
 * The reports' figures as the routes, the daily PDF and the WeCom push all present them: one function per
 * report over `db/queries/reports.ts` (the counting) and `domain/reports.ts` (the arithmetic), and the daily
 * report that gathers them for one Shanghai day.
 */
import type { DbOrTx } from '../db/client';
import { cycleStats, funnelCounts, ordersByRegion, warehouseDay, type ReportFilter, type WarehouseDayRow } from '../db/queries/reports';
import { locate } from '../domain/geo';
import {
  compressionRate,
  funnel,
  precedingPeriod,
  shanghaiDay,
  warehouseHealth,
  type CycleStats,
  type FunnelRow,
  type Period,
  type WarehouseHealthFigures,
} from '../domain/reports';
import { DAY_MS, shanghaiDate } from '../domain/shanghai-time';
import { loadReconciliationSection, type ReconciliationSection } from '../finance/reconciliation-pdf';

export interface HeatmapRegion {
  province: string;
  city?: string | null;
  orders: number;
  gmvFen: number;
  lat: number | null;
  lng: number | null;
}

/** Paid orders and GMV by province or city, placed by the built-in city table (null where it has no point). */
export async function heatmapRegions(db: DbOrTx, f: ReportFilter, level: 'province' | 'city'): Promise<HeatmapRegion[]> {
  return (await ordersByRegion(db, f, level)).map((r) => {
    const at = locate({ province: r.province, city: r.city });
    return { province: r.province, ...(level === 'city' ? { city: r.city } : {}), orders: r.orders, gmvFen: r.gmvFen, lat: at?.lat ?? null, lng: at?.lng ?? null };
  });
}

/** A warehouse's day as reported: its counts (without the inputs only the figures need) and the figures. */
export type WarehouseHealthRow = Omit<WarehouseDayRow, 'fromOwnStock' | 'unitsShipped30d' | 'capacityOrders'> & WarehouseHealthFigures & { capacityOrders: number };

/** Per warehouse for one Shanghai day (`YYYY-MM-DD`). */
export async function warehouseHealthRows(db: DbOrTx, date: string, warehouseId?: string): Promise<WarehouseHealthRow[]> {
  return (await warehouseDay(db, shanghaiDay(date), warehouseId)).map((w) => ({
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
}

/** Everything the daily PDF and the WeCom push show for one Shanghai day. */
export interface DailyReport {
  /** The Shanghai day, `YYYY-MM-DD`. */
  date: string;
  period: Period;
  funnel: FunnelRow[];
  /** Paid orders by city, most orders first. */
  regions: HeatmapRegion[];
  paidOrders: number;
  gmvFen: number;
  warehouses: WarehouseHealthRow[];
  cycle: {
    current: CycleStats;
    /** The day before, as `/fulfilment-cycle` compares by default (the period of the same length just before). */
    baseline: CycleStats;
    /** `(baseline − current) / baseline` of the mean paid → shipped hours; null with a reason when it cannot be told. */
    compressionRate: number | null;
    reason?: string;
  };
  /** The month so far reconciled against the platforms' statements (finance/reconciliation-pdf.ts). */
  reconciliation?: ReconciliationSection;
}

/**
 * The day the daily report covers when none is asked for: yesterday in Shanghai, the last whole day (the
 * scheduled push runs in the morning, and today's figures would still be moving).
 */
export function defaultReportDate(now: Date): string {
  return shanghaiDate(now.getTime() - DAY_MS);
}

export async function loadDailyReport(db: DbOrTx, date: string): Promise<DailyReport> {
  const period = shanghaiDay(date);
  const [counts, regions, warehouses, current, baseline, reconciliation] = await Promise.all([
    funnelCounts(db, period),
    heatmapRegions(db, period, 'city'),
    warehouseHealthRows(db, date),
    cycleStats(db, period),
    cycleStats(db, precedingPeriod(period)),
    loadReconciliationSection(db, date),
  ]);
  const shipped = compressionRate(baseline.paidToShipped.meanHours, current.paidToShipped.meanHours);
  return {
    date,
    period,
    funnel: funnel(counts),
    regions,
    paidOrders: regions.reduce((n, r) => n + r.orders, 0),
    gmvFen: regions.reduce((n, r) => n + r.gmvFen, 0),
    warehouses,
    cycle: { current, baseline, compressionRate: shipped.rate, ...(shipped.reason ? { reason: shipped.reason } : {}) },
    reconciliation,
  };
}
