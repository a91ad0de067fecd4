/**
 * Allocation: which warehouse ships the order, decided by the stored rule set (domain/allocation.ts) and
 * carried out with the stock reserved in the same step. Depending on the rule that fires, the order
 *  - ships from one warehouse (local stock, or the nearest far warehouse holding everything),
 *  - ships as several parcels, one per warehouse (split),
 *  - waits as AWAITING_TRANSFER for an internal transfer to its local warehouse (allocation/inbound.ts),
 *  - waits as AWAITING_PURCHASE for a 1688 purchase booked into its local warehouse (allocation/inbound.ts),
 *  - or waits as BACKORDERED until stock (or a supplier) arrives, offered to waiting orders oldest first.
 * Cancelling while waiting releases what was reserved; goods in transit stay held until they arrive.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { DEFAULT_TRANSFER_DAY_MS } from '../domain/transfer-timing';
import { allocated, Allocating } from './allocation/allocation-state';
import { viaPurchase, viaTransfer } from './allocation/inbound';
import {
  ALLOCATION_REVIEW,
  purchaseReceivedSignal,
  retryAllocationUpdate,
  stockReplenishedSignal,
  transferReceivedSignal,
  type AllocationOutcome,
  type Parcel,
} from './contract';
import type { OrderContext } from './order-context';

/** Registers the phase's handlers (call before the first await) and returns its step. */
export function allocationPhase(ctx: OrderContext) {
  const a = new Allocating(ctx);
  registerAllocationHandlers(a);
  return {
    /** What ships from where (one parcel, or one per warehouse when split); undefined when cancelled while waiting. */
    allocate: (): Promise<Parcel[] | undefined> => allocate(a),
  };
}

/** Stock arriving, a supplier set, a transfer or purchase received, a resolved review: each may let the order go on. */
function registerAllocationHandlers(a: Allocating): void {
  const { ctx } = a;
  const { state } = ctx;
  setHandler(stockReplenishedSignal, ({ skus }) => {
    if (state.lines.some((l) => skus.includes(l.sku))) a.wake = true;
  });
  setHandler(retryAllocationUpdate, async () => {
    if (!a.allocating) return state;
    // Mid-attempt, the attempt under way may have looked before the stock arrived: answer after the next one.
    const target = a.attempts + (a.waiting ? 1 : 2);
    a.wake = true;
    await condition(() => a.attempts >= target || !a.allocating || ctx.cancelRequested);
    return state;
  });
  setHandler(transferReceivedSignal, ({ transferId }) => void a.arrived.add(transferId));
  setHandler(purchaseReceivedSignal, ({ purchaseOrderId }) => void a.arrived.add(purchaseOrderId));
  ctx.reviewListeners.push(({ kind }) => {
    if (kind === ALLOCATION_REVIEW) a.wake = a.reviewResolved = true;
  });
}

/** Tries to allocate until a decision holds; a backorder (or a decision a person must take) waits for a wake-up. */
async function allocate(a: Allocating): Promise<Parcel[] | undefined> {
  const { ctx } = a;
  const { state, orderId } = ctx;
  let lastReview: string | undefined;
  a.allocating = true;
  for (;;) {
    a.wake = false;
    if (a.reviewResolved) [a.reviewResolved, lastReview] = [false, undefined];
    const outcome = await ctx.act.allocateOrder({
      orderId,
      lines: ctx.stockLines(),
      receiver: state.shippingAddress,
      urgent: state.urgent,
      transferDayMs: ctx.timings.transferEtaMs ?? DEFAULT_TRANSFER_DAY_MS,
    });
    if (outcome.action !== 'backorder' && outcome.action !== 'review') {
      a.allocating = false;
      ctx.addCompensation(() => ctx.act.releaseAllocation({ orderId }));
    }
    switch (outcome.action) {
      case 'ship':
        return allocated(a, outcome.rule, outcome.reason, outcome.parcels);
      case 'split':
        return allocated(a, outcome.rule, outcome.reason, outcome.parcels);
      case 'transfer':
        return viaTransfer(a, outcome);
      case 'purchase':
        return viaPurchase(a, outcome);
    }
    lastReview = await backordered(a, outcome, lastReview);
    a.attempts++;
    a.waiting = true;
    await condition(() => a.wake || ctx.cancelRequested);
    a.waiting = false;
    if (ctx.cancelRequested) {
      a.allocating = false;
      return undefined;
    }
  }
}

/**
 * Nothing to allocate now: recorded as BACKORDERED (once), and a person is asked when the rule wants one
 * (once per distinct reason). Returns the reason last put to a person.
 */
async function backordered(a: Allocating, outcome: AllocationOutcome & { action: 'backorder' | 'review' }, lastReview: string | undefined): Promise<string | undefined> {
  const { ctx } = a;
  const { state, orderId } = ctx;
  const { rule, reason } = outcome;
  if (state.status !== 'BACKORDERED') {
    await ctx.record('BACKORDERED', 'BACKORDERED', { rule, reason });
    // Stock that arrived between the attempt and this record found no BACKORDERED order to offer itself
    // to (the wake-up reads the read model): look once more now that the order is listed as waiting.
    a.wake = true;
  }
  if (outcome.action !== 'review' || reason === lastReview) return lastReview;
  const taskId = `${ALLOCATION_REVIEW}-${orderId}-${state.timeline.length}`;
  await ctx.act.openReviewTask({ id: taskId, kind: ALLOCATION_REVIEW, orderId, reason, data: { rule } });
  await ctx.record('ALLOCATION_REVIEW', undefined, { rule, reason, reviewTaskId: taskId });
  return reason;
}
