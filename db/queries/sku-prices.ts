/** Listed prices per SKU and channel (`sku_prices`), set through the API or read from the platforms. */
import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { skuPrices } from '../schema';

export type SkuPriceRow = typeof skuPrices.$inferSelect;

export async function pricesOf(db: DbOrTx, sku: string): Promise<Record<string, number>> {
  const found = await db.select().from(skuPrices).where(eq(skuPrices.sku, sku));
  return Object.fromEntries(found.sort((a, b) => a.channel.localeCompare(b.channel)).map((p) => [p.channel, p.priceFen]));
}

/** Sets listed prices; returns the SKUs whose price changed (their gaps need looking at). */
export async function upsertPrices(db: DbOrTx, entries: readonly { sku: string; channel: string; priceFen: number; source: 'api' | 'platform'; storeId?: string | null }[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const changed = await db
    .insert(skuPrices)
    .values(entries.map((e) => ({ sku: e.sku, channel: e.channel, priceFen: e.priceFen, source: e.source, storeId: e.storeId ?? null, updatedAt: new Date() })))
    .onConflictDoUpdate({
      target: [skuPrices.sku, skuPrices.channel],
      set: { priceFen: sql`excluded.price_fen`, source: sql`excluded.source`, storeId: sql`excluded.store_id`, updatedAt: sql`excluded.updated_at` },
      setWhere: sql`${skuPrices.priceFen} is distinct from excluded.price_fen or ${skuPrices.source} is distinct from excluded.source`,
    })
    .returning({ sku: skuPrices.sku });
  return [...new Set(changed.map((c) => c.sku))];
}

export async function pricesOfSkus(db: DbOrTx, skus: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (skus.length === 0) return out;
  for (const p of await db.select().from(skuPrices).where(inArray(skuPrices.sku, [...skus]))) {
    out.set(p.sku, { ...out.get(p.sku), [p.channel]: p.priceFen });
  }
  return out;
}

/** Every SKU with prices on at least two channels. */
export async function skusListedOnSeveralChannels(db: DbOrTx): Promise<string[]> {
  const found = await db.execute<{ sku: string }>(sql`select sku from sku_prices group by sku having count(*) > 1 union select sku from price_gap_alerts where status = 'open'`);
  return found.rows.map((f) => f.sku);
}
