/** Warehouses: master data (location for allocation, layout for pick paths, contact for waybills). */
import { asc, eq } from 'drizzle-orm';
import type { WarehouseLayout } from '../../domain/pick-path';
import type { DbOrTx } from '../client';
import { warehouses } from '../schema';

export type WarehouseRow = typeof warehouses.$inferSelect;

export async function listWarehouses(db: DbOrTx) {
  return db.select().from(warehouses).orderBy(asc(warehouses.id));
}

export async function findWarehouse(db: DbOrTx, warehouseId: string): Promise<WarehouseRow | undefined> {
  const [row] = await db.select().from(warehouses).where(eq(warehouses.id, warehouseId));
  return row;
}

export async function warehouseExists(db: DbOrTx, warehouseId: string): Promise<boolean> {
  const [row] = await db.select({ id: warehouses.id }).from(warehouses).where(eq(warehouses.id, warehouseId));
  return row !== undefined;
}

/** The warehouse's shelf locations for pick paths; none (an unknown warehouse, no layout) sorts by SKU alone. */
export async function warehouseLayout(db: DbOrTx, warehouseId: string): Promise<WarehouseLayout> {
  const [row] = await db.select({ layout: warehouses.layout }).from(warehouses).where(eq(warehouses.id, warehouseId));
  return (row?.layout ?? { locations: {} }) as WarehouseLayout;
}

/** Creates the warehouse, or replaces every field of the one with this id. */
export async function upsertWarehouse(db: DbOrTx, values: typeof warehouses.$inferInsert) {
  const [row] = await db
    .insert(warehouses)
    .values(values)
    .onConflictDoUpdate({ target: warehouses.id, set: { ...values, id: undefined } })
    .returning();
  return row;
}
