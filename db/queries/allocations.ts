/**
 * Per-order allocations (`order_allocations`): what the order was allocated, the warehouses' daily load it
 * counts against (`warehouse_day_load`), and letting go of it all on cancel. Rows are locked in one order
 * (transfer/purchase rows first, then inventory rows via `lockStock`, then day-load rows by warehouse id) so
 * concurrent receipts, cancels and allocations queue up instead of deadlocking.
 */
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { WarehouseDayLoad } from '../../domain/allocation';
import { shanghaiDate } from '../../domain/shanghai-time';
import type { DbOrTx } from '../client';
import type { Hold } from '../../domain/holds';
import { orderAllocations, purchaseOrders, stockHolds, transferOrders, warehouseDayLoad, warehouses } from '../schema';
import { activeHolds, settleHolds } from './holds';
import { activeReservations, inboundLinesSql, lockStock, settleReservations, sumInbound } from './inventory';

export type OrderAllocationRow = typeof orderAllocations.$inferSelect;

/**
 * What an allocation reads once its stock rows are locked, in one statement (each statement under the locks
 * makes the next order of these SKUs wait a round trip longer): whether the order already holds an allocation
 * (a retry behind its own first attempt), its holds still in force, and the units on their way to each
 * warehouse (`inboundLinesSql`). Read after the locks, not with them: a statement that waited for a lock still
 * sees the data as it was when it began.
 */
export async function allocationFactsUnderLock(
  tx: DbOrTx,
  orderId: string,
  skus: readonly string[],
): Promise<{ allocated: boolean; holds: Hold[]; inbound: Map<string, Record<string, number>> }> {
  const { rows } = await tx.execute<{ allocated: boolean; holds: Hold[]; inbound: { warehouse_id: string; lines: unknown }[] }>(sql`
    select
      exists (select 1 from ${orderAllocations} where ${orderAllocations.orderId} = ${orderId} and ${orderAllocations.releasedAt} is null) as allocated,
      (select coalesce(json_agg(json_build_object('orderId', h.order_id, 'warehouseId', h.warehouse_id, 'sku', h.sku, 'quantity', h.quantity)), '[]')
        from ${stockHolds} h where h.order_id = ${orderId} and h.status = 'held') as holds,
      (select coalesce(json_agg(x), '[]') from (${inboundLinesSql}) x) as inbound`);
  const row = rows[0]!;
  return { allocated: row.allocated, holds: row.holds, inbound: sumInbound(row.inbound, skus) };
}

/** The allocation the order holds now (not released), if any. */
export async function findActiveAllocation(db: DbOrTx, orderId: string): Promise<OrderAllocationRow | undefined> {
  const [row] = await db
    .select()
    .from(orderAllocations)
    .where(and(eq(orderAllocations.orderId, orderId), isNull(orderAllocations.releasedAt)));
  return row;
}

/** The order's allocation as last recorded, released or not (the read-back of an order Temporal no longer holds). */
export async function findAllocation(db: DbOrTx, orderId: string): Promise<OrderAllocationRow | undefined> {
  const [row] = await db.select().from(orderAllocations).where(eq(orderAllocations.orderId, orderId));
  return row;
}

/**
 * Records the allocation; a released one of the same order is replaced. `createdAt` (default: now) is the
 * instant the order was counted against its warehouses' day, which a cancel looks at.
 */
export async function saveAllocation(db: DbOrTx, row: typeof orderAllocations.$inferInsert): Promise<void> {
  await db
    .insert(orderAllocations)
    .values(row)
    .onConflictDoUpdate({ target: orderAllocations.orderId, set: { ...row, createdAt: row.createdAt ?? sql`now()`, releasedAt: null } });
}

/**
 * The order lets go of its allocation (cancel): reservations released, an in-transit transfer detached (its
 * units stay held until they arrive, then become free stock at the destination), a purchase not yet placed
 * cancelled and a placed one detached, holds still in force released. Idempotent. Returns what was released.
 */
export async function releaseOrderAllocation(db: DbOrTx, orderId: string, opts: { today?: string } = {}) {
  const today = opts.today ?? shanghaiDate(Date.now());
  return db.transaction(async (tx) => {
    await tx
      .update(transferOrders)
      .set({ forOrder: false })
      .where(and(eq(transferOrders.orderId, orderId), eq(transferOrders.status, 'in_transit'), eq(transferOrders.forOrder, true)));
    await tx
      .update(purchaseOrders)
      .set({ forOrder: false, status: sql`CASE WHEN ${purchaseOrders.status} = 'pending' THEN 'cancelled' ELSE ${purchaseOrders.status} END` })
      .where(and(eq(purchaseOrders.orderId, orderId), ne(purchaseOrders.status, 'received'), eq(purchaseOrders.forOrder, true)));
    const active = await activeReservations(tx, orderId);
    const held = await activeHolds(tx, orderId);
    await lockStock(tx, [...active, ...held].map((r) => r.sku));
    const released = [...(await settleReservations(tx, orderId, 'released')), ...(await settleHolds(tx, orderId, 'released'))];
    const ended = await tx
      .update(orderAllocations)
      .set({ releasedAt: sql`now()` })
      .where(and(eq(orderAllocations.orderId, orderId), isNull(orderAllocations.releasedAt)))
      .returning();
    // Allocated today: the warehouses will not ship it, so its slot goes to the next order. An order counted
    // on an earlier day changes nothing: that day is over (and its count is what the warehouse was asked for).
    for (const row of ended) {
      if (shanghaiDate(row.createdAt) === today) for (const w of countedWarehouses(row)) await freeDaySlot(tx, w, today);
    }
    return released;
  });
}

