/** Replenishment alerts: the stock position of a warehouse/SKU, recent sales, and the open alert per pair. */
import { and, asc, desc, eq, getTableColumns, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { inventory, replenishmentAlerts, reservations, skus } from '../schema';

export interface StockPair {
  warehouseId: string;
  sku: string;
}

export interface PairPosition extends StockPair {
  available: number;
  /** The inventory row's own safety stock when set (> 0), otherwise the SKU's. */
  safetyStock: number;
  soldInWindow: number;
}

/** Where each pair stands now; pairs without an inventory row are left out. */
export async function stockPositions(db: DbOrTx, pairs: readonly StockPair[], lookbackDays: number): Promise<PairPosition[]> {
  const result: PairPosition[] = [];
  const since = new Date(Date.now() - lookbackDays * 86_400_000);
  for (const { warehouseId, sku } of dedupe(pairs)) {
    const [row] = await db
      .select({ onHand: inventory.onHand, reserved: inventory.reserved, held: inventory.held, own: inventory.safetyStock, skuLevel: skus.safetyStock })
      .from(inventory)
      .leftJoin(skus, eq(skus.sku, inventory.sku))
      .where(and(eq(inventory.warehouseId, warehouseId), eq(inventory.sku, sku)));
    if (!row) continue;
    const [sold] = await db
      .select({ units: sql<string>`coalesce(sum(${reservations.quantity}), 0)` })
      .from(reservations)
      .where(
        and(
          eq(reservations.warehouseId, warehouseId),
          eq(reservations.sku, sku),
          inArray(reservations.status, ['active', 'consumed']),
          gte(reservations.createdAt, since),
        ),
      );
    result.push({
      warehouseId,
      sku,
      available: row.onHand - row.reserved - row.held,
      safetyStock: row.own > 0 ? row.own : (row.skuLevel ?? 0),
      soldInWindow: Number(sold?.units ?? 0),
    });
  }
  return result;
}

/** Every warehouse stocking this SKU. */
export async function pairsOfSku(db: DbOrTx, sku: string): Promise<StockPair[]> {
  return db.select({ warehouseId: inventory.warehouseId, sku: inventory.sku }).from(inventory).where(eq(inventory.sku, sku));
}

export type AlertRow = typeof replenishmentAlerts.$inferSelect;

/**
 * Opens the pair's alert, or refreshes the numbers of the one already open. `opened` is true only for a new
 * alert, so it is pushed once however often stock moves while it stays low.
 */
export async function openOrRefreshAlert(
  db: DbOrTx,
  alert: { warehouseId: string; sku: string; available: number; safetyStock: number; velocityPerDay: number; suggestedQuantity: number },
): Promise<{ row: AlertRow; opened: boolean }> {
  const numbers = {
    available: alert.available,
    safetyStock: alert.safetyStock,
    velocityPerDay: alert.velocityPerDay,
    suggestedQuantity: alert.suggestedQuantity,
  };
  const [row] = await db
    .insert(replenishmentAlerts)
    .values({ warehouseId: alert.warehouseId, sku: alert.sku, ...numbers })
    .onConflictDoUpdate({
      target: [replenishmentAlerts.warehouseId, replenishmentAlerts.sku],
      targetWhere: sql`status = 'open'`,
      set: { ...numbers, updatedAt: sql`now()` },
    })
    .returning({ ...getTableColumns(replenishmentAlerts), opened: sql<boolean>`(xmax = 0)` });
  if (!row) throw new Error('alert upsert returned no row');
  const { opened, ...alertRow } = row;
  return { row: alertRow, opened: Boolean(opened) };
}

/** Stock is back at or above the safety stock: the open alert (if any) is resolved. */
export async function resolveAlert(db: DbOrTx, pair: StockPair): Promise<void> {
  await db
    .update(replenishmentAlerts)
    .set({ status: 'resolved', resolvedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(replenishmentAlerts.warehouseId, pair.warehouseId), eq(replenishmentAlerts.sku, pair.sku), eq(replenishmentAlerts.status, 'open')));
}

export async function listAlerts(
  db: DbOrTx,
  f: { state: 'open' | 'resolved' | 'all'; warehouseId?: string | undefined; sku?: string | undefined; limit: number },
) {
  const conditions: (SQL | undefined)[] = [
    f.state === 'all' ? undefined : eq(replenishmentAlerts.status, f.state),
    f.warehouseId ? eq(replenishmentAlerts.warehouseId, f.warehouseId) : undefined,
    f.sku ? eq(replenishmentAlerts.sku, f.sku) : undefined,
  ];
  return db
    .select()
    .from(replenishmentAlerts)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(replenishmentAlerts.createdAt), asc(replenishmentAlerts.id))
    .limit(f.limit);
}

function dedupe(pairs: readonly StockPair[]): StockPair[] {
  const seen = new Map<string, StockPair>();
  for (const p of pairs) seen.set(`${p.warehouseId}\u0000${p.sku}`, p);
  return [...seen.values()];
}
