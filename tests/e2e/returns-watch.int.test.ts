/**
 * The return watch (no logistics update for RETURN_WATCH_TIMEOUT → a review task, and the workflow keeps
 * waiting) and active reverse tracking, with durations in seconds: watch 8 s, tracking every 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startStack, uniq, type Stack } from '../support/stack';
import { entries, orderInStatus, requestReturn, returnWaybill, shippedOrder, stockOfSku } from './returns-support';

const WATCH_MS = 8_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    serveHttp: true,
    timings: { afterSaleWindowMs: 300_000, returnWatchTimeoutMs: WATCH_MS, returnTrackingIntervalMs: 1_000 },
    carrierTiming: { returnPickupAfterMs: 3_600_000, returnDeliverAfterMs: 3_600_000 },
  });
});
afterAll(async () => {
  await stack?.close();
});

const at = (entry: { at: string } | undefined) => Date.parse(entry!.at);

async function reviewTasks(orderId: string, state = 'open') {
  const res = await stack.call('GET', `/v1/ops/review-tasks?kind=return-stalled&orderId=${orderId}&state=${state}`);
  expect(res.status).toBe(200);
  return res.body as { id: string; kind: string; reason: string; data: Record<string, unknown>; resolution?: string }[];
}

describe('the return watch and active reverse tracking', () => {
  it('when no logistics update comes within the watch, then the order goes to RETURN_REVIEW with a task, keeps waiting, and "received" completes it', async () => {
    const sku = uniq('MUG');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 2, unitPriceFen: 2500 }]);
    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 2 }] }); // never collected
    const waybillNo = await returnWaybill(stack, orderId, returnId);

    const review = await orderInStatus(stack, orderId, 'RETURN_REVIEW', 60_000);
    const [expired] = entries(review, 'RETURN_WATCH_EXPIRED');
    expect(expired!.detail).toMatchObject({ returnId, lastCarrierStatus: 'none', watchTimeoutMs: WATCH_MS });
    expect(at(expired) - at(entries(review, 'RETURN_WAYBILL_CREATED')[0])).toBeGreaterThanOrEqual(WATCH_MS - 50);
    const [task] = await reviewTasks(orderId);
    expect(task).toMatchObject({
      id: expired!.detail!.taskId,
      kind: 'return-stalled',
      reason: expect.stringMatching(new RegExp(`return ${returnId}: no logistics update for 8 s; last carrier status: none`)),
      data: expect.objectContaining({ returnId, waybillNo, carrier: 'sf', lastCarrierStatus: 'none' }),
    });

    // Ops find it in the Temporal UI by the search attribute.
    const workflowId = stack.orders.workflowId(orderId);
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: `OrderStatus = "RETURN_REVIEW" AND TaskQueue = "${stack.taskQueue}"` })) found.push(wf.workflowId);
      return found.includes(workflowId) ? found : undefined;
    }, 30_000, 'the workflow to be listed with OrderStatus=RETURN_REVIEW');

    // A person says "keep waiting": the watch starts over, and expires again into a second task.
    const keep = await stack.call('POST', `/v1/ops/review-tasks/${task!.id}/resolve`, { resolution: 'keep-waiting', note: '已联系顺丰' });
    expect(keep.status).toBe(200);
    await orderInStatus(stack, orderId, 'RETURN_REQUESTED');
    const again = await eventually(async () => {
      const open = await reviewTasks(orderId);
      return open.length === 1 && open[0]!.id !== task!.id ? open[0] : undefined;
    }, 60_000, 'a second stalled-return task');
    const reviewAgain = await orderInStatus(stack, orderId, 'RETURN_REVIEW');
    expect(entries(reviewAgain, 'RETURN_REVIEW_RESOLVED')[0]!.detail).toMatchObject({ resolution: 'keep-waiting', note: '已联系顺丰' });
    expect(entries(reviewAgain, 'RETURN_WATCH_EXPIRED')).toHaveLength(2);
    expect((await stack.client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 0 });

    // The goods turn out to be in the warehouse: resolving with "received" completes the return.
    const received = await stack.call('POST', `/v1/ops/review-tasks/${again!.id}/resolve`, { resolution: 'received', note: '仓库已签收' });
    expect(received.status).toBe(200);
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    expect(returned.returns[0]).toMatchObject({ status: 'received', receivedBy: 'review' });
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 2, available: 2 });
  });

  it('when a logistics update arrives before the watch expires, then the watch starts over from that update', async () => {
    const sku = uniq('PAN');
    const { orderId } = await shippedOrder(stack, [{ sku, quantity: 1, unitPriceFen: 6000 }]);
    // Picked up 2 s after booking, then silence.
    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 1 }] }, { pickupAfterMs: 2_000, deliverAfterMs: null });
    const waybillNo = await returnWaybill(stack, orderId, returnId);

    const review = await orderInStatus(stack, orderId, 'RETURN_REVIEW', 60_000);
    const pickup = entries(review, 'RETURN_CARRIER_UPDATE').find((e) => e.detail!.kind === 'picked_up');
    expect(pickup?.status).toBe('RETURN_IN_TRANSIT');
    const [expired] = entries(review, 'RETURN_WATCH_EXPIRED');
    expect(expired!.detail).toMatchObject({ lastCarrierStatus: 'picked_up' });
    // Counted from the pickup, not from the booking: without the restart it would have expired ~2 s earlier.
    expect(at(expired) - at(pickup)).toBeGreaterThanOrEqual(WATCH_MS - 50);
    expect(at(expired) - at(entries(review, 'RETURN_WAYBILL_CREATED')[0])).toBeGreaterThanOrEqual(WATCH_MS + 1_500);

    // The carrier moves again while a person is looking: back in transit, the task closes itself.
    const push = await stack.carrier.sim.pushEvent(waybillNo, 'in_transit');
    expect(push.status).toBe(200);
    await orderInStatus(stack, orderId, 'RETURN_IN_TRANSIT');
    const [closed] = await reviewTasks(orderId, 'resolved');
    expect(closed).toMatchObject({ id: expired!.detail!.taskId, resolution: expect.stringMatching(/^superseded/) });
    expect(await reviewTasks(orderId)).toEqual([]);

    await stack.carrier.sim.pushEvent(waybillNo, 'delivered');
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    expect(returned.returns[0]).toMatchObject({ receivedBy: 'carrier', carrierStatus: 'delivered' });
  });

  it('when the carrier never calls back, then active tracking sees the pickup and the receipt', async () => {
    const sku = uniq('FAN');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 1, unitPriceFen: 19900 }]);
    stack.carrier.sim.setCallbacks(false);
    try {
      const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 1 }] }, { pickupAfterMs: 300, deliverAfterMs: 2_000 });
      const returned = await orderInStatus(stack, orderId, 'RETURNED');
      const updates = entries(returned, 'RETURN_CARRIER_UPDATE');
      expect(updates.map((e) => e.detail!.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
      expect(updates.every((e) => e.detail!.via === 'tracking')).toBe(true);
      expect(returned.returns[0]).toMatchObject({ returnId, receivedBy: 'carrier' });
      expect(entries(returned, 'RETURN_WATCH_EXPIRED')).toEqual([]);
      expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 1, available: 1 });
      // The simulator confirms no push was ever acknowledged for the reverse waybill.
      const sim = stack.carrier.sim.waybills().find((w) => w.orderId === returnId);
      expect(sim?.direction).toBe('return');
    } finally {
      stack.carrier.sim.setCallbacks(true);
    }
  });
});
