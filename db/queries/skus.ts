/** SKU master data the allocator reads: title, safety stock and the 1688 supplier offer. */
import { eq, inArray, sql } from 'drizzle-orm';
import { supplierOfferSchema, type SkuBody, type SupplierOfferData } from '../../domain/sku';
import type { DbOrTx } from '../client';
import { skus } from '../schema';

/** The 1688 offer per SKU; rows whose supplier does not parse count as "no supplier". */
export async function suppliersOf(db: DbOrTx, skuIds: readonly string[]): Promise<Record<string, SupplierOfferData | undefined>> {
  if (skuIds.length === 0) return {};
  const rows = await db
    .select({ sku: skus.sku, supplier: skus.supplier })
    .from(skus)
    .where(inArray(skus.sku, [...skuIds]));
  const result: Record<string, SupplierOfferData | undefined> = {};
  for (const row of rows) {
    const parsed = supplierOfferSchema.safeParse(row.supplier);
    if (parsed.success) result[row.sku] = parsed.data;
  }
  return result;
}

export async function upsertSku(db: DbOrTx, sku: string, body: SkuBody) {
  const set = {
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.safetyStock !== undefined ? { safetyStock: body.safetyStock } : {}),
    ...(body.supplier !== undefined ? { supplier: body.supplier } : {}),
  };
  const [row] = await db
    .insert(skus)
    .values({ sku, title: body.title ?? null, safetyStock: body.safetyStock ?? 0, supplier: body.supplier ?? null })
    .onConflictDoUpdate({ target: skus.sku, set: { ...set, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('sku upsert returned no row');
  return row;
}

export async function findSku(db: DbOrTx, sku: string) {
  const [row] = await db.select().from(skus).where(eq(skus.sku, sku));
  return row;
}
