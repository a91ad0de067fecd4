/**
 * Stock rows (`inventory`) and reservations: locks, reserve/settle, counts, receipts, and what is sellable or on
 * its way. Every writer locks a SKU's rows in one global order (`lockStock`: by warehouse, sku).
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import type { StockLine } from '../../domain/stock';
import { inventory, purchaseOrders, reservations, transferOrders } from '../schema';
import { releaseHoldsForCount } from './holds';

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
  if (lines.length === 0) return;
  // One statement for all lines: it runs while the order's stock rows are locked, so round trips count.
  await tx.execute(sql`
    with line as (select sku, sum(quantity)::int as quantity from unnest(${sql.param(lines.map((l) => l.sku))}::text[], ${sql.param(lines.map((l) => l.quantity))}::int[]) as l(sku, quantity) group by sku),
    counted as (
      update ${inventory} i set reserved = i.reserved + line.quantity, updated_at = now()
      from line where i.warehouse_id = ${warehouseId} and i.sku = line.sku
    )
    insert into ${reservations} (order_id, warehouse_id, sku, quantity)
    select ${orderId}, ${warehouseId}, sku, quantity from line`);
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

/** What a receipt (of a transfer or a purchase) came to. */
export type ReceiptResult<Row> = { outcome: 'received'; row: Row } | { outcome: 'not-found' } | { outcome: 'conflict'; status: string };

/**
 * Books received units into a warehouse (creating its stock rows) and, with `reservedFor`, reserves them for
 * that order at once. Call inside the receipt's transaction with the SKUs' rows locked.
 */
export async function receiveStock(tx: DbOrTx, warehouseId: string, lines: readonly StockLine[], reservedFor: string | null): Promise<void> {
  for (const line of lines) {
    const reserved = reservedFor === null ? 0 : line.quantity;
    await tx
      .insert(inventory)
      .values({ warehouseId, sku: line.sku, onHand: line.quantity, reserved })
      .onConflictDoUpdate({
        target: [inventory.warehouseId, inventory.sku],
        set: { onHand: sql`${inventory.onHand} + ${line.quantity}`, reserved: sql`${inventory.reserved} + ${reserved}`, updatedAt: sql`now()` },
      });
    if (reservedFor !== null) await addToReservation(tx, reservedFor, warehouseId, line.sku, line.quantity);
  }
}

/** Reserves units for an order that the caller has already counted into `inventory.reserved`. */
async function addToReservation(tx: DbOrTx, orderId: string, warehouseId: string, sku: string, quantity: number): Promise<void> {
  await tx
    .insert(reservations)
    .values({ orderId, warehouseId, sku, quantity })
    .onConflictDoUpdate({
      target: [reservations.orderId, reservations.warehouseId, reservations.sku],
      set: {
        quantity: sql`CASE WHEN ${reservations.status} = 'active' THEN ${reservations.quantity} + ${quantity} ELSE ${quantity} END`,
        status: 'active',
        updatedAt: sql`now()`,
      },
    });
}

/** True when some warehouse has a sellable unit of one of these SKUs. */
export async function anyStockAvailable(db: DbOrTx, skuIds: readonly string[]): Promise<boolean> {
  if (skuIds.length === 0) return false;
  const rows = await db
    .select({ one: sql`1` })
    .from(inventory)
    .where(and(inArray(inventory.sku, [...skuIds]), gt(inventory.onHand, sql`${inventory.reserved} + ${inventory.held}`)))
    .limit(1);
  return rows.length > 0;
}

/** Lines on their way to a warehouse: transfers in transit, purchases placed or being placed (`warehouse_id`, `lines`). */
export const inboundLinesSql = sql`
  select ${transferOrders.toWarehouseId} as warehouse_id, ${transferOrders.lines} as lines from ${transferOrders} where ${transferOrders.status} = 'in_transit'
  union all
  select ${purchaseOrders.warehouseId}, ${purchaseOrders.lines} from ${purchaseOrders} where ${purchaseOrders.status} in ('pending', 'placing', 'ordered', 'unknown')`;

/** Units of these SKUs on their way to each warehouse (transfers in transit, purchases not yet received), from `inboundLinesSql` rows. */
export function sumInbound(rows: readonly { warehouse_id: string; lines: unknown }[], skuIds: readonly string[]): Map<string, Record<string, number>> {
  const wanted = new Set(skuIds);
  const result = new Map<string, Record<string, number>>();
  for (const row of rows) {
    for (const line of (row.lines as StockLine[] | null) ?? []) {
      if (!wanted.has(line.sku)) continue;
      const record = result.get(row.warehouse_id) ?? {};
      record[line.sku] = (record[line.sku] ?? 0) + line.quantity;
      result.set(row.warehouse_id, record);
    }
  }
  return result;
}
