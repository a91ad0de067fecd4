import { and, asc, eq, inArray, isNotNull, sql, type AnyColumn } from 'drizzle-orm';
import type { TokenSet } from '../../channels/oauth';
import type { Platform, StoreCredentials } from '../../channels/types';
import type { SecretBox } from '../../infra/secrets';
import type { DbOrTx } from '../client';
import { orderLines, orders, stores, storeSkus } from '../schema';

export interface StoreInput {
  platform: Platform;
  shopId: string;
  appKey: string;
  appSecret: string;
  name?: string | undefined;
  baseUrl?: string | undefined;
  pushToken?: string | undefined;
  accessToken?: string | undefined;
}

/** Store ids are derived from platform + shop, so connecting the same shop again updates it. */
export const storeIdOf = (platform: string, shopId: string) => `${platform}-${shopId}`;

export async function upsertStore(db: DbOrTx, box: SecretBox, input: StoreInput): Promise<{ storeId: string; created: boolean }> {
  const id = storeIdOf(input.platform, input.shopId);
  const values = {
    platform: input.platform,
    shopId: input.shopId,
    name: input.name ?? null,
    appKey: input.appKey,
    appSecretSealed: box.seal(input.appSecret),
    pushTokenSealed: input.pushToken ? box.seal(input.pushToken) : null,
    baseUrl: input.baseUrl ?? null,
    // A token given by hand replaces whatever OAuth obtained; its lifetime is unknown, so it is never refreshed.
    ...(input.accessToken
      ? { accessTokenSealed: box.seal(input.accessToken), accessTokenExpiresAt: null, refreshTokenSealed: null, refreshTokenExpiresAt: null, tokenRefreshedAt: null, authError: null }
      : {}),
  };
  // Tokens belong to the app that obtained them: another app key makes them worthless.
  const sameApp = sql`${stores.appKey} = excluded.app_key`;
  const keepIfSameApp = (column: AnyColumn) => sql`case when ${sameApp} then ${column} else null end`;
  const tokenColumns = input.accessToken
    ? {}
    : {
        accessTokenSealed: keepIfSameApp(stores.accessTokenSealed),
        accessTokenExpiresAt: keepIfSameApp(stores.accessTokenExpiresAt),
        refreshTokenSealed: keepIfSameApp(stores.refreshTokenSealed),
        refreshTokenExpiresAt: keepIfSameApp(stores.refreshTokenExpiresAt),
        tokenRefreshedAt: keepIfSameApp(stores.tokenRefreshedAt),
        authError: keepIfSameApp(stores.authError),
      };
  const [row] = await db
    .insert(stores)
    .values({ id, ...values })
    .onConflictDoUpdate({ target: stores.id, set: { ...values, ...tokenColumns, version: sql`${stores.version} + 1`, updatedAt: sql`now()` } })
    .returning({ version: stores.version });
  return { storeId: id, created: row?.version === 1 };
}

/** What the API may show of a store: never a secret. */
export function presentStore(row: typeof stores.$inferSelect) {
  return {
    storeId: row.id,
    platform: row.platform,
    shopId: row.shopId,
    name: row.name,
    appKey: row.appKey,
    baseUrl: row.baseUrl,
    authorized: row.accessTokenSealed !== null && row.authError === null,
    accessTokenExpiresAt: row.accessTokenExpiresAt,
    refreshTokenExpiresAt: row.refreshTokenExpiresAt,
    authError: row.authError,
    pollCursor: row.pollCursor,
    lastPolledAt: row.lastPolledAt,
    lastPollError: row.lastPollError,
    createdAt: row.createdAt,
  };
}

export async function listStores(db: DbOrTx): Promise<StoreRow[]> {
  return db.select().from(stores).orderBy(asc(stores.id));
}

export async function findStore(db: DbOrTx, storeId: string) {
  const [row] = await db.select().from(stores).where(eq(stores.id, storeId));
  return row;
}

/** The decrypted credentials an adapter needs; keep them in memory only. */
export function credentialsOf(row: typeof stores.$inferSelect, box: SecretBox): StoreCredentials {
  return {
    storeId: row.id,
    platform: row.platform as Platform,
    shopId: row.shopId,
    appKey: row.appKey,
    appSecret: box.open(row.appSecretSealed),
    ...(row.accessTokenSealed ? { accessToken: box.open(row.accessTokenSealed) } : {}),
    ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}),
    ...(row.pushTokenSealed ? { pushToken: box.open(row.pushTokenSealed) } : {}),
  };
}

