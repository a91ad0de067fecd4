/**
 * Where a merchant SKU code is listed in a store (Taobao/Tmall: item and SKU ids; PDD: goods and SKU ids),
 * remembered for a few minutes. Setting a SKU's stock on those platforms takes two calls, a lookup of its
 * listings and the update; during a live stream every stock round of a SKU looked the same listings up again
 * for every store, and the sell-out reached the stores one platform round trip later for it.
 *
 * A listing can move (the seller relists the item): an update with remembered listings that fails for any
 * reason forgets them and is made once more with a fresh lookup. Counts are set, not added, so updating a
 * listing twice is harmless.
 */
import { LRUCache } from 'lru-cache';
import type { StoreCredentials } from './types';

/** How long a store's listings of a SKU are remembered. */
export const LISTINGS_TTL_MS = 5 * 60_000;

const remembered = new LRUCache<string, { listings: readonly unknown[] }>({ max: 20_000, ttl: LISTINGS_TTL_MS });

/**
 * Runs `update` on the SKU's listings in the store: the remembered ones, or those `lookup` finds (it throws
 * when there are none; `afterFailure`: the listings it gave before failed, so nothing it keeps of its own may
 * be trusted either). `platform` keeps the listings of two platforms apart should a store id ever be reused.
 */
export async function updateListings<L>(
  store: StoreCredentials,
  sku: string,
  lookup: (afterFailure: boolean) => Promise<readonly L[]>,
  update: (listings: readonly L[]) => Promise<void>,
): Promise<void> {
  const key = `${store.platform}\u0000${store.storeId}\u0000${sku}`;
  const known = remembered.get(key)?.listings as readonly L[] | undefined;
  let failed = false;
  if (known) {
    try {
      await update(known);
      return;
    } catch {
      remembered.delete(key); // moved, delisted, or the call failed: look them up again
      failed = true;
    }
  }
  const listings = await lookup(failed);
  await update(listings);
  remembered.set(key, { listings });
}
