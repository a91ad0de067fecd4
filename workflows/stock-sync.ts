/**
 * Channel stock sync for one SKU: `stock-sync-<sku>`. Every reservation, release, shipment or stock count
 * of the SKU signals it (signal-with-start, from whichever worker or API process made the change); it pushes
 * the SKU's available count to every store selling it, coalescing changes:
 *
 *   - the first change after a quiet spell is pushed at once (no debounce delay on a lone order);
 *   - after each round it waits `intervalMs`; everything that changed meanwhile goes out in ONE next round,
 *     so a burst of 1,000 orders makes about (burst length / interval) calls per store, not 1,000;
 *   - rounds of one SKU never overlap, and each reads the count afresh, so an older count can never
 *     overwrite a newer one on a platform;
 *   - after `idleMs` without a change the workflow ends (the next change starts it again), and it continues
 *     as new every MAX_ROUNDS rounds so its history stays short.
 *
 * Deterministic: the reading and pushing happen in the `syncSkuStock` activity.
 */
import { condition, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { mergeStockChange } from '../domain/stock';
import { stockChangedSignal, type StockSyncInput } from './contract';

const MAX_ROUNDS = 100;

// A platform that is down is retried with backoff; each attempt reads the count afresh.
const retry = { initialInterval: '1 second', maximumInterval: '1 minute' } as const;
const remote = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });
/** From this version on a round runs as a local activity: no server round trip between a change and its push. */
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });
export const LOCAL_ROUND_PATCH = 'stock-sync-local-round';

export async function stockSyncWorkflow(input: StockSyncInput): Promise<void> {
  let pending = input.pending;
  const v2 = patched(LOCAL_ROUND_PATCH);
  const { syncSkuStock } = v2 ? local : remote;
  setHandler(stockChangedSignal, (change) => {
    pending = mergeStockChange(pending, change);
  });

  for (let rounds = 0; ; ) {
    if (!(await condition(() => pending !== undefined, input.idleMs))) return;
    const round = pending!;
    pending = undefined;
    await syncSkuStock({ sku: input.sku, firstChangeAt: round.firstChangeAt, changes: round.changes, orderIds: round.orderIds });
    rounds += 1;
    // A sell-out does not wait for the interval: a channel still showing stock would sell units that are gone.
    if (v2) await condition(() => pending?.soldOut === true, input.intervalMs);
    else await sleep(input.intervalMs);
    if (rounds >= MAX_ROUNDS || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof stockSyncWorkflow>({ ...input, ...(pending ? { pending } : {}) });
    }
  }
}
