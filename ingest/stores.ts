/**
 * Store credentials for the ingest path, decrypted once and kept in memory for a few seconds: a burst of
 * pushes should not read and decrypt the same store row thousands of times. Unknown stores are remembered
 * too (briefly), so pushes naming a shop we do not serve cannot hammer PostgreSQL.
 */
import { eq } from 'drizzle-orm';
import type { Platform, StoreCredentials } from '../channels/types';
import type { Db } from '../db/client';
import { credentialsOf, findStore, storeIdOf } from '../db/queries/stores';
import { stores } from '../db/schema';
import type { SecretBox } from '../infra/secrets';

export interface StoreDirectory {
  /** The store's credentials; `fresh` bypasses the cache (after a signature mismatch: the secret may have rotated). */
  credentials(storeId: string, opts?: { fresh?: boolean }): Promise<StoreCredentials | undefined>;
  /** The store a push names: `<platform>-<shopId>`. */
  byShop(platform: Platform, shopId: string, opts?: { fresh?: boolean }): Promise<StoreCredentials | undefined>;
  /** Every store of a platform (WeChat's URL check carries no shop id: each store's push token is tried). */
  ofPlatform(platform: Platform): Promise<StoreCredentials[]>;
}

export function createStoreDirectory(db: Db, secrets: SecretBox, { ttlMs = 5_000 }: { ttlMs?: number } = {}): StoreDirectory {
  const cache = new Map<string, { value: StoreCredentials | undefined; until: number }>();

  const credentials: StoreDirectory['credentials'] = async (storeId, opts = {}) => {
    const hit = cache.get(storeId);
    if (!opts.fresh && hit && hit.until > Date.now()) return hit.value;
    const row = await findStore(db, storeId);
    const value = row ? credentialsOf(row, secrets) : undefined;
    cache.set(storeId, { value, until: Date.now() + ttlMs });
    return value;
  };

  return {
    credentials,
    byShop: (platform, shopId, opts) => credentials(storeIdOf(platform, shopId), opts),
    async ofPlatform(platform) {
      const rows = await db.select().from(stores).where(eq(stores.platform, platform));
      // A row this key cannot open (sealed under another SECRETS_KEY) is no store this process can speak for.
      return rows.flatMap((row) => {
        try {
          return [credentialsOf(row, secrets)];
        } catch {
          return [];
        }
      });
    },
  };
}
