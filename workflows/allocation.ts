/**
 * Allocation: which warehouse ships the order, decided by the stored rule set (domain/allocation.ts) and
 * carried out with the stock reserved in the same step. Depending on the rule that fires, the order
 *  - ships from one warehouse (local stock, or the nearest far warehouse holding everything),
 *  - ships as several parcels, one per warehouse (split),
 *  - waits as AWAITING_TRANSFER for an internal transfer to its local warehouse (T+1; late → review task),
 *  - waits as AWAITING_PURCHASE for a 1688 purchase booked into its local warehouse,
 *  - or waits as BACKORDERED until stock (or a supplier) arrives, offered to waiting orders oldest first.
 * Cancelling while waiting releases what was reserved; goods in transit stay held until they arrive.
 */
import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { AllocationOutcome, PurchaseRef, TransferRef } from './contract';
import { activities } from './activities';
import {
  purchaseReceivedSignal,
  retryAllocationUpdate,
  stockReplenishedSignal,
  transferReceivedSignal,
  WarehouseIdKey,
  type Allocation,
  type Parcel,
} from './contract';
import type { OrderContext } from './order-context';

/** Review task kinds this phase opens. Resolving an `allocation` task makes the order try again. */
export const ALLOCATION_REVIEW = 'allocation';
export const TRANSFER_LATE = 'transfer-late';
export const PURCHASE_FAILED = 'purchase-failed';
export const PURCHASE_PARTIAL = 'purchase-partial';

const DAY_MS = 86_400_000;
const DEFAULT_TRANSFER_GRACE_MS = 12 * 3_600_000;

