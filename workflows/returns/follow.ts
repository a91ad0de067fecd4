/**
 * Following one return: book the reverse waybill, then wait for carrier pushes and ask the carrier every
 * tracking interval, so a lost push never freezes the return. Every new logistics update restarts the watch;
 * when the watch expires the order goes to RETURN_REVIEW and a person gets a review task, while the workflow
 * keeps waiting (it never gives up on its own).
 */
import { condition } from '@temporalio/workflow';
import type { CarrierName } from '../../carriers/types';
import { collectedBy, moveOnCarrierEvent, moveOnReviewResolved } from '../../domain/returns';
import { activities } from '../activities';
import { RETURN_STALLED, type CarrierEventInput, type ReturnRef, type ReviewResolvedInput } from '../contract';
import { receive } from './receipt';
import type { Returns, Via } from './returns-state';

/** Follows the return until it is received, then receives it. */
export async function follow(returns: Returns, ret: ReturnRef): Promise<void> {
  const p = returns.progressOf(ret);
  await condition(() => p.ready);
  if (!ret.waybillNo && !p.receipt) await bookWaybill(returns, ret);

  let watchDeadline = restartWatch(returns, ret);
  let nextPoll = Date.now() + returns.trackEveryMs;
  while (!p.receipt) {
    const wakeAt = ret.status === 'review' ? nextPoll : Math.min(nextPoll, watchDeadline);
    await condition(() => p.inbox.length > 0 || p.receipt !== undefined || p.review !== undefined, Math.max(1, wakeAt - Date.now()));
    if (p.receipt) break;
    if (p.inbox.length > 0) {
      await applyUpdates(returns, ret, p.inbox.splice(0)); // a logistics update: the watch starts over
      watchDeadline = restartWatch(returns, ret);
      continue;
    }
    if (p.review) {
      const resolved = p.review;
      p.review = undefined;
      await keepWaiting(returns, ret, resolved);
      watchDeadline = restartWatch(returns, ret);
      continue;
    }
    if (Date.now() >= nextPoll) {
      const events = await activities.trackShipment({ carrier: ret.carrier as CarrierName, waybillNo: ret.waybillNo! });
      nextPoll = Date.now() + returns.trackEveryMs;
      for (const event of events) returns.enqueue(ret, event, 'tracking');
      if (p.inbox.length > 0 || p.receipt) continue;
    }
    if (ret.status !== 'review' && Date.now() >= watchDeadline) await stall(returns, ret);
  }
  await receive(returns, ret, p.receipt);
}

function restartWatch(returns: Returns, ret: ReturnRef): number {
  const deadline = Date.now() + returns.watchMs;
  ret.watchExpiresAt = new Date(deadline).toISOString();
  return deadline;
}

async function bookWaybill(returns: Returns, ret: ReturnRef): Promise<void> {
  const { ctx } = returns;
  const { state } = ctx;
  const forward = state.shipments.find((s) => s.direction === 'forward');
  const booked = await activities.bookReturnWaybill({
    returnId: ret.returnId,
    orderId: ctx.orderId,
    warehouseId: ret.warehouseId,
    preferredCarrier: forward?.carrier,
    customer: state.customer,
    address: state.shippingAddress,
    lines: ret.lines.map(({ sku, quantity }) => ({ sku, quantity })),
  });
  ret.carrier = booked.carrier;
  ret.waybillNo = booked.waybillNo;
  for (const event of returns.strayEvents.splice(0)) {
    if (event.carrier === ret.carrier && event.waybillNo === ret.waybillNo) returns.enqueue(ret, event, 'push');
  }
  await ctx.record('RETURN_WAYBILL_CREATED', undefined, { returnId: ret.returnId, carrier: booked.carrier, waybillNo: booked.waybillNo });
}

/** Applies new carrier events, oldest first: timeline, status, and receipt on "signed for by the warehouse". */
async function applyUpdates(returns: Returns, ret: ReturnRef, updates: { event: CarrierEventInput; via: Via }[]): Promise<void> {
  const { ctx } = returns;
  const p = returns.progressOf(ret);
  for (const { event, via } of [...updates].sort((a, b) => a.event.at.localeCompare(b.event.at))) {
    if (p.newestEventAt === undefined || event.at >= p.newestEventAt) {
      p.newestEventAt = event.at;
      ret.carrierStatus = event.kind;
    }
    ret.lastUpdateAt = ctx.now();
    if (collectedBy(event.kind)) p.pickedUp = true;
    const wasInReview = ret.status === 'review';
    const move = moveOnCarrierEvent(ret.status, p.pickedUp, event.kind);
    if (move) ret.status = move.status;
    if (wasInReview && ret.reviewTaskId) {
      await ctx.act.closeReviewTask({ taskId: ret.reviewTaskId, resolution: `superseded: the carrier reported ${event.kind}` });
    }
    await activities.recordReturnProgress({ returnId: ret.returnId, status: ret.status, carrierStatus: ret.carrierStatus, lastUpdateAt: event.at });
    await ctx.record('RETURN_CARRIER_UPDATE', move?.orderStatus, {
      returnId: ret.returnId,
      waybillNo: ret.waybillNo,
      kind: event.kind,
      at: event.at,
      via,
      ...(event.remark ? { remark: event.remark } : {}),
    });
    if (event.kind === 'delivered') p.receipt ??= { by: 'carrier' };
  }
}

/** The watch expired: a person looks, the workflow keeps waiting (tracking goes on). */
async function stall(returns: Returns, ret: ReturnRef): Promise<void> {
  const { ctx, watchMs } = returns;
  const p = returns.progressOf(ret);
  p.stalls += 1;
  const taskId = `${RETURN_STALLED}-${ret.returnId}-${p.stalls}`;
  const lastCarrierStatus = ret.carrierStatus ?? 'none';
  const lastUpdateAt = ret.lastUpdateAt ?? ret.requestedAt;
  ret.status = 'review';
  ret.reviewTaskId = taskId;
  await ctx.act.openReviewTask({
    id: taskId,
    kind: RETURN_STALLED,
    orderId: ctx.orderId,
    reason: `return ${ret.returnId}: no logistics update for ${describe(watchMs)}; last carrier status: ${lastCarrierStatus}`,
    data: { returnId: ret.returnId, carrier: ret.carrier, waybillNo: ret.waybillNo, lastCarrierStatus, lastUpdateAt, watchTimeoutMs: watchMs },
  });
  await activities.recordReturnProgress({ returnId: ret.returnId, status: 'review' });
  await ctx.record('RETURN_WATCH_EXPIRED', 'RETURN_REVIEW', { returnId: ret.returnId, taskId, lastCarrierStatus, lastUpdateAt, watchTimeoutMs: watchMs });
}

/** The review task was resolved with anything but "received": back to following the carrier. */
async function keepWaiting(returns: Returns, ret: ReturnRef, resolved: ReviewResolvedInput): Promise<void> {
  const { ctx } = returns;
  const move = moveOnReviewResolved(ret.status, returns.progressOf(ret).pickedUp);
  if (move) {
    ret.status = move.status;
    await activities.recordReturnProgress({ returnId: ret.returnId, status: ret.status });
  }
  await ctx.record('RETURN_REVIEW_RESOLVED', move?.orderStatus, {
    returnId: ret.returnId,
    taskId: resolved.taskId,
    resolution: resolved.resolution,
    ...(resolved.note ? { note: resolved.note } : {}),
  });
}

/** "72 h", "90 s": for the review task's reason. */
function describe(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round((ms / 60_000) * 10) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