// ── Daily capacity ─────────────────────────────────────────────────────────────────────────────────────────

/** The warehouses' caps and the orders counted on them for `day` (no row yet: 0). Not locked: `countOnDay` decides. */
export async function dayLoads(db: DbOrTx, warehouseIds: readonly string[], day: string): Promise<Map<string, WarehouseDayLoad>> {
  if (warehouseIds.length === 0) return new Map();
  const rows = await db
    .select({ id: warehouses.id, capacity: warehouses.dailyOrderCapacity, orders: sql<number>`coalesce(${warehouseDayLoad.orders}, 0)::int` })
    .from(warehouses)
    .leftJoin(warehouseDayLoad, and(eq(warehouseDayLoad.warehouseId, warehouses.id), eq(warehouseDayLoad.day, day)))
    .where(inArray(warehouses.id, [...warehouseIds]));
  return new Map(rows.map((r) => [r.id, { capacity: r.capacity, orders: r.orders }]));
}

/**
 * Counts one order on the warehouse's `day` if the day has room under the warehouse's cap as it stands now
 * (no cap: always): a conditional increment, so two allocations racing for the last slot cannot both take it —
 * the second queues on the row and then sees the first one's count. False when the day is full or the
 * warehouse closed (capacity 0). Call in the allocating transaction: a rollback takes the count back with it.
 */
export async function countOnDay(db: DbOrTx, warehouseId: string, day: string): Promise<boolean> {
  const counted = await db.execute(sql`
    insert into ${warehouseDayLoad} as l (warehouse_id, day, orders)
    select w.id, ${day}::date, 1 from ${warehouses} w where w.id = ${warehouseId} and coalesce(w.daily_order_capacity, 1) > 0
    on conflict (warehouse_id, day) do update set orders = l.orders + 1
    where l.orders < coalesce((select w.daily_order_capacity from ${warehouses} w where w.id = l.warehouse_id), 2147483647)
    returning l.orders`);
  return counted.rows.length > 0;
}

/** Counts one order on the first day from `fromDay` on with room (within a year); the day, or undefined when none has. */
export async function countOnFirstDayWithRoom(db: DbOrTx, warehouseId: string, fromDay: string): Promise<string | undefined> {
  // The day found may fill up before the increment (a concurrent allocation): look again, a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await db.execute<{ day: string }>(sql`
      select to_char(d.day, 'YYYY-MM-DD') as day
      from generate_series(${fromDay}::date, ${fromDay}::date + 366, interval '1 day') as d(day)
      join ${warehouses} w on w.id = ${warehouseId}
      left join ${warehouseDayLoad} l on l.warehouse_id = w.id and l.day = d.day::date
      where w.daily_order_capacity is null or coalesce(l.orders, 0) < w.daily_order_capacity
      order by d.day
      limit 1`);
    const day = found.rows[0]?.day;
    if (day === undefined) return undefined;
    if (await countOnDay(db, warehouseId, day)) return day;
  }
  return undefined;
}

/**
 * A cancelled order's slot: the warehouse's bookings from today on are a queue of days, so freeing any slot
 * moves the later orders up one — the latest booked day loses one (today, unless orders were booked ahead).
 */
async function freeDaySlot(tx: DbOrTx, warehouseId: string, today: string): Promise<void> {
  await tx.execute(sql`
    update ${warehouseDayLoad} set orders = orders - 1
    where warehouse_id = ${warehouseId}
      and day = (select max(day) from ${warehouseDayLoad} where warehouse_id = ${warehouseId} and day >= ${today}::date and orders > 0)`);
}

/** Every warehouse an allocation counted against: each split parcel's, else the one it ships from. */
function countedWarehouses(row: OrderAllocationRow): string[] {
  const parcels = row.action === 'split' && Array.isArray(row.parcels) ? (row.parcels as { warehouseId: string }[]) : [];
  return [...new Set(parcels.length ? parcels.map((p) => p.warehouseId) : [row.warehouseId])].sort();
}
