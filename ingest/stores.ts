/**
 * Store credentials for the ingest path, decrypted once and kept in memory for a few seconds: a burst of
 * pushes should not read and decrypt the same store row thousands of times. Unknown stores are remembered
 * too (briefly), so pushes naming a shop we do not serve cannot hammer PostgreSQL.
 */
import { eq } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Platform, StoreCredentials } from '../channels/types';
import type { Db } from '../db/client';
import { credentialsOf, findStore, storeIdOf } from '../db/queries/stores';
import { stores } from '../db/schema';
import type { SecretBox } from '../infra/secrets';

/**
 * A store's credentials, looked up once per `ttlMs` however many pushes ask at once: concurrent misses share
 * one lookup (at 2,000 pushes a second, an expiry would otherwise send dozens of reads and decryptions).
 * Once they are older than `ttlMs`, the next push is answered with them while they are looked up again
 * (stale-while-revalidate): otherwise every push of a store waited for that lookup every `ttlMs`, a spike in
 * the acknowledgement latency every few seconds of a burst. `fresh` waits for a new lookup.
 */
export function cachedCredentials(load: (storeId: string) => Promise<StoreCredentials | undefined>, ttlMs: number): StoreDirectory['credentials'] {
  const cache = new LRUCache<string, { value: StoreCredentials | undefined }>({
    max: 10_000,
    ttl: ttlMs,
    allowStale: true,
    fetchMethod: async (storeId) => ({ value: await load(storeId) }),
  });
  return async (storeId, opts = {}) => (await cache.fetch(storeId, opts.fresh ? { forceRefresh: true, allowStale: false } : {}))?.value;
}

export interface StoreDirectory {
  /** The store's credentials; `fresh` bypasses the cache (after a signature mismatch: the secret may have rotated). */
  credentials(storeId: string, opts?: { fresh?: boolean }): Promise<StoreCredentials | undefined>;
  /** The store a push names: `<platform>-<shopId>`. */
  byShop(platform: Platform, shopId: string, opts?: { fresh?: boolean }): Promise<StoreCredentials | undefined>;
  /** Every store of a platform (WeChat's URL check carries no shop id: each store's push token is tried). */
  ofPlatform(platform: Platform): Promise<StoreCredentials[]>;
}

export function createStoreDirectory(db: Db, secrets: SecretBox, { ttlMs = 5_000 }: { ttlMs?: number } = {}): StoreDirectory {
  const credentials = cachedCredentials(async (storeId) => {
    const row = await findStore(db, storeId);
    return row ? credentialsOf(row, secrets) : undefined;
  }, ttlMs);

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
