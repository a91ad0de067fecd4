/**
 * Per-order allocations (`order_allocations`): what the order was allocated, and letting go of it all on
 * cancel. Rows are locked in one order (transfer/purchase rows first, then inventory rows via `lockStock`) so
 * concurrent receipts, cancels and allocations queue up instead of deadlocking.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { orderAllocations, purchaseOrders, transferOrders } from '../schema';
import { activeHolds, settleHolds } from './holds';
import { activeReservations, lockStock, settleReservations } from './inventory';

export type OrderAllocationRow = typeof orderAllocations.$inferSelect;

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

/** Records the allocation; a released one of the same order is replaced. */
export async function saveAllocation(db: DbOrTx, row: typeof orderAllocations.$inferInsert): Promise<void> {
  await db
    .insert(orderAllocations)
    .values(row)
    .onConflictDoUpdate({ target: orderAllocations.orderId, set: { ...row, createdAt: sql`now()`, releasedAt: null } });
}

/**
 * The order lets go of its allocation (cancel): reservations released, an in-transit transfer detached (its
 * units stay held until they arrive, then become free stock at the destination), a purchase not yet placed
 * cancelled and a placed one detached, holds still in force released. Idempotent. Returns what was released.
 */
export async function releaseOrderAllocation(db: DbOrTx, orderId: string) {
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
    await tx
      .update(orderAllocations)
      .set({ releasedAt: sql`now()` })
      .where(and(eq(orderAllocations.orderId, orderId), isNull(orderAllocations.releasedAt)));
    return released;
  });
}
