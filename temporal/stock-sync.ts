/**
 * The `onStockChanged` seam of the activities, wired to channel stock sync: each changed SKU's
 * `stock-sync-<sku>` workflow gets a `stockChanged` signal (signal-with-start, so it runs if it was not).
 * Any process can call it; the per-SKU workflow is what coalesces across all of them.
 *
 * Within one process, signals for the same SKU are coalesced too: while one is on its way, later changes
 * wait and go out together in one more signal, so a burst costs Temporal a handful of signals, not one per
 * order. Each caller's promise resolves only once a signal sent after its change has been accepted.
 *
 * A failure to signal is logged and swallowed: the order that changed stock must not fail or wait for the
 * channels. The next change of the SKU pushes the right count again.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createChannelActivities, type ChannelActivityDeps } from '../activities/channel-activities';
import { mergeStockChange, type PendingStockChanges, type StockChange } from '../domain/stock';
import type { Logger } from '../infra/logger';
import { orderWorkflowId, stockChangedSignal, stockSyncTaskQueue, stockSyncWorkflowId } from '../workflows/contract';
import type { stockSyncWorkflow } from '../workflows/stock-sync';

export interface StockSyncTriggerOptions {
  client: Client;
  taskQueue: string;
  /** At most one push round per SKU per this many milliseconds. */
  intervalMs: number;
  /** A SKU's workflow ends after this long without a change. */
  idleMs: number;
  logger: Logger;
  /**
   * Runs one push round of a SKU that has just sold out, here and now (the `syncSkuStock` activity's own code),
   * besides telling its workflow: a round through Temporal takes a signal, a workflow task and a local activity,
   * which at the peak of a burst, with the engine busy, adds a second or more before every store is told 0.
   */
  pushSoldOut?: (sku: string, change: StockChange) => Promise<unknown>;
}

interface Waiting {
  pending: PendingStockChanges;
  promise: Promise<void>;
  settle: () => void;
}

const ORDER_WORKFLOW_PREFIX = orderWorkflowId('');

/**
 * Tells the channels that these SKUs' stock changed; `orderIds`: the orders whose holds or reservations changed
 * it, the same for every SKU or per SKU (an intake batch's orders each hold only the SKUs of their own lines);
 * `soldOut`: those of the SKUs that have just sold out (pushed without waiting for the interval).
 */
export type StockChangedNotifier = (skus: string[], orderIds?: readonly string[] | ReadonlyMap<string, readonly string[]>, soldOut?: readonly string[]) => Promise<void>;

export function createStockSyncTrigger({ client, taskQueue, intervalMs, idleMs, logger, pushSoldOut }: StockSyncTriggerOptions): StockChangedNotifier {
  /** Per SKU: a signal on its way (present) and the changes waiting for the next one. */
  const slots = new Map<string, { waiting: Waiting | undefined }>();
  /** SKUs whose sell-out is being pushed here right now (one round at a time is enough: it reads the count when it starts). */
  const pushingSoldOut = new Set<string>();

  function soldOutNow(sku: string, change: StockChange): void {
    if (!pushSoldOut || pushingSoldOut.has(sku)) return;
    pushingSoldOut.add(sku);
    void pushSoldOut(sku, change)
      .catch((err: unknown) => logger.warn({ err, sku }, 'could not push a sell-out at once; its stock-sync workflow will'))
      .finally(() => pushingSoldOut.delete(sku));
  }

  async function send(sku: string, pending: PendingStockChanges): Promise<void> {
    const change: StockChange = {
      at: pending.firstChangeAt,
      changes: pending.changes,
      ...(pending.orderIds.length ? { orderIds: pending.orderIds } : {}),
      ...(pending.soldOut ? { soldOut: true } : {}),
    };
    try {
      await client.workflow.signalWithStart<typeof stockSyncWorkflow, [StockChange]>('stockSyncWorkflow', {
        workflowId: stockSyncWorkflowId(sku),
        taskQueue: stockSyncTaskQueue(taskQueue),
        args: [{ sku, intervalMs, idleMs }],
        signal: stockChangedSignal,
        signalArgs: [change],
      });
    } catch (err) {
      logger.error({ err, sku }, 'could not signal channel stock sync; the next change of this SKU will push the count');
    }
  }

  function afterSend(sku: string): void {
    const slot = slots.get(sku);
    const next = slot?.waiting;
    if (!slot || !next) {
      slots.delete(sku);
      return;
    }
    slot.waiting = undefined;
    void send(sku, next.pending).finally(() => {
      next.settle();
      afterSend(sku);
    });
  }

  function notify(sku: string, change: StockChange): Promise<void> {
    const slot = slots.get(sku);
    if (!slot) {
      slots.set(sku, { waiting: undefined });
      return send(sku, mergeStockChange(undefined, change)).finally(() => afterSend(sku));
    }
    if (slot.waiting) {
      slot.waiting.pending = mergeStockChange(slot.waiting.pending, change);
      return slot.waiting.promise;
    }
    let settle!: () => void;
    const promise = new Promise<void>((resolve) => (settle = resolve));
    slot.waiting = { pending: mergeStockChange(undefined, change), promise, settle };
    return promise;
  }

  return async (skus, orderIds, soldOut = []) => {
    const at = new Date().toISOString();
    let behind: ReturnType<typeof orderBehindChange> | undefined; // the calling activity's order, looked up once
    // Each order whose hold or reservation moved the SKU's count is one change.
    const changeOf = (sku: string): StockChange => {
      const ids = isPerSku(orderIds) ? orderIds.get(sku) : orderIds;
      return { at, ...(ids?.length ? { orderIds: [...ids], changes: ids.length } : (behind ??= orderBehindChange())) };
    };
    for (const sku of new Set(soldOut)) soldOutNow(sku, changeOf(sku));
    await Promise.all([...new Set(skus)].map((sku) => notify(sku, soldOut.includes(sku) ? { ...changeOf(sku), soldOut: true } : changeOf(sku))));
  };
}

function isPerSku(orderIds: readonly string[] | ReadonlyMap<string, readonly string[]> | undefined): orderIds is ReadonlyMap<string, readonly string[]> {
  return orderIds instanceof Map;
}

/**
 * When the change is an order's reservation (the allocateOrder activity of an order workflow), the order's
 * id, so the stock sync can measure order accepted → channels updated for it.
 */
function orderBehindChange(): { orderIds?: string[] } {
  try {
    const { activityType, workflowExecution } = Context.current().info;
    const workflowId = workflowExecution?.workflowId;
    if (activityType !== 'allocateOrder' || !workflowId?.startsWith(ORDER_WORKFLOW_PREFIX)) return {};
    return { orderIds: [workflowId.slice(ORDER_WORKFLOW_PREFIX.length)] };
  } catch {
    return {}; // not inside an activity (API stock counts)
  }
}

/**
 * The `pushSoldOut` of a process that can push to the channels: one `syncSkuStock` round, run here (it takes the
 * SKU's round lock, so it never overlaps the workflow's rounds).
 */
export function soldOutRounds(deps: ChannelActivityDeps): NonNullable<StockSyncTriggerOptions['pushSoldOut']> {
  const { syncSkuStock } = createChannelActivities(deps);
  return (sku, change) => syncSkuStock({ sku, firstChangeAt: change.at, changes: change.changes ?? 1, orderIds: change.orderIds });
}
