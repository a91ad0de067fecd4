/**
 * What the reports count, read from `order_facts` (one narrow row per order that PostgreSQL keeps from the read
 * model, see db/schema/report-facts.ts). An order falls in a period by its own `ordered_at` (the platform's order
 * time, not when the OMS received it); later stages count the order's own timeline events. Merged duplicates are
 * not orders of their own and are left out everywhere. Days and hours are Asia/Shanghai.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { OrderCostGroup, OrderCostInput } from '../../domain/costs';
import type { CycleStats, FunnelStage, PairCount, PeakCell, Period } from '../../domain/reports';
import type { DbOrTx } from '../client';

export interface ReportFilter extends Period {
  channel?: string | undefined;
  warehouseId?: string | undefined;
}

/** The orders of the filter, as a WHERE clause on `order_facts f`. */
function inFilter(f: ReportFilter): SQL {
  return sql.join(
    [
      sql`f.ordered_at >= ${f.from.toISOString()}::timestamptz and f.ordered_at < ${f.to.toISOString()}::timestamptz and not f.merged`,
      ...(f.channel ? [sql`f.channel = ${f.channel}`] : []),
      ...(f.warehouseId ? [sql`f.warehouse_id = ${f.warehouseId}`] : []),
    ],
    sql` and `,
  );
}

/**
 * Memory a report's sorts and hash aggregates may use before they spill to disk (PostgreSQL's default, 4 MB,
 * sends the p90 over a million orders or the SKU pairs of a quarter to temporary files); for this query only.
 */
