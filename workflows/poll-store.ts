/**
 * One poll of one store, started by its Temporal Schedule `poll-<storeId>` every POLL_INTERVAL (overlap
 * policy SKIP: a poll still running makes the next one skip). Asks the platform for orders modified since
 * the store's cursor, hands them to the ingest pipeline, and only then moves the cursor: a poll that
 * crashes halfway is repeated, and the orders it had already handed over are recognised (ingest is
 * idempotent). A long backlog (first poll, an outage) is worked through in chunks, one activity each.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { POLL_NON_RETRYABLE, type PollStoreInput, type PollStoreResult } from './contract';

const MAX_CHUNKS = 48;

const { pollStoreChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: POLL_NON_RETRYABLE },
});

export async function pollStoreWorkflow(input: PollStoreInput): Promise<PollStoreResult> {
  let orders = 0;
  let chunks = 0;
  for (;;) {
    const chunk = await pollStoreChunk({ storeId: input.storeId });
    orders += chunk.orders;
    chunks += 1;
    if (chunk.caughtUp || chunks >= MAX_CHUNKS) return { storeId: input.storeId, orders, chunks, cursor: chunk.cursor, caughtUp: chunk.caughtUp };
  }
}
