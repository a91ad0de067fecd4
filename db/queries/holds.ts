/**
 * The hold ledger (`stock_holds`, `inventory.held`): holds are placed for a whole batch of accepted orders with
 * one lock of their SKUs' rows and one write per row, and each ends exactly once — converted into a
 * reservation, or released. `inventory.held` always equals the sum of the row's holds still `held`.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { planHolds, splitRowKey, type Hold, type HoldPlan, type HoldRequest, type StockPosition } from '../../domain/holds';
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
  await addHeld(tx, [...plan.added].map(([key, units]) => ({ ...splitRowKey(key), units })));
  const h = plan.holds;
  await tx.execute(sql`
    insert into ${stockHolds} (order_id, warehouse_id, sku, quantity)
    select * from unnest(${sql.param(h.map((x) => x.orderId))}::text[], ${sql.param(h.map((x) => x.warehouseId))}::text[],
      ${sql.param(h.map((x) => x.sku))}::text[], ${sql.param(h.map((x) => x.quantity))}::int[])`);
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
 * call finds nothing. Returns the holds it ended. Call with the stock rows of the order's SKUs locked
 * (`lockPositions` / `lockStock`), as every writer of `inventory` locks rows before hold rows.
 */
export async function settleHolds(tx: DbOrTx, orderId: string, outcome: 'converted' | 'released'): Promise<Hold[]> {
  // One statement: allocations call it while holding the stock rows' locks.
  const { rows } = await tx.execute<{ order_id: string; warehouse_id: string; sku: string; quantity: number }>(sql`
    with ended as (
      update ${stockHolds} set status = ${outcome}, settled_at = now()
      where order_id = ${orderId} and status = 'held'
      returning order_id, warehouse_id, sku, quantity
    ), released as (
      update ${inventory} as i set held = i.held - e.units, updated_at = now()
      from (select warehouse_id, sku, sum(quantity)::int as units from ended group by warehouse_id, sku) as e
      where i.warehouse_id = e.warehouse_id and i.sku = e.sku
    )
    select order_id, warehouse_id, sku, quantity from ended`);
  return rows.map((r) => ({ orderId: r.order_id, warehouseId: r.warehouse_id, sku: r.sku, quantity: r.quantity }));
}

/**
 * A stock count is about to leave fewer units than are reserved and held on a row: the orders holding the row
 * most recently let go of their holds until the rest fit — of all their holds, on every row, since an order is
 * held whole or not at all (they allocate from what is left, or backorder). Locks, in the global order, the
 * rows of every SKU those orders hold. Returns the orders released.
 */
export async function releaseHoldsForCount(tx: DbOrTx, warehouseId: string, sku: string, onHand: number): Promise<string[]> {
  const onRow = await tx
    .select({ id: stockHolds.id, orderId: stockHolds.orderId, quantity: stockHolds.quantity })
    .from(stockHolds)
    .where(and(eq(stockHolds.warehouseId, warehouseId), eq(stockHolds.sku, sku), eq(stockHolds.status, 'held')))
    .orderBy(desc(stockHolds.id));
  if (onRow.length === 0) return [];
  const holders = [...new Set(onRow.map((h) => h.orderId))];
  const theirSkus = await tx
    .selectDistinct({ sku: stockHolds.sku })
    .from(stockHolds)
    .where(and(inArray(stockHolds.orderId, holders), eq(stockHolds.status, 'held')));
  const rows = await lockPositions(tx, [sku, ...theirSkus.map((r) => r.sku)]);
  const row = rows.find((r) => r.warehouseId === warehouseId && r.sku === sku);
  if (!row) return [];
  // Newest holds first, whole orders at a time, until reserved + held fits the count.
  let excess = row.reserved + row.held - onHand;
  const released: string[] = [];
  for (const h of onRow) {
    if (excess <= 0) break;
    if (released.includes(h.orderId)) continue;
    released.push(h.orderId);
    excess -= onRow.filter((o) => o.orderId === h.orderId).reduce((sum, o) => sum + o.quantity, 0);
  }
  for (const orderId of released) await settleHolds(tx, orderId, 'released');
  return released;
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