/** Registers the phase's handlers (call before the first await) and returns its step. */
export function allocationPhase(ctx: OrderContext) {
  const { state, orderId } = ctx;
  /** Something changed that may let a backordered order allocate: stock, a supplier, a resolved review. */
  let wake = false;
  /** Parked as a backorder, waiting for `wake`. */
  let waiting = false;
  /** The allocation loop runs and may try again (false before it starts and once a decision holds). */
  let allocating = false;
  /** Allocation attempts finished so far (the retry update answers once the next one has). */
  let attempts = 0;
  /** Transfers and purchases reported received. */
  const arrived = new Set<string>();
  /** A person resolved the allocation review task: if the problem remains, a new task opens. */
  let reviewResolved = false;

  setHandler(stockReplenishedSignal, ({ skus }) => {
    if (state.lines.some((l) => skus.includes(l.sku))) wake = true;
  });
  setHandler(retryAllocationUpdate, async () => {
    if (!allocating) return state;
    // Mid-attempt, the attempt under way may have looked before the stock arrived: answer after the next one.
    const target = attempts + (waiting ? 1 : 2);
    wake = true;
    await condition(() => attempts >= target || !allocating || ctx.cancelRequested);
    return state;
  });
  setHandler(transferReceivedSignal, ({ transferId }) => void arrived.add(transferId));
  setHandler(purchaseReceivedSignal, ({ purchaseOrderId }) => void arrived.add(purchaseOrderId));
  ctx.reviewListeners.push(({ kind }) => {
    if (kind === ALLOCATION_REVIEW) wake = reviewResolved = true;
  });

  const graceMs = () => ctx.timings.transferGraceMs ?? DEFAULT_TRANSFER_GRACE_MS;

  /** The order holds its stock: records it and hands the parcels to fulfilment. */
  async function allocated(rule: string, reason: string, parcels: Parcel[], extra: Partial<Allocation> = {}): Promise<Parcel[]> {
    const warehouseId = parcels[0]!.warehouseId;
    const split = parcels.length > 1;
    state.allocation = { rule, warehouseId, ...extra, ...(split ? { parcels } : {}) };
    await ctx.recordAll([
      { type: 'STOCK_RESERVED', status: 'RESERVED', detail: split ? { parcels } : { warehouseId } },
      { type: 'ALLOCATED', status: 'ALLOCATED', detail: { rule, warehouseId, reason, ...extra, ...(split ? { parcels } : {}) }, patch: { warehouseId } },
    ]);
    upsertSearchAttributes([{ key: WarehouseIdKey, value: warehouseId }]);
    attempts++;
    return parcels;
  }

  /** Waits for a transfer or purchase to be received: true when it was, false when the order was cancelled. */
  async function awaitArrival(kind: 'transfer' | 'purchase', id: string, status: string, onLate?: () => Promise<void>, dueAt?: number): Promise<boolean> {
    if (status === 'received') return true;
    let late = dueAt === undefined;
    for (;;) {
      // Until due, sleep till then; after, re-check every grace period in case a receipt signal was lost.
      const wait = late ? graceMs() : Math.max(1, dueAt! - Date.now());
      await condition(() => arrived.has(id) || ctx.cancelRequested, wait);
      if (ctx.cancelRequested) return false;
      if (arrived.has(id)) return true;
      if ((await ctx.act.inboundStatus({ kind, id })) === 'received') return true;
      if (!late) {
        late = true;
        await onLate?.();
      }
    }
  }

  async function viaTransfer(outcome: AllocationOutcome & { action: 'transfer' }): Promise<Parcel[] | undefined> {
    const { rule, reason, warehouseId } = outcome;
    const t: TransferRef = outcome.transfer;
    state.allocation = { rule, warehouseId, transferId: t.transferId };
    await ctx.record(
      'TRANSFER_CREATED',
      'AWAITING_TRANSFER',
      { rule, reason, transferId: t.transferId, fromWarehouseId: t.fromWarehouseId, toWarehouseId: t.toWarehouseId, lines: t.lines, eta: t.eta },
      { warehouseId },
    );
    upsertSearchAttributes([{ key: WarehouseIdKey, value: warehouseId }]);
    attempts++;

    const late = async () => {
      const taskId = `${TRANSFER_LATE}-${t.transferId}`;
      await ctx.act.openReviewTask({
        id: taskId,
        kind: TRANSFER_LATE,
        orderId,
        reason: `transfer ${t.transferId} from ${t.fromWarehouseId} to ${t.toWarehouseId} was due at ${t.eta} and has not been received; the order keeps waiting`,
        data: { transferId: t.transferId, fromWarehouseId: t.fromWarehouseId, toWarehouseId: t.toWarehouseId, eta: t.eta, lines: t.lines },
      });
      await ctx.record('TRANSFER_LATE', undefined, { transferId: t.transferId, eta: t.eta, reviewTaskId: taskId });
    };
    if (!(await awaitArrival('transfer', t.transferId, t.status, late, Date.parse(t.eta) + graceMs()))) return undefined;
    await ctx.record('TRANSFER_RECEIVED', undefined, { transferId: t.transferId, warehouseId });
    return allocated(rule, reason, [{ warehouseId, lines: ctx.stockLines() }], { transferId: t.transferId });
  }

  async function viaPurchase(outcome: AllocationOutcome & { action: 'purchase' }): Promise<Parcel[] | undefined> {
    const { rule, reason, warehouseId } = outcome;
    const po: PurchaseRef = outcome.purchase;
    const id = po.purchaseOrderId;
    state.allocation = { rule, warehouseId, purchaseOrderId: id };
    await ctx.record(
      'PURCHASE_CREATED',
      'AWAITING_PURCHASE',
      { rule, reason, purchaseOrderId: id, warehouseId, lines: po.lines.map(({ sku, quantity, offerId }) => ({ sku, quantity, offerId })) },
      { warehouseId },
    );
    upsertSearchAttributes([{ key: WarehouseIdKey, value: warehouseId }]);
    attempts++;

    if (po.status === 'pending' && !ctx.cancelRequested) {
      const placed = await activities.placePurchaseOrder({ purchaseOrderId: id });
      if (placed.outcome === 'ordered') {
        await ctx.record('PURCHASE_ORDERED', undefined, { purchaseOrderId: id, supplierOrderId: placed.supplierOrderId, totalFen: placed.totalFen });
        if (placed.failedOffers.length > 0) {
          const taskId = `${PURCHASE_PARTIAL}-${id}`;
          const offers = placed.failedOffers.map((f) => `${f.offerId}${f.message ? ` (${f.message})` : ''}`).join(', ');
          await ctx.act.openReviewTask({
            id: taskId,
            kind: PURCHASE_PARTIAL,
            orderId,
            reason: `1688 order ${placed.supplierOrderId} for ${id} left out ${offers}; buy those elsewhere, then receive the purchase`,
            data: { purchaseOrderId: id, supplierOrderId: placed.supplierOrderId, failedOffers: placed.failedOffers },
          });
        }
      } else if (placed.outcome === 'failed' || placed.outcome === 'unknown') {
        const taskId = `${PURCHASE_FAILED}-${id}`;
        const why =
          placed.outcome === 'unknown'
            ? `1688 may or may not have created the order (${placed.code}: ${placed.message}); check the 1688 order list`
            : `1688 refused the order (${placed.code}: ${placed.message})`;
        await ctx.act.openReviewTask({
          id: taskId,
          kind: PURCHASE_FAILED,
          orderId,
          reason: `purchase ${id}: ${why}. Buy the goods by hand and receive the purchase, or cancel the order`,
          data: { purchaseOrderId: id, code: placed.code, outcome: placed.outcome },
        });
        await ctx.record('PURCHASE_FAILED', undefined, { purchaseOrderId: id, outcome: placed.outcome, code: placed.code, reviewTaskId: taskId });
      }
    }
    if (!(await awaitArrival('purchase', id, po.status))) return undefined;
    await ctx.record('PURCHASE_RECEIVED', undefined, { purchaseOrderId: id, warehouseId });
    return allocated(rule, reason, [{ warehouseId, lines: ctx.stockLines() }], { purchaseOrderId: id });
  }

  return {
    /** What ships from where (one parcel, or one per warehouse when split); undefined when cancelled while waiting. */
    async allocate(): Promise<Parcel[] | undefined> {
      let lastReview: string | undefined;
      allocating = true;
      for (;;) {
        wake = false;
        if (reviewResolved) [reviewResolved, lastReview] = [false, undefined];
        const outcome = await ctx.act.allocateOrder({
          orderId,
          lines: ctx.stockLines(),
          receiver: state.shippingAddress,
          urgent: state.urgent,
          transferDayMs: ctx.timings.transferEtaMs ?? DAY_MS,
        });
        if (outcome.action !== 'backorder' && outcome.action !== 'review') {
          allocating = false;
          ctx.addCompensation(() => ctx.act.releaseAllocation({ orderId }));
        }
        switch (outcome.action) {
          case 'ship':
            return allocated(outcome.rule, outcome.reason, outcome.parcels);
          case 'split':
            return allocated(outcome.rule, outcome.reason, outcome.parcels);
          case 'transfer':
            return viaTransfer(outcome);
          case 'purchase':
            return viaPurchase(outcome);
        }

        const { rule, reason } = outcome;
        if (state.status !== 'BACKORDERED') {
          await ctx.record('BACKORDERED', 'BACKORDERED', { rule, reason });
          // Stock that arrived between the attempt and this record found no BACKORDERED order to offer itself
          // to (the wake-up reads the read model): look once more now that the order is listed as waiting.
          wake = true;
        }
        if (outcome.action === 'review' && reason !== lastReview) {
          lastReview = reason;
          const taskId = `${ALLOCATION_REVIEW}-${orderId}-${state.timeline.length}`;
          await ctx.act.openReviewTask({ id: taskId, kind: ALLOCATION_REVIEW, orderId, reason, data: { rule } });
          await ctx.record('ALLOCATION_REVIEW', undefined, { rule, reason, reviewTaskId: taskId });
        }
        attempts++;
        waiting = true;
        await condition(() => wake || ctx.cancelRequested);
        waiting = false;
        if (ctx.cancelRequested) {
          allocating = false;
          return undefined;
        }
      }
    },
  };
}
