import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import type { StockLine } from '../../domain/stock';
import { inventory, reservations, warehouses } from '../schema';
import { releaseHoldsForCount } from './holds';

export type { StockLine } from '../../domain/stock';

export interface StockRow {
  warehouseId: string;
  sku: string;
  onHand: number;
  reserved: number;
  /** Held for accepted orders not allocated yet. */
  held: number;
  /** onHand − reserved − held: what can still be sold. */
  available: number;
}

/**
 * Locks the inventory rows of these SKUs in every warehouse, in one global order (warehouse, sku) so that
 * concurrent reservations queue up instead of deadlocking. Call inside a transaction.
 */
export async function lockStock(tx: DbOrTx, skus: readonly string[]): Promise<StockRow[]> {
  if (skus.length === 0) return [];
  const rows = await tx
    .select({ warehouseId: inventory.warehouseId, sku: inventory.sku, onHand: inventory.onHand, reserved: inventory.reserved, held: inventory.held })
    .from(inventory)
    .where(inArray(inventory.sku, [...skus]))
    .orderBy(asc(inventory.warehouseId), asc(inventory.sku))
    .for('update');
  return rows.map((r) => ({ ...r, available: r.onHand - r.reserved - r.held }));
}

export async function activeReservations(tx: DbOrTx, orderId: string) {
  return tx
    .select()
    .from(reservations)
    .where(and(eq(reservations.orderId, orderId), eq(reservations.status, 'active')));
}

/** Reserves `lines` in `warehouseId`. The caller holds the row locks and has checked availability. */
export async function reserveLines(tx: DbOrTx, orderId: string, warehouseId: string, lines: readonly StockLine[]) {
  for (const line of lines) {
    await tx
      .update(inventory)
      .set({ reserved: sql`${inventory.reserved} + ${line.quantity}`, updatedAt: sql`now()` })
      .where(and(eq(inventory.warehouseId, warehouseId), eq(inventory.sku, line.sku)));
    await tx.insert(reservations).values({ orderId, warehouseId, sku: line.sku, quantity: line.quantity });
  }
}

/**
 * Ends every active reservation of an order: `released` gives the units back to available stock,
 * `consumed` takes them out of the warehouse (they shipped). Idempotent: a second call finds nothing active.
 * Returns the touched (warehouse, sku) pairs.
 */
export async function settleReservations(
  tx: DbOrTx,
  orderId: string,
  outcome: 'released' | 'consumed',
  /** Only this warehouse's reservations (one parcel of a split order). */
  warehouseId?: string,
): Promise<{ warehouseId: string; sku: string; quantity: number }[]> {
  const ended = await tx
    .update(reservations)
    .set({ status: outcome, updatedAt: sql`now()` })
    .where(
      and(
        eq(reservations.orderId, orderId),
        eq(reservations.status, 'active'),
        warehouseId === undefined ? undefined : eq(reservations.warehouseId, warehouseId),
      ),
    )
    .returning({ warehouseId: reservations.warehouseId, sku: reservations.sku, quantity: reservations.quantity });
  for (const r of ended) {
    await tx
      .update(inventory)
      .set(
        outcome === 'consumed'
          ? { onHand: sql`${inventory.onHand} - ${r.quantity}`, reserved: sql`${inventory.reserved} - ${r.quantity}`, updatedAt: sql`now()` }
          : { reserved: sql`${inventory.reserved} - ${r.quantity}`, updatedAt: sql`now()` },
      )
      .where(and(eq(inventory.warehouseId, r.warehouseId), eq(inventory.sku, r.sku)));
  }
  return ended;
}

/**
 * Sets the counted stock of a SKU in a warehouse (a stock-take or receipt), keeping reservations intact. A count
 * below the reserved units is refused (a CHECK violation); one below reserved + held releases the newest holds
 * until the rest fit (`releasedHolds`: their orders allocate from what is left, or backorder).
 */
export async function setOnHand(
  db: DbOrTx,
  params: { warehouseId: string; sku: string; onHand: number; safetyStock?: number | undefined },
): Promise<StockRow & { releasedHolds: string[] }> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ reserved: inventory.reserved, held: inventory.held })
      .from(inventory)
      .where(and(eq(inventory.warehouseId, params.warehouseId), eq(inventory.sku, params.sku)));
    const releasedHolds =
      current && current.reserved + current.held > params.onHand && current.reserved <= params.onHand
        ? await releaseHoldsForCount(tx, params.warehouseId, params.sku, params.onHand)
        : [];
    const [row] = await tx
      .insert(inventory)
      .values({ warehouseId: params.warehouseId, sku: params.sku, onHand: params.onHand, safetyStock: params.safetyStock ?? 0 })
      .onConflictDoUpdate({
        target: [inventory.warehouseId, inventory.sku],
        set: {
          onHand: params.onHand,
          ...(params.safetyStock === undefined ? {} : { safetyStock: params.safetyStock }),
          updatedAt: sql`now()`,
        },
      })
      .returning();
    if (!row) throw new Error('inventory upsert returned no row');
    return { ...positionOf(row), releasedHolds };
  });
}

const positionOf = (row: { warehouseId: string; sku: string; onHand: number; reserved: number; held: number }): StockRow => ({
  warehouseId: row.warehouseId,
  sku: row.sku,
  onHand: row.onHand,
  reserved: row.reserved,
  held: row.held,
  available: row.onHand - row.reserved - row.held,
});

export async function listStock(db: DbOrTx, filter: { sku?: string | undefined; warehouseId?: string | undefined }) {
  const conditions = [
    filter.sku ? eq(inventory.sku, filter.sku) : undefined,
    filter.warehouseId ? eq(inventory.warehouseId, filter.warehouseId) : undefined,
  ].filter((c) => c !== undefined);
  const rows = await db
    .select({
      warehouseId: inventory.warehouseId,
      sku: inventory.sku,
      onHand: inventory.onHand,
      reserved: inventory.reserved,
      held: inventory.held,
      safetyStock: inventory.safetyStock,
    })
    .from(inventory)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(inventory.sku), asc(inventory.warehouseId));
  return rows.map((r) => ({ ...positionOf(r), safetyStock: r.safetyStock }));
}

export async function listWarehouses(db: DbOrTx) {
  return db.select().from(warehouses).orderBy(asc(warehouses.id));
}
