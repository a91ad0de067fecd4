/** Warehouses: master data (location for allocation, layout for pick paths, contact for waybills, daily capacity). */
import { asc, eq, getTableColumns } from 'drizzle-orm';
import type { WarehouseLayout } from '../../domain/warehouse-layout';
import type { DbOrTx } from '../client';
import { warehouses } from '../schema';

/**
 * A warehouse without its layout: a layout can hold thousands of pick faces and allocation lists every
 * warehouse per order, so it is read on its own (`warehouseLayout`).
 */
export type WarehouseRow = Omit<typeof warehouses.$inferSelect, 'layout'>;

/** A warehouse as stored, layout included (the warehouse routes show a summary of it). */
export type WarehouseWithLayout = typeof warehouses.$inferSelect;

const { layout: _layout, ...withoutLayout } = getTableColumns(warehouses);

export async function listWarehouses(db: DbOrTx): Promise<WarehouseRow[]> {
  return db.select(withoutLayout).from(warehouses).orderBy(asc(warehouses.id));
}

export async function findWarehouse(db: DbOrTx, warehouseId: string): Promise<WarehouseRow | undefined> {
  const [row] = await db.select(withoutLayout).from(warehouses).where(eq(warehouses.id, warehouseId));
  return row;
}

export async function listWarehousesWithLayouts(db: DbOrTx): Promise<WarehouseWithLayout[]> {
  return db.select().from(warehouses).orderBy(asc(warehouses.id));
}

export async function findWarehouseWithLayout(db: DbOrTx, warehouseId: string): Promise<WarehouseWithLayout | undefined> {
  const [row] = await db.select().from(warehouses).where(eq(warehouses.id, warehouseId));
  return row;
}

export async function warehouseExists(db: DbOrTx, warehouseId: string): Promise<boolean> {
  const [row] = await db.select({ id: warehouses.id }).from(warehouses).where(eq(warehouses.id, warehouseId));
  return row !== undefined;
}

/** The warehouse's shelf locations for pick paths; none (an unknown warehouse, no layout) sorts by SKU alone. */
export async function warehouseLayout(db: DbOrTx, warehouseId: string): Promise<WarehouseLayout> {
  return (await storedLayout(db, warehouseId)) ?? { locations: {} };
}

/** The layout as stored; undefined when the warehouse is unknown or has none. */
export async function storedLayout(db: DbOrTx, warehouseId: string): Promise<WarehouseLayout | undefined> {
  const [row] = await db.select({ layout: warehouses.layout }).from(warehouses).where(eq(warehouses.id, warehouseId));
  return (row?.layout ?? undefined) as WarehouseLayout | undefined;
}

/**
 * Creates the warehouse, or replaces the fields given of the one with this id. A layout or capacity left out
 * (undefined) keeps the stored one: they have their own routes.
 */
export async function upsertWarehouse(db: DbOrTx, values: typeof warehouses.$inferInsert) {
  const [row] = await db
    .insert(warehouses)
    .values(values)
    .onConflictDoUpdate({ target: warehouses.id, set: { ...values, id: undefined } })
    .returning();
  return row!;
}

/** Replaces the layout; undefined for an unknown warehouse. */
export async function setWarehouseLayout(db: DbOrTx, warehouseId: string, layout: WarehouseLayout): Promise<WarehouseWithLayout | undefined> {
  const [row] = await db.update(warehouses).set({ layout }).where(eq(warehouses.id, warehouseId)).returning();
  return row;
}

/** Orders a day the warehouse can ship (null: no cap); undefined for an unknown warehouse. */
export async function setDailyOrderCapacity(db: DbOrTx, warehouseId: string, dailyOrders: number | null): Promise<WarehouseWithLayout | undefined> {
  const [row] = await db.update(warehouses).set({ dailyOrderCapacity: dailyOrders }).where(eq(warehouses.id, warehouseId)).returning();
  return row;
}
