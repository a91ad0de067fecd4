/**
 * Allocations that wait for goods: an internal transfer to the order's local warehouse (T+1; late → review
 * task, the order keeps waiting), or a 1688 purchase booked into it. Cancelling while waiting releases what
 * was reserved; goods in transit stay held until they arrive.
 */
import { condition } from '@temporalio/workflow';
import { transferLateAtMs } from '../../domain/transfer-timing';
import { activities } from '../activities';
import { PURCHASE_FAILED, PURCHASE_PARTIAL, TRANSFER_LATE, type AllocationOutcome, type Parcel, type PurchaseRef, type TransferRef } from '../contract';
import { allocated, awaitingInbound, type Allocating } from './allocation-state';

/** Waits for a transfer or purchase to be received: true when it was, false when the order was cancelled. */
async function awaitArrival(a: Allocating, kind: 'transfer' | 'purchase', id: string, status: string, onLate?: () => Promise<void>, dueAt?: number): Promise<boolean> {
  const { ctx, arrived } = a;
  if (status === 'received') return true;
  let late = dueAt === undefined;
  for (;;) {
    // Until due, sleep till then; after, re-check every grace period in case a receipt signal was lost.
    const wait = late ? a.graceMs() : Math.max(1, dueAt! - Date.now());
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

export async function viaTransfer(a: Allocating, outcome: AllocationOutcome & { action: 'transfer' }): Promise<Parcel[] | undefined> {
  const { ctx } = a;
  const { rule, reason, warehouseId } = outcome;
  const t: TransferRef = outcome.transfer;
  await awaitingInbound(a, { rule, warehouseId, transferId: t.transferId }, 'TRANSFER_CREATED', 'AWAITING_TRANSFER', {
    rule,
    reason,
    transferId: t.transferId,
    fromWarehouseId: t.fromWarehouseId,
    toWarehouseId: t.toWarehouseId,
    lines: t.lines,
    eta: t.eta,
  });
  if (!(await awaitArrival(a, 'transfer', t.transferId, t.status, () => transferLate(a, t), transferLateAtMs(t.eta, a.graceMs())))) return undefined;
  await ctx.record('TRANSFER_RECEIVED', undefined, { transferId: t.transferId, warehouseId });
  return allocated(a, rule, reason, [{ warehouseId, lines: ctx.stockLines() }], { transferId: t.transferId });
}

/** Not received by ETA + grace: a person chases it; the order keeps waiting. */
async function transferLate(a: Allocating, t: TransferRef): Promise<void> {
  const { ctx } = a;
  const taskId = `${TRANSFER_LATE}-${t.transferId}`;
  await ctx.act.openReviewTask({
    id: taskId,
    kind: TRANSFER_LATE,
    orderId: ctx.orderId,
    reason: `transfer ${t.transferId} from ${t.fromWarehouseId} to ${t.toWarehouseId} was due at ${t.eta} and has not been received; the order keeps waiting`,
    data: { transferId: t.transferId, fromWarehouseId: t.fromWarehouseId, toWarehouseId: t.toWarehouseId, eta: t.eta, lines: t.lines },
  });
  await ctx.record('TRANSFER_LATE', undefined, { transferId: t.transferId, eta: t.eta, reviewTaskId: taskId });
}

export async function viaPurchase(a: Allocating, outcome: AllocationOutcome & { action: 'purchase' }): Promise<Parcel[] | undefined> {
  const { ctx } = a;
  const { rule, reason, warehouseId } = outcome;
  const po: PurchaseRef = outcome.purchase;
  const id = po.purchaseOrderId;
  await awaitingInbound(a, { rule, warehouseId, purchaseOrderId: id }, 'PURCHASE_CREATED', 'AWAITING_PURCHASE', {
    rule,
    reason,
    purchaseOrderId: id,
    warehouseId,
    lines: po.lines.map(({ sku, quantity, offerId }) => ({ sku, quantity, offerId })),
  });
  if (po.status === 'pending' && !ctx.cancelRequested) await placePurchase(a, id);
  if (!(await awaitArrival(a, 'purchase', id, po.status))) return undefined;
  await ctx.record('PURCHASE_RECEIVED', undefined, { purchaseOrderId: id, warehouseId });
  return allocated(a, rule, reason, [{ warehouseId, lines: ctx.stockLines() }], { purchaseOrderId: id });
}

/** Sends the purchase to 1688; what 1688 left out or refused becomes a review task. */
async function placePurchase(a: Allocating, id: string): Promise<void> {
  const { ctx } = a;
  const { orderId } = ctx;
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
