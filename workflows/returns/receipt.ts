/**
 * Receipt of a return: by the carrier's "signed for", the warehouse scan, or the review task resolved
 * "received". The goods go back in stock exactly once, backorders are woken, purchasing told, the refund
 * recorded and written back to the platform.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { isReceivedResolution, receiptRefusal, receivedLines, totals } from '../../domain/returns';
import { activities } from '../activities';
import { RETURN_CONDITION_CHECK, RETURN_STALLED, receiveReturnUpdate, type ReceiveReturnInput, type ReturnRef } from '../contract';
import type { OrderContext } from '../order-context';
import type { Receipt, Returns } from './returns-state';

/**
 * Registers the warehouse scan (an Update) and listens to carrier events and review resolutions (call before
 * the first await).
 */
export function registerReceiptHandlers(returns: Returns): void {
  const ctx: OrderContext = returns.ctx; // annotated: `ctx.refuse` (never) then narrows
  const { state } = ctx;

  setHandler(
    receiveReturnUpdate,
    async (input) => {
      const ret = returns.byId(input.returnId)!;
      const p = returns.progressOf(ret);
      const already = p.receipt !== undefined;
      p.receipt ??= { by: 'warehouse', lines: input.lines, scannedBy: input.receivedBy };
      // Answer once the goods are back in stock, so the scanner sees the outcome (202 from the API if slower).
      await condition(() => ret.status === 'received', '10 seconds');
      if (already && ret.status === 'received') await scannedAfterReceipt(returns, ret, input);
      return { return: ret, alreadyReceived: already };
    },
    {
      validator: (input) => {
        const ret = returns.byId(input.returnId);
        if (!ret) ctx.refuse(`return ${input.returnId} is not part of this order`);
        const why = receiptRefusal(ret.lines, input.lines);
        if (why) ctx.refuse(why);
      },
    },
  );

  ctx.carrierEventListeners.push((event) => {
    const ret = state.returns.find((r) => r.waybillNo === event.waybillNo && r.carrier === event.carrier);
    if (ret) return returns.enqueue(ret, event, 'push');
    const awaitingWaybill = state.returns.some((r) => r.status !== 'received' && r.waybillNo === undefined);
    const forward = state.shipments.some((s) => s.waybillNo === event.waybillNo && s.carrier === event.carrier);
    if (awaitingWaybill && !forward && returns.strayEvents.length < 100) returns.strayEvents.push(event);
  });

  ctx.reviewListeners.push((resolved) => {
    if (resolved.kind !== RETURN_STALLED) return;
    const ret = state.returns.find((r) => r.reviewTaskId === resolved.taskId && r.status !== 'received');
    if (!ret) return;
    const p = returns.progressOf(ret);
    if (isReceivedResolution(resolved.resolution)) p.receipt ??= { by: 'review', note: resolved.note };
    else p.review = resolved;
  });
}

/**
 * A scan after the return was already received (typically after the carrier's "signed for", which counts
 * every unit resaleable). Stock is never moved twice; if the scan reports damage, a person checks it.
 */
async function scannedAfterReceipt(returns: Returns, ret: ReturnRef, input: ReceiveReturnInput): Promise<void> {
  const { ctx } = returns;
  const applied = totals((ret.received ?? []).filter((l) => l.condition === 'damaged'));
  const scanned = totals(receivedLines(ret.lines, input.lines).filter((l) => l.condition === 'damaged'));
  const unseenDamage = [...scanned].filter(([sku, q]) => q > (applied.get(sku) ?? 0)).map(([sku, quantity]) => ({ sku, quantity }));
  await ctx.record('RETURN_SCANNED_AFTER_RECEIPT', undefined, {
    returnId: ret.returnId,
    receivedBy: ret.receivedBy,
    ...(unseenDamage.length ? { damaged: unseenDamage } : {}),
  });
  if (unseenDamage.length === 0) return;
  await ctx.act.openReviewTask({
    id: `${RETURN_CONDITION_CHECK}-${ret.returnId}`,
    kind: RETURN_CONDITION_CHECK,
    orderId: ctx.orderId,
    reason: `return ${ret.returnId}: the warehouse scan reports damaged units that were restocked as resaleable`,
    data: { returnId: ret.returnId, warehouseId: ret.warehouseId, damaged: unseenDamage, receivedBy: ret.receivedBy },
  });
}

/** Receipt: stock, quarantine, purchasing and refund (one idempotent activity), then backorders and the platform. */
export async function receive(returns: Returns, ret: ReturnRef, receipt: Receipt): Promise<void> {
  const { ctx } = returns;
  const { state, orderId } = ctx;
  const outcome = await activities.receiveReturnGoods({
    returnId: ret.returnId,
    orderId,
    channel: state.channel,
    warehouseId: ret.warehouseId,
    receivedBy: receipt.by,
    scannedBy: receipt.scannedBy,
    lines: receivedLines(ret.lines, receipt.lines),
    refundFen: ret.refundFen,
  });
  ret.received = outcome.lines;
  ret.receivedBy = receipt.by;
  ret.receivedAt = ctx.now();
  ret.refundFen = outcome.refundFen;
  const restocked = outcome.lines.filter((l) => l.condition === 'resaleable').map(({ sku, quantity }) => ({ sku, quantity }));
  const quarantined = outcome.lines.filter((l) => l.condition === 'damaged').map(({ sku, quantity }) => ({ sku, quantity }));
  await ctx.record('RETURN_RECEIVED', undefined, {
    returnId: ret.returnId,
    by: receipt.by,
    ...(receipt.scannedBy ? { scannedBy: receipt.scannedBy } : {}),
    ...(receipt.note ? { note: receipt.note } : {}),
  });

  // Backordered orders wanting these SKUs get the units first come, first served (workflows/restock.ts).
  await activities.requestRestock({ skus: [...new Set(restocked.map((l) => l.sku))] });
  await ctx.record('STOCK_RETURNED', undefined, { returnId: ret.returnId, warehouseId: ret.warehouseId, restocked, quarantined });
  await ctx.record('PURCHASING_NOTIFIED', undefined, { returnId: ret.returnId, skus: [...new Set(outcome.lines.map((l) => l.sku))] });
  await ctx.record('REFUND_RECORDED', undefined, { returnId: ret.returnId, amountFen: ret.refundFen });
  const writeBack = await activities.writeBackRefund({
    returnId: ret.returnId,
    orderId,
    channel: state.channel,
    channelOrderId: state.channelOrderId,
    storeId: state.storeId,
    platformRefundId: ret.platformRefundId,
    amountFen: ret.refundFen,
  });
  await ctx.record('REFUND_WRITE_BACK', undefined, { returnId: ret.returnId, outcome: writeBack.outcome, ...(writeBack.reference ? { reference: writeBack.reference } : {}) });
  // A stalled-return task nobody resolved yet has nothing left to check.
  if (ret.reviewTaskId) await ctx.act.closeReviewTask({ taskId: ret.reviewTaskId, resolution: `superseded: received (${receipt.by})` });
  ret.status = 'received';
  await ctx.record('RETURNED', 'RETURNED', { returnId: ret.returnId, refundFen: ret.refundFen });
}

