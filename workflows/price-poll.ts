/**
 * One round of listed prices (docs/finance.md), started by the Temporal Schedule every PRICE_POLL_INTERVAL
 * (finance/price-schedule.ts) or on demand: read every store's listed prices, open or close gap alerts, then
 * tell the WeCom group about the new ones. A push that still fails after its retries is left for the next round
 * (the alert stays untold until a message goes through, so it is told once).
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { readListedPrices } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumAttempts: 3 },
});
const DEFAULT_PUSH_RETRY = { initialIntervalMs: 5_000, maximumAttempts: 4 };

export interface PricePollOutcome {
  read: number;
  opened: number;
  closed: number;
  pushed: number;
  pushError?: string;
}

export interface PricePollInput {
  /** Only these stores (default every connected store). */
  storeIds?: string[];
  /** Retries of the WeCom push (tests shorten them). */
  pushRetry?: { initialIntervalMs: number; maximumAttempts: number };
}

export async function pricePollWorkflow(input: PricePollInput = {}): Promise<PricePollOutcome> {
  const retry = input.pushRetry ?? DEFAULT_PUSH_RETRY;
  const { pushPriceGaps } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumAttempts: retry.maximumAttempts },
  });
  const read = await readListedPrices(input.storeIds ? { storeIds: input.storeIds } : {});
  try {
    const { pushed } = await pushPriceGaps();
    return { read: read.read, opened: read.opened, closed: read.closed, pushed };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { read: read.read, opened: read.opened, closed: read.closed, pushed: 0, pushError: err.cause?.message ?? err.message };
  }
}
