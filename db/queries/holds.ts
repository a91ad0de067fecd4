/**
 * The hold ledger (`stock_holds`, `inventory.held`): holds are placed for a whole batch of accepted orders with
 * one lock of their SKUs' rows and one write per row, and each ends exactly once — converted into a
 * reservation, or released. `inventory.held` always equals the sum of the row's holds still `held`.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { planHolds, type Hold, type HoldPlan, type HoldRequest, type StockPosition } from '../../domain/holds';
import type { DbOrTx } from '../client';
import { inventory, stockHolds } from '../schema';

/** Locks the stock rows of these SKUs in one global order (warehouse, sku), so concurrent writers queue, never deadlock. */
export async function lockPositions(tx: DbOrTx, skus: readonly string[]): Promise<StockPosition[]> {
  if (skus.length === 0) return [];
  return tx
    .select({ warehouseId: inventory.warehouseId, sku: inventory.sku, onHand: inventory.onHand, reserved: inventory.reserved, held: inventory.held })
    .from(inventory)
    .where(inArray(inventory.sku, [...new Set(skus)]))
    .orderBy(asc(inventory.warehouseId), asc(inventory.sku))
    .for('update');
}

/**
 * Holds stock for `requests`, first come first served, in the caller's transaction: one lock of the SKUs'
 * rows, one update of `inventory.held` for all rows, one insert of the holds. A hot SKU costs one lock per
 * batch, not one per order.
 */
export async function placeHolds(tx: DbOrTx, requests: readonly HoldRequest[]): Promise<HoldPlan> {
  const skus = requests.flatMap((r) => r.lines.map((l) => l.sku));
  if (skus.length === 0) return { holds: [], unheld: [], added: new Map(), soldOut: [] };
  const plan = planHolds(await lockPositions(tx, skus), requests);
  if (plan.holds.length === 0) return plan;
  await addHeld(tx, [...plan.added].map(([key, units]) => ({ ...splitKey(key), units })));
  await tx.insert(stockHolds).values(plan.holds);
  return plan;
}

/** The order's holds still in force. */
export async function activeHolds(tx: DbOrTx, orderId: string): Promise<Hold[]> {
  return tx
    .select({ orderId: stockHolds.orderId, warehouseId: stockHolds.warehouseId, sku: stockHolds.sku, quantity: stockHolds.quantity })
    .from(stockHolds)
    .where(and(eq(stockHolds.orderId, orderId), eq(stockHolds.status, 'held')));
}

/**
 * Ends every hold of the order still in force: `converted` when the order allocates (the caller reserves in
 * the same transaction), `released` when it will not (cancelled, merged, backordered). Idempotent: a second
 * call finds nothing. Returns the holds it ended.
 */
export async function settleHolds(tx: DbOrTx, orderId: string, outcome: 'converted' | 'released'): Promise<Hold[]> {
  const ended = await tx
    .update(stockHolds)
    .set({ status: outcome, settledAt: sql`now()` })
    .where(and(eq(stockHolds.orderId, orderId), eq(stockHolds.status, 'held')))
    .returning({ orderId: stockHolds.orderId, warehouseId: stockHolds.warehouseId, sku: stockHolds.sku, quantity: stockHolds.quantity });
  await addHeld(tx, ended.map((h) => ({ warehouseId: h.warehouseId, sku: h.sku, units: -h.quantity })));
  return ended;
}

/**
 * A stock count left fewer units than are reserved and held: the newest holds of the row are released until the
 * rest fit (their orders allocate from what is left, or backorder). Call with the row locked. Returns the
 * orders whose holds were released.
 */
export async function releaseHoldsBeyond(tx: DbOrTx, warehouseId: string, sku: string, room: number): Promise<string[]> {
  const holds = await tx
    .select({ id: stockHolds.id, orderId: stockHolds.orderId, quantity: stockHolds.quantity })
    .from(stockHolds)
    .where(and(eq(stockHolds.warehouseId, warehouseId), eq(stockHolds.sku, sku), eq(stockHolds.status, 'held')))
    .orderBy(desc(stockHolds.id));
  let held = holds.reduce((sum, h) => sum + h.quantity, 0);
  const released: { id: number; orderId: string; quantity: number }[] = [];
  for (const h of holds) {
    if (held <= room) break;
    released.push(h);
    held -= h.quantity;
  }
  if (released.length === 0) return [];
  await tx
    .update(stockHolds)
    .set({ status: 'released', settledAt: sql`now()` })
    .where(inArray(stockHolds.id, released.map((h) => h.id)));
  await addHeld(tx, [{ warehouseId, sku, units: -released.reduce((sum, h) => sum + h.quantity, 0) }]);
  return released.map((h) => h.orderId);
}

/** `inventory.held += units` for each row, in one statement. */
async function addHeld(tx: DbOrTx, changes: readonly { warehouseId: string; sku: string; units: number }[]): Promise<void> {
  const rows = changes.filter((c) => c.units !== 0);
  if (rows.length === 0) return;
  await tx.execute(sql`
    update ${inventory} as i set held = i.held + v.units, updated_at = now()
    from unnest(${sql.param(rows.map((r) => r.warehouseId))}::text[], ${sql.param(rows.map((r) => r.sku))}::text[], ${sql.param(rows.map((r) => r.units))}::int[])
      as v(warehouse_id, sku, units)
    where i.warehouse_id = v.warehouse_id and i.sku = v.sku`);
}

function splitKey(key: string): { warehouseId: string; sku: string } {
  const [warehouseId, sku] = key.split('\u241f') as [string, string];
  return { warehouseId, sku };
}
