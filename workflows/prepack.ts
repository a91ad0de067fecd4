/**
 * Predictive pre-pack, durable: a scoring run (on a schedule, every PREPACK_SCORE_INTERVAL) starts one
 * prepackWorkflow per likely buyer × SKU; each pre-pack holds its unit until the customer pays (the order
 * workflow takes the unit and tells it) or PREPACK_TTL passes (unpacked, unit released, outcome recorded).
 * Timers and releases live in Temporal, so they survive restarts; the runs are found in the Temporal UI by
 * `PrepackStatus` and `WarehouseId`.
 */
import { condition, ParentClosePolicy, proxyActivities, setHandler, startChild, upsertSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { prepackBoughtSignal, prepackWorkflowId, PrepackStatusKey, WarehouseIdKey, type PrepackInput } from './contract';

const act = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });
const training = proxyActivities<Activities>({ startToCloseTimeout: '30 minutes', retry: { maximumAttempts: 3 } });
/** Scoring trains a first model when there is none (about a minute on a small machine). */
const scoring = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

export async function prepackWorkflow({ candidate, ttlMs }: PrepackInput): Promise<{ status: string; warehouseId?: string; orderId?: string }> {
  let boughtBy: string | undefined;
  setHandler(prepackBoughtSignal, ({ orderId }) => void (boughtBy = orderId));
  const opened = await act.openPrepack({ candidate, ttlMs });
  if (!opened.opened) {
    upsertSearchAttributes([{ key: PrepackStatusKey, value: `skipped-${opened.why}` }]);
    return { status: `skipped-${opened.why}` };
  }
  const { warehouseId } = opened.row;
  upsertSearchAttributes([
    { key: PrepackStatusKey, value: 'open' },
    { key: WarehouseIdKey, value: warehouseId },
  ]);
  const remaining = Math.max(0, new Date(opened.row.expiresAt).getTime() - new Date(opened.row.openedAt).getTime());
  await condition(() => boughtBy !== undefined, Math.min(ttlMs, remaining) || 1);
  // Bought or not, the ledger decides: expiring a pre-pack already bought leaves it bought.
  const status = boughtBy !== undefined ? 'bought' : ((await act.expirePrepack({ prepackId: candidate.prepackId })) ?? 'expired');
  upsertSearchAttributes([{ key: PrepackStatusKey, value: status }]);
  return { status, warehouseId, ...(boughtBy ? { orderId: boughtBy } : {}) };
}

/** One scoring run: candidates at or above the threshold each get their pre-pack workflow (a rescore finds it running). */
export async function prepackScoringWorkflow({ ttlMs }: { ttlMs: number }): Promise<{ candidates: number; started: number }> {
  const candidates = await scoring.scorePrepackCandidates();
  let started = 0;
  for (const candidate of candidates) {
    try {
      await startChild(prepackWorkflow, {
        workflowId: prepackWorkflowId(candidate.prepackId),
        args: [{ candidate, ttlMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return { candidates: candidates.length, started };
}

/** The scheduled training job. */
export async function prepackTrainingWorkflow(): Promise<{ modelId: number | null }> {
  const result = await training.trainPrepackModel();
  return { modelId: result.modelId };
}