export type StoreRow = typeof stores.$inferSelect;

/** Stores the tokens OAuth obtained (sealed) and clears any earlier authorization failure. */
export async function saveStoreTokens(db: DbOrTx, box: SecretBox, storeId: string, tokens: TokenSet, obtainedAt: Date): Promise<StoreRow | undefined> {
  const [row] = await db
    .update(stores)
    .set({
      accessTokenSealed: box.seal(tokens.accessToken),
      accessTokenExpiresAt: tokens.expiresAt,
      // A refresh that returns no new refresh token leaves the current one in place.
      ...(tokens.refreshToken ? { refreshTokenSealed: box.seal(tokens.refreshToken), refreshTokenExpiresAt: tokens.refreshExpiresAt ?? null } : {}),
      tokenRefreshedAt: obtainedAt,
      authError: null,
      version: sql`${stores.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(eq(stores.id, storeId))
    .returning();
  return row;
}

/** The platform refused to refresh: the seller has to authorize the app again. */
export async function markStoreAuthError(db: DbOrTx, storeId: string, message: string): Promise<void> {
  await db.update(stores).set({ authError: message.slice(0, 500), updatedAt: sql`now()` }).where(eq(stores.id, storeId));
}

export async function allStoreIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ id: stores.id }).from(stores).orderBy(asc(stores.id));
  return rows.map((r) => r.id);
}

/** The poll got every order modified before `cursor` safely into the buffer. Never moves the cursor back. */
export async function advancePollCursor(db: DbOrTx, storeId: string, cursor: Date): Promise<void> {
  await db
    .update(stores)
    .set({ pollCursor: sql`greatest(coalesce(${stores.pollCursor}, ${cursor}), ${cursor})`, lastPolledAt: sql`now()`, lastPollError: null })
    .where(eq(stores.id, storeId));
}

export async function recordPollError(db: DbOrTx, storeId: string, message: string): Promise<void> {
  await db.update(stores).set({ lastPolledAt: sql`now()`, lastPollError: message.slice(0, 500) }).where(eq(stores.id, storeId));
}

/** Replaces the SKUs a store is told to sell (`PUT /v1/stores/:storeId/skus`). */
export async function replaceStoreSkus(db: DbOrTx, storeId: string, skus: readonly string[]): Promise<void> {
  await db.delete(storeSkus).where(eq(storeSkus.storeId, storeId));
  if (skus.length) await db.insert(storeSkus).values([...new Set(skus)].map((sku) => ({ storeId, sku }))).onConflictDoNothing();
}

export async function listedSkusOf(db: DbOrTx, storeId: string): Promise<string[]> {
  const rows = await db.select({ sku: storeSkus.sku }).from(storeSkus).where(eq(storeSkus.storeId, storeId)).orderBy(asc(storeSkus.sku));
  return rows.map((r) => r.sku);
}

/** SKUs orders from this store contained. */
export async function soldSkusOf(db: DbOrTx, storeId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ sku: orderLines.sku })
    .from(orderLines)
    .innerJoin(orders, eq(orders.orderId, orderLines.orderId))
    .where(eq(orders.storeId, storeId))
    .orderBy(asc(orderLines.sku));
  return rows.map((r) => r.sku);
}

/** Every SKU the store sells: listed for it, or in its orders. */
export async function skusSoldBy(db: DbOrTx, storeId: string): Promise<string[]> {
  return [...new Set([...(await listedSkusOf(db, storeId)), ...(await soldSkusOf(db, storeId))])];
}

/**
 * Every connected store selling the SKU: those an order for it came from, and those told to sell it.
 * Reads the SKU's order lines (indexed by SKU); see docs/channels-sync.md on its cost for very hot SKUs.
 */
export async function storesSellingSku(db: DbOrTx, sku: string): Promise<StoreRow[]> {
  const fromOrders = db
    .selectDistinct({ storeId: orders.storeId })
    .from(orderLines)
    .innerJoin(orders, eq(orders.orderId, orderLines.orderId))
    .where(and(eq(orderLines.sku, sku), isNotNull(orders.storeId)));
  const listed = db.select({ storeId: storeSkus.storeId }).from(storeSkus).where(eq(storeSkus.sku, sku));
  const ids = [...new Set([...(await fromOrders), ...(await listed)].map((r) => r.storeId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return [];
  return db.select().from(stores).where(inArray(stores.id, ids)).orderBy(asc(stores.id));
}
