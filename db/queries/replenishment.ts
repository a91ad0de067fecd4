/** Replenishment alerts: the stock position of a warehouse/SKU, recent sales, and the open alert per pair. */
import { and, asc, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { rowKey } from '../../domain/holds';
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
  const wanted = uniquePairs(pairs);
  if (wanted.length === 0) return [];
  const since = new Date(Date.now() - lookbackDays * 86_400_000);
  // One statement for every pair: it runs after each allocation, release and count.
  const rows = await db.execute<{ warehouse_id: string; sku: string; available: number; own: number; sku_level: number | null; sold: string }>(sql`
    select i.warehouse_id, i.sku, i.on_hand - i.reserved - i.held as available, i.safety_stock as own, s.safety_stock as sku_level,
      (select coalesce(sum(r.quantity), 0) from ${reservations} r
        where r.warehouse_id = i.warehouse_id and r.sku = i.sku and r.status in ('active', 'consumed') and r.created_at >= ${since.toISOString()}::timestamptz) as sold
    from unnest(${sql.param(wanted.map((p) => p.warehouseId))}::text[], ${sql.param(wanted.map((p) => p.sku))}::text[]) with ordinality as p(warehouse_id, sku, n)
    join ${inventory} i on i.warehouse_id = p.warehouse_id and i.sku = p.sku
    left join ${skus} s on s.sku = i.sku
    order by p.n`);
  return rows.rows.map((r) => ({
    warehouseId: r.warehouse_id,
    sku: r.sku,
    available: r.available,
    safetyStock: r.own > 0 ? r.own : (r.sku_level ?? 0),
    soldInWindow: Number(r.sold),
  }));
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

/** Stock is back at or above the safety stock: the open alerts of these pairs (if any) are resolved, in one statement. */
export async function resolveAlerts(db: DbOrTx, pairs: readonly StockPair[]): Promise<void> {
  if (pairs.length === 0) return;
  await db.execute(sql`
    update ${replenishmentAlerts} a set status = 'resolved', resolved_at = now(), updated_at = now()
    from unnest(${sql.param(pairs.map((p) => p.warehouseId))}::text[], ${sql.param(pairs.map((p) => p.sku))}::text[]) as p(warehouse_id, sku)
    where a.warehouse_id = p.warehouse_id and a.sku = p.sku and a.status = 'open'`);
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

/** Each (warehouse, SKU) pair once, first seen first. */
export function uniquePairs(pairs: readonly StockPair[]): StockPair[] {
  return [...new Map(pairs.map((p) => [rowKey(p.warehouseId, p.sku), { warehouseId: p.warehouseId, sku: p.sku }])).values()];
}
