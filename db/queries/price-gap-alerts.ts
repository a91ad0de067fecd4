/** Cross-channel price-gap alerts (`price_gap_alerts`): opened, updated and closed by the price check, told to WeCom once. */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import { priceGapAlerts } from '../schema';

export type PriceGapAlertRow = typeof priceGapAlerts.$inferSelect;

export async function openGapOf(db: DbOrTx, sku: string): Promise<PriceGapAlertRow | undefined> {
  const [row] = await db.select().from(priceGapAlerts).where(and(eq(priceGapAlerts.sku, sku), eq(priceGapAlerts.status, 'open')));
  return row;
}

export type GapFigures = Pick<PriceGapAlertRow, 'lowChannel' | 'lowFen' | 'highChannel' | 'highFen' | 'gapFen' | 'gapPct' | 'prices'>;

/** Opens the SKU's gap alert, or updates the open one's figures. Returns the alert and whether it is new. */
export async function openOrUpdateGap(db: DbOrTx, sku: string, gap: GapFigures, now: Date): Promise<{ alert: PriceGapAlertRow; opened: boolean }> {
  const [created] = await db
    .insert(priceGapAlerts)
    .values({ sku, ...gap, status: 'open', openedAt: now, updatedAt: now })
    .onConflictDoNothing({ target: priceGapAlerts.sku, where: sql`status = 'open'` })
    .returning();
  if (created) return { alert: created, opened: true };
  const [updated] = await db
    .update(priceGapAlerts)
    .set({ ...gap, updatedAt: now })
    .where(and(eq(priceGapAlerts.sku, sku), eq(priceGapAlerts.status, 'open')))
    .returning();
  return { alert: updated!, opened: false };
}

export async function closeGap(db: DbOrTx, sku: string, prices: Record<string, number>, now: Date): Promise<PriceGapAlertRow | undefined> {
  const [closed] = await db
    .update(priceGapAlerts)
    .set({ status: 'closed', closedAt: now, updatedAt: now, prices })
    .where(and(eq(priceGapAlerts.sku, sku), eq(priceGapAlerts.status, 'open')))
    .returning();
  return closed;
}

export async function listPriceGaps(db: DbOrTx, f: { status?: 'open' | 'closed' | undefined; sku?: string | undefined; limit: number }): Promise<PriceGapAlertRow[]> {
  return db
    .select()
    .from(priceGapAlerts)
    .where(and(f.status ? eq(priceGapAlerts.status, f.status) : undefined, f.sku ? eq(priceGapAlerts.sku, f.sku) : undefined))
    .orderBy(desc(priceGapAlerts.openedAt), desc(priceGapAlerts.id))
    .limit(f.limit);
}

/** Open alerts the WeCom group has not been told about yet, oldest first. */
export async function unpushedGaps(db: DbOrTx): Promise<PriceGapAlertRow[]> {
  return db.select().from(priceGapAlerts).where(and(eq(priceGapAlerts.status, 'open'), sql`${priceGapAlerts.pushedAt} is null`)).orderBy(priceGapAlerts.openedAt, priceGapAlerts.id);
}

export async function markGapsPushed(db: Db | DbOrTx, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(priceGapAlerts).set({ pushedAt: at }).where(and(inArray(priceGapAlerts.id, [...ids]), sql`${priceGapAlerts.pushedAt} is null`));
}
