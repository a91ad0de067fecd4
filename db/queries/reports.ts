/**
 * What the reports count, read from the read model. An order falls in a period by its own `ordered_at` (the
 * platform's order time, not when the OMS received it); later stages count the order's own timeline events.
 * Merged duplicates are not orders of their own and are left out everywhere. Days and hours are Asia/Shanghai.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { FunnelStage, PairCount, PeakCell, Period } from '../../domain/reports';
import type { DbOrTx } from '../client';

export interface ReportFilter extends Period {
  channel?: string | undefined;
  warehouseId?: string | undefined;
}

/** The orders of the filter, as a WHERE clause on `orders o`. */
function inFilter(f: ReportFilter): SQL {
  return sql.join(
    [
      sql`o.ordered_at >= ${f.from.toISOString()}::timestamptz and o.ordered_at < ${f.to.toISOString()}::timestamptz and o.merged_into is null and o.status <> 'MERGED'`,
      ...(f.channel ? [sql`o.channel = ${f.channel}`] : []),
      ...(f.warehouseId ? [sql`o.warehouse_id = ${f.warehouseId}`] : []),
    ],
    sql` and `,
  );
}

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

/** Orders per funnel stage: ordered (all, also those cancelled unpaid), paid, shipped, delivered, returned. */
export async function funnelCounts(db: DbOrTx, f: ReportFilter): Promise<Record<FunnelStage, number>> {
  const [row] = await rows<Record<FunnelStage, number>>(
    db,
    sql`
    with o as (select o.order_id, o.paid_at from orders o where ${inFilter(f)}),
    stages as (
      select e.order_id, bool_or(e.type = 'SHIPPED') as shipped, bool_or(e.type = 'DELIVERED') as delivered
      from order_events e join o using (order_id)
      where e.type in ('SHIPPED', 'DELIVERED')
      group by e.order_id)
    select count(*)::int as ordered,
      count(*) filter (where o.paid_at is not null)::int as paid,
      count(*) filter (where s.shipped)::int as shipped,
      count(*) filter (where s.delivered)::int as delivered,
      count(*) filter (where exists (select 1 from returns r where r.order_id = o.order_id))::int as returned
    from o left join stages s using (order_id)`,
  );
  return row ?? { ordered: 0, paid: 0, shipped: 0, delivered: 0, returned: 0 };
}

export interface RegionRow {
  province: string;
  city: string | null;
  orders: number;
  gmvFen: number;
}

/** Paid orders and their value by the shipping address's province (and city). */
export async function ordersByRegion(db: DbOrTx, f: ReportFilter, level: 'province' | 'city'): Promise<RegionRow[]> {
  const city = level === 'city' ? sql`o.shipping_address->>'city'` : sql`null::text`;
  return rows<RegionRow>(
    db,
    sql`
    select o.shipping_address->>'province' as province, ${city} as city, count(*)::int as orders, sum(o.total_fen)::bigint::float8 as "gmvFen"
    from orders o where ${inFilter(f)} and o.paid_at is not null
    group by 1, 2 order by orders desc, province, city`,
  );
}

/**
 * Paid orders with at least one line, orders per SKU, and SKU pairs bought in the same order (each unordered
 * pair once, `a < b`) with at least `minOrders` orders.
 */
export async function coPurchaseCounts(
  db: DbOrTx,
  f: ReportFilter,
  minOrders: number,
  limit: number,
): Promise<{ totalOrders: number; ordersWith: Map<string, number>; pairs: PairCount[] }> {
  const basket = sql`select l.order_id, l.sku from order_lines l join orders o using (order_id) where ${inFilter(f)} and o.paid_at is not null`;
  const [totals, singles, pairs] = await Promise.all([
    rows<{ n: number }>(db, sql`select count(distinct order_id)::int as n from (${basket}) b`),
    rows<{ sku: string; n: number }>(db, sql`select sku, count(*)::int as n from (${basket}) b group by sku`),
    rows<PairCount>(
      db,
      sql`
      with b as (${basket})
      select x.sku as a, y.sku as b, count(*)::int as orders
      from b x join b y on x.order_id = y.order_id and x.sku < y.sku
      group by 1, 2 having count(*) >= ${minOrders}
      order by orders desc, a, b limit ${limit}`,
    ),
  ]);
  return { totalOrders: totals[0]?.n ?? 0, ordersWith: new Map(singles.map((s) => [s.sku, s.n])), pairs };
}

/** Orders by Shanghai weekday (1 = Monday) and hour, optionally only those holding a SKU or a SKU of a category. */
export async function ordersByWeekdayHour(db: DbOrTx, f: ReportFilter, only: { sku?: string | undefined; category?: string | undefined }): Promise<PeakCell[]> {
  const holding = only.sku
    ? sql`and exists (select 1 from order_lines l where l.order_id = o.order_id and l.sku = ${only.sku})`
    : only.category
      ? sql`and exists (select 1 from order_lines l join skus s on s.sku = l.sku where l.order_id = o.order_id and s.category = ${only.category})`
      : sql``;
  const local = sql`(o.ordered_at at time zone 'Asia/Shanghai')`;
  return rows<PeakCell>(
    db,
    sql`
    select extract(isodow from ${local})::int as weekday, extract(hour from ${local})::int as hour, count(*)::int as orders
    from orders o where ${inFilter(f)} ${holding}
    group by 1, 2`,
  );
}

export interface CycleSample {
  /** Hours from payment to the first parcel leaving / being delivered (null: not reached). */
  paidToShippedHours: number | null;
  paidToDeliveredHours: number | null;
}

/** Paid → shipped and paid → delivered of the paid orders of the filter, in hours. */
export async function cycleSamples(db: DbOrTx, f: ReportFilter): Promise<CycleSample[]> {
  return rows<CycleSample>(
    db,
    sql`
    with o as (select o.order_id, o.paid_at from orders o where ${inFilter(f)} and o.paid_at is not null),
    stages as (
      select e.order_id, min(e.at) filter (where e.type = 'SHIPPED') as shipped_at, min(e.at) filter (where e.type = 'DELIVERED') as delivered_at
      from order_events e join o using (order_id)
      where e.type in ('SHIPPED', 'DELIVERED')
      group by e.order_id)
    select extract(epoch from s.shipped_at - o.paid_at) / 3600 as "paidToShippedHours",
      extract(epoch from s.delivered_at - o.paid_at) / 3600 as "paidToDeliveredHours"
    from o join stages s using (order_id)`,
  );
}
