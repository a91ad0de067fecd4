/**
 * The `onStockChanged` seam of the activities, wired to channel stock sync: each changed SKU's
 * `stock-sync-<sku>` workflow gets a `stockChanged` signal (signal-with-start, so it runs if it was not).
 * Any process can call it; the per-SKU workflow is what coalesces across all of them.
 *
 * Within one process, signals for the same SKU are coalesced too: one goes out at most every `signalGapMs`
 * (half the push interval by default) and never two at once; the changes in between go out together in the
 * next one. The workflow pushes at most once per interval anyway, so a burst costs Temporal about two signals
 * (two workflow tasks) per SKU a second, not one per intake batch. The first change after a quiet spell and
 * a sell-out go at once. Each caller's promise resolves only once a signal sent after its change has been
 * accepted.
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
  /** At least this long between two signals of one SKU, unless it sells out (default: half of `intervalMs`). */
  signalGapMs?: number;
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

/** One SKU's signals in this process: the last one's time, whether one is on its way, the changes for the next. */
interface Slot {
  sentAt: number;
  sending: boolean;
  waiting: Waiting | undefined;
  timer: NodeJS.Timeout | undefined;
}

const ORDER_WORKFLOW_PREFIX = orderWorkflowId('');

/**
 * Tells the channels that these SKUs' stock changed; `orderIds`: the orders whose holds or reservations changed
 * it, the same for every SKU or per SKU (an intake batch's orders each hold only the SKUs of their own lines);
 * `soldOut`: those of the SKUs that have just sold out (pushed without waiting for the interval).
 */
export type StockChangedNotifier = (skus: string[], orderIds?: readonly string[] | ReadonlyMap<string, readonly string[]>, soldOut?: readonly string[]) => Promise<void>;

export function createStockSyncTrigger({ client, taskQueue, intervalMs, idleMs, signalGapMs = intervalMs / 2, logger, pushSoldOut }: StockSyncTriggerOptions): StockChangedNotifier {
  /** Per SKU, while a signal is on its way or was sent less than `signalGapMs` ago. */
  const slots = new Map<string, Slot>();
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

  /** Sends the waiting changes if the SKU's gap has passed (or it sold out), or comes back when it has. */
  function pump(sku: string, slot: Slot): void {
    if (slot.sending) return;
    const now = Date.now();
    const due = slot.waiting?.pending.soldOut ? now : slot.sentAt + signalGapMs;
    if (due > now) {
      slot.timer ??= setTimeout(() => {
        slot.timer = undefined;
        pump(sku, slot);
      }, due - now);
      return;
    }
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const next = slot.waiting;
    if (!next) {
      slots.delete(sku); // quiet for a whole gap: the next change goes at once
      return;
    }
    slot.waiting = undefined;
    slot.sending = true;
    slot.sentAt = now;
    void send(sku, next.pending).finally(() => {
      slot.sending = false;
      next.settle();
      pump(sku, slot);
    });
  }

  function notify(sku: string, change: StockChange): Promise<void> {
    let slot = slots.get(sku);
    if (!slot) slots.set(sku, (slot = { sentAt: -Infinity, sending: false, waiting: undefined, timer: undefined }));
    if (slot.waiting) slot.waiting.pending = mergeStockChange(slot.waiting.pending, change);
    else {
      let settle!: () => void;
      const promise = new Promise<void>((resolve) => (settle = resolve));
      slot.waiting = { pending: mergeStockChange(undefined, change), promise, settle };
    }
    const { promise } = slot.waiting;
    pump(sku, slot);
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
