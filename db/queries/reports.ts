/**
 * What the reports count, read from the read model. An order falls in a period by its own `ordered_at` (the
 * platform's order time, not when the OMS received it); later stages count the order's own timeline events.
 * Merged duplicates are not orders of their own and are left out everywhere. Days and hours are Asia/Shanghai.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { OrderCostInput } from '../../domain/costs';
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
 * pair once, `a < b`) in at least `minSupport` of those orders.
 */
export async function coPurchaseCounts(
  db: DbOrTx,
  f: ReportFilter,
  minSupport: number,
  limit: number,
): Promise<{ totalOrders: number; ordersWith: Map<string, number>; pairs: PairCount[] }> {
  const basket = sql`select l.order_id, l.sku from order_lines l join orders o using (order_id) where ${inFilter(f)} and o.paid_at is not null`;
  const [totals] = await rows<{ n: number }>(db, sql`select count(distinct order_id)::int as n from (${basket}) b`);
  const totalOrders = totals?.n ?? 0;
  // The support threshold as a count of orders, so the database drops rare pairs before they are joined back.
  const minOrders = Math.max(1, Math.ceil(minSupport * totalOrders));
  const [singles, pairs] = await Promise.all([
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
  return { totalOrders, ordersWith: new Map(singles.map((s) => [s.sku, s.n])), pairs };
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

/** What an order's cost is made of, as recorded (carrier freight, transfer units, urgent-purchase freight). */
export interface OrderCostRow extends OrderCostInput {
  orderId: string;
}

function costInputs(f: ReportFilter): SQL {
  return sql`
    with o as (select o.order_id, o.channel, o.total_fen from orders o where ${inFilter(f)} and o.paid_at is not null),
    ln as (select l.order_id, count(*)::int as n from order_lines l join o using (order_id) group by l.order_id),
    sh as (
      select s.order_id, sum(coalesce(s.cost_fen, 0))::int as fen, bool_or(s.direction = 'forward') as shipped
      from shipments s join o using (order_id) group by s.order_id),
    tr as (
      select t.order_id, sum((l.value->>'quantity')::int)::int as units
      from transfer_orders t join o using (order_id) cross join lateral jsonb_array_elements(t.lines) l
      where t.for_order group by t.order_id),
    pu as (
      select p.order_id, sum(coalesce(p.post_fee_fen, 0))::int as fen
      from purchase_orders p join o using (order_id) where p.status in ('ordered', 'received') group by p.order_id)
    select o.order_id as "orderId", o.channel, o.total_fen as "totalFen", coalesce(ln.n, 0) as lines, coalesce(sh.shipped, false) as shipped,
      coalesce(sh.fen, 0) as "carrierFen", coalesce(tr.units, 0) as "transferUnits", coalesce(pu.fen, 0) as "purchaseFreightFen"
    from o left join ln using (order_id) left join sh using (order_id) left join tr using (order_id) left join pu using (order_id)`;
}

/** The paid orders of the filter with what their cost is made of, newest first (a page of them). */
export async function orderCostRows(db: DbOrTx, f: ReportFilter, limit: number, offset: number): Promise<OrderCostRow[]> {
  return rows<OrderCostRow>(db, sql`select * from (${costInputs(f)}) c order by "orderId" desc limit ${limit} offset ${offset}`);
}

/**
 * The same inputs summed over every paid order of the filter, grouped by what a per-order rate depends on
 * (channel, value, lines, shipped), so the cost arithmetic stays in one place (domain/costs.ts) however many
 * orders there are.
 */
export async function orderCostGroups(db: DbOrTx, f: ReportFilter): Promise<(OrderCostRow & { orders: number })[]> {
  return rows(
    db,
    sql`
    select channel, "totalFen", lines, shipped, count(*)::int as orders,
      sum("carrierFen")::float8 as "carrierFen", sum("transferUnits")::float8 as "transferUnits", sum("purchaseFreightFen")::float8 as "purchaseFreightFen"
    from (${costInputs(f)}) c group by 1, 2, 3, 4`,
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
        select sum(l.quantity) from shipments s join order_lines l using (order_id)
        where s.warehouse_id = w.id and s.direction = 'forward' and s.created_at >= ${to}::timestamptz - interval '30 days' and s.created_at < ${to}::timestamptz), 0)::int as "unitsShipped30d",
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
