/** SKU master data the allocator and the carrier choice read: title, safety stock, the 1688 supplier offer, unit weight. */
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

/** Grams per unit of each SKU that has a row (null: never weighed); the freight model defaults the rest. */
export async function unitWeightsOf(db: DbOrTx, skuIds: readonly string[]): Promise<Record<string, number | null>> {
  if (skuIds.length === 0) return {};
  const rows = await db
    .select({ sku: skus.sku, weightGrams: skus.weightGrams })
    .from(skus)
    .where(inArray(skus.sku, [...new Set(skuIds)]));
  return Object.fromEntries(rows.map((r) => [r.sku, r.weightGrams]));
}

/** Fields left out keep their value; `weightGrams: null` forgets the weight (the default unit weight applies). */
export async function upsertSku(db: DbOrTx, sku: string, body: SkuBody & { weightGrams?: number | null | undefined }) {
  const set = {
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.safetyStock !== undefined ? { safetyStock: body.safetyStock } : {}),
    ...(body.supplier !== undefined ? { supplier: body.supplier } : {}),
    ...(body.weightGrams !== undefined ? { weightGrams: body.weightGrams } : {}),
  };
  const [row] = await db
    .insert(skus)
    .values({ sku, title: body.title ?? null, safetyStock: body.safetyStock ?? 0, supplier: body.supplier ?? null, weightGrams: body.weightGrams ?? null })
    .onConflictDoUpdate({ target: skus.sku, set: { ...set, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('sku upsert returned no row');
  return row;
}

export async function findSku(db: DbOrTx, sku: string) {
  const [row] = await db.select().from(skus).where(eq(skus.sku, sku));
  return row;
}

/** The category of each SKU (null when it has none); unknown SKUs are left out. */
export async function categoriesOf(db: DbOrTx, skuIds: readonly string[]): Promise<Map<string, string | null>> {
  if (skuIds.length === 0) return new Map();
  const rows = await db.select({ sku: skus.sku, category: skus.category }).from(skus).where(inArray(skus.sku, [...new Set(skuIds)]));
  return new Map(rows.map((r) => [r.sku, r.category]));
}