const REPORT_WORK_MEM = '64MB';

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  await refreshPendingFacts(db, { wait: true });
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '${REPORT_WORK_MEM}'`));
    return (await tx.execute(query)).rows as T[];
  });
}

/** Orders recomputed per statement: a batch big enough to amortise, small enough to hold its locks briefly. */
const REFRESH_BATCH = 2_000;

/**
 * Recomputes the facts of every order marked since (`order_facts_pending`), in batches; returns how many.
 * `wait`: a report's, which also waits for a refresh running elsewhere, so what it reads is current; without it
 * (the background job) orders another refresh holds are left to it.
 */
export async function refreshPendingFacts(db: DbOrTx, { wait }: { wait: boolean }): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows: done } = await db.execute<{ n: number }>(sql`select refresh_pending_order_facts(${REFRESH_BATCH}, ${wait}) as n`);
    total += done[0]!.n;
    if (done[0]!.n < REFRESH_BATCH) return total;
  }
}

/** Orders per funnel stage: ordered (all, also those cancelled unpaid), paid, shipped, delivered, returned. */
export async function funnelCounts(db: DbOrTx, f: ReportFilter): Promise<Record<FunnelStage, number>> {
  const [row] = await rows<Record<FunnelStage, number>>(
    db,
    sql`
    select count(*)::int as ordered, count(f.paid_at)::int as paid, count(f.shipped_at)::int as shipped,
      count(f.delivered_at)::int as delivered, count(f.returned_at)::int as returned
    from order_facts f where ${inFilter(f)}`,
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
  const city = level === 'city' ? sql`f.city` : sql`null::text`;
  return rows<RegionRow>(
    db,
    sql`
    select f.province, ${city} as city, count(*)::int as orders, sum(f.total_fen)::float8 as "gmvFen"
    from order_facts f where ${inFilter(f)} and f.paid_at is not null
    group by 1, 2 order by orders desc, province, city`,
  );
}

/**
 * Paid orders with at least one line, orders per SKU, and the SKU pairs bought in the same order (each unordered
 * pair once, `a < b`) in at least `minSupport` of those orders: the `limit` pairs of highest lift. All three are
 * counted in one pass over the facts, as integers: each order contributes the keys of its basket, held ready in
 * `basket_keys` (its SKUs' dictionary ids, the first one negated, which counts the order too, then a key per pair
 * of them), so nothing joins the lines to themselves and nothing hashes text; names are looked up for the SKUs
 * and pairs returned.
 */
export async function coPurchaseCounts(
  db: DbOrTx,
  f: ReportFilter,
  minSupport: number,
  limit: number,
): Promise<{ totalOrders: number; ordersWith: Map<string, number>; pairs: PairCount[] }> {
  const counted = await rows<{ kind: 'total' | 'sku' | 'pair'; a: string | null; b: string | null; n: number }>(
    db,
    sql`
    with c as (
      select item, count(*)::int as n
      from (
        select unnest(f.basket_keys) as item
        from order_facts f where ${inFilter(f)} and f.paid_at is not null and cardinality(f.basket_keys) > 0) b
      group by item),
    -- Every order has one negated SKU id: their counts add up to the orders; a SKU's orders are those of its id
    -- and of its id negated.
    t as (select coalesce(sum(n), 0)::int as n from c where item < 0),
    s as (select abs(item)::int as id, sum(n)::int as n from c where item < 4294967296 group by 1),
    -- A pair key back to its ids (see sku_pair_key, migration 0017). Support as associationRules computes it (the
    -- same float8 division), so the pairs kept here are those it keeps.
    p as (
      select (c.item >> 32)::int as a, ((c.item & 4294967295) # (((c.item >> 32) * 2654435761) & 4294967295))::int as b, c.n,
        (select n from t) as total
      from c where c.item > 4294967295 and c.n::float8 / (select n from t)::float8 >= ${minSupport}::float8)
    select 'total' as kind, null as a, null as b, n from t
    union all select 'sku', d.sku, null, s.n from s join sku_dictionary d on d.id = s.id
    union all (
      -- Ranked by the lift associationRules gives the better of the pair's two rules (computed alike), then
      -- support, then names: the limit keeps the pairs of the best rules, whatever their number of orders.
      select 'pair', least(da.sku, db.sku), greatest(da.sku, db.sku), p.n
      from p join s sa on sa.id = p.a join s sb on sb.id = p.b
        join sku_dictionary da on da.id = p.a join sku_dictionary db on db.id = p.b
      order by greatest((p.n::float8 / sa.n::float8) / (sb.n::float8 / p.total::float8), (p.n::float8 / sb.n::float8) / (sa.n::float8 / p.total::float8)) desc,
        p.n desc, least(da.sku, db.sku), greatest(da.sku, db.sku)
      limit ${limit})`,
  );
  return {
    totalOrders: counted.find((r) => r.kind === 'total')?.n ?? 0,
    ordersWith: new Map(counted.flatMap((r) => (r.kind === 'sku' ? [[r.a!, r.n] as const] : []))),
    pairs: counted.flatMap((r) => (r.kind === 'pair' ? [{ a: r.a!, b: r.b!, orders: r.n }] : [])),
  };
}

/** Orders by Shanghai weekday (1 = Monday) and hour, optionally only those holding a SKU or a SKU of a category. */
export async function ordersByWeekdayHour(db: DbOrTx, f: ReportFilter, only: { sku?: string | undefined; category?: string | undefined }): Promise<PeakCell[]> {
  const holding = only.sku
    ? sql`and f.skus @> array[${only.sku}]::text[]`
    : only.category
      ? sql`and f.categories @> array[${only.category}]::text[]`
      : sql``;
  return rows<PeakCell>(
    db,
    sql`
    select f.weekday::int as weekday, f.hour::int as hour, count(*)::int as orders
    from order_facts f where ${inFilter(f)} ${holding}
    group by 1, 2`,
  );
}

/**
 * Paid → shipped and paid → delivered hours of the paid orders of the filter: how many reached the stage, the
 * mean, and the 90th percentile by linear interpolation between the closest ranks (`percentile_cont`).
 */
export async function cycleStats(db: DbOrTx, f: ReportFilter): Promise<CycleStats> {
  const [row] = await rows<{ shipped: number; shippedMean: number | null; shippedP90: number | null; delivered: number; deliveredMean: number | null; deliveredP90: number | null }>(
    db,
    sql`
    with h as (
      select date_part('epoch', f.shipped_at - f.paid_at) / 3600 as shipped, date_part('epoch', f.delivered_at - f.paid_at) / 3600 as delivered
      from order_facts f where ${inFilter(f)} and f.paid_at is not null)
    select count(shipped)::int as shipped, avg(shipped) as "shippedMean", percentile_cont(0.9) within group (order by shipped) as "shippedP90",
      count(delivered)::int as delivered, avg(delivered) as "deliveredMean", percentile_cont(0.9) within group (order by delivered) as "deliveredP90"
    from h`,
  );
  return {
    paidToShipped: { orders: row?.shipped ?? 0, meanHours: row?.shippedMean ?? null, p90Hours: row?.shippedP90 ?? null },
    paidToDelivered: { orders: row?.delivered ?? 0, meanHours: row?.deliveredMean ?? null, p90Hours: row?.deliveredP90 ?? null },
  };
}

/** What an order's cost is made of, as recorded (carrier freight, transfer units, urgent-purchase freight). */
export interface OrderCostRow extends OrderCostInput {
  orderId: string;
}

const costColumns = sql`f.channel, f.total_fen::float8 as "totalFen", f.line_count as lines, f.forward_shipped as shipped,
  f.carrier_fen as "carrierFen", f.transfer_units as "transferUnits", f.purchase_freight_fen as "purchaseFreightFen"`;

/** The paid orders of the filter with what their cost is made of, newest first (a page of them). */
export async function orderCostRows(db: DbOrTx, f: ReportFilter, limit: number, offset: number): Promise<OrderCostRow[]> {
  return rows<OrderCostRow>(
    db,
    sql`select f.order_id as "orderId", ${costColumns} from order_facts f where ${inFilter(f)} and f.paid_at is not null
    order by f.order_id desc limit ${limit} offset ${offset}`,
  );
}

/**
 * The same inputs summed over every paid order of the filter, by what a per-order rate depends on (channel,
 * lines, shipped), with the platform commission summed order by order: each order's is rounded to the fen, as
 * `platformFeeFen` (domain/costs.ts) does, from the channel's rate in basis points.
 */
export async function orderCostGroups(db: DbOrTx, f: ReportFilter, feeBasisPoints: Readonly<Record<string, number>>): Promise<OrderCostGroup[]> {
  return rows<OrderCostGroup>(
    db,
    sql`
    with bp as (select key as channel, value::bigint as bp from jsonb_each_text(${JSON.stringify(feeBasisPoints)}::jsonb))
    select f.channel, f.line_count as lines, f.forward_shipped as shipped, count(*)::int as orders, sum(f.total_fen)::float8 as "totalFen",
      sum(f.carrier_fen)::float8 as "carrierFen", sum(f.transfer_units)::float8 as "transferUnits", sum(f.purchase_freight_fen)::float8 as "purchaseFreightFen",
      coalesce(sum(round(f.total_fen * bp.bp / 10000.0)), 0)::float8 as "platformFeeFen"
    from order_facts f left join bp using (channel) where ${inFilter(f)} and f.paid_at is not null
    group by 1, 2, 3`,
  );
}

export interface WarehouseDayRow {
  warehouseId: string;
  name: string;
  shipped: number;
  allocated: number;
  fromOwnStock: number;
  transfersIn: number;
  transfersOut: number;
  stockOuts: number;
  skus: number;
  onHand: number;
  available: number;
  unitsShipped30d: number;
  capacityOrders: number | null;
  dailyOrderCapacity: number | null;
}

/** Per warehouse, the day's flows and the stock now, with 30 days of shipped units for the supply figures. */
export async function warehouseDay(db: DbOrTx, day: Period, warehouseId?: string): Promise<WarehouseDayRow[]> {
  const from = day.from.toISOString();
  const to = day.to.toISOString();
  const date = sql`(${from}::timestamptz at time zone 'Asia/Shanghai')::date`;
  return rows<WarehouseDayRow>(
    db,
    sql`
    select w.id as "warehouseId", w.name,
      (select count(*) from shipments s where s.warehouse_id = w.id and s.direction = 'forward' and s.created_at >= ${from}::timestamptz and s.created_at < ${to}::timestamptz)::int as shipped,
      (select count(*) from order_allocations a where a.warehouse_id = w.id and a.created_at >= ${from}::timestamptz and a.created_at < ${to}::timestamptz)::int as allocated,
      (select count(*) from order_allocations a where a.warehouse_id = w.id and a.action = 'ship' and a.created_at >= ${from}::timestamptz and a.created_at < ${to}::timestamptz)::int as "fromOwnStock",
      (select count(*) from transfer_orders t where t.to_warehouse_id = w.id and t.created_at >= ${from}::timestamptz and t.created_at < ${to}::timestamptz)::int as "transfersIn",
      (select count(*) from transfer_orders t where t.from_warehouse_id = w.id and t.created_at >= ${from}::timestamptz and t.created_at < ${to}::timestamptz)::int as "transfersOut",
      coalesce(i.stock_outs, 0)::int as "stockOuts", coalesce(i.skus, 0)::int as skus, coalesce(i.on_hand, 0)::int as "onHand", coalesce(i.available, 0)::int as available,
      coalesce((
        select sum(f.units) from order_facts f
        where f.warehouse_id = w.id and f.shipped_at >= ${to}::timestamptz - interval '30 days' and f.shipped_at < ${to}::timestamptz), 0)::int as "unitsShipped30d",
      (select d.orders from warehouse_day_load d where d.warehouse_id = w.id and d.day = ${date}) as "capacityOrders",
      w.daily_order_capacity as "dailyOrderCapacity"
    from warehouses w
    left join lateral (
      select count(*) filter (where on_hand - reserved - held <= 0) as stock_outs, count(*) as skus, sum(on_hand) as on_hand, sum(on_hand - reserved - held) as available
      from inventory where warehouse_id = w.id) i on true
    ${warehouseId ? sql`where w.id = ${warehouseId}` : sql``}
    order by w.id`,
  );
}
