/**
 * Returns end to end through the HTTP API, on the real stack: the carrier simulator pushes to the API's
 * webhook (signed), active tracking is slow here (60 s) so pushes and scans drive the returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { returnRequestedSignal } from '../../workflows/contract';
import { anOrder, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';
import { CARRIED_BACK_RETURN_STEPS, entries, getOrder, orderInStatus, quarantineOf, requestReturn, returnWaybill, shippedOrder, stockOfSku, types } from './returns-support';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    serveHttp: true,
    timings: { afterSaleWindowMs: 120_000, returnWatchTimeoutMs: 120_000, returnTrackingIntervalMs: 60_000 },
    // Return waybills stand still unless a test plans them.
    carrierTiming: { returnPickupAfterMs: 3_600_000, returnDeliverAfterMs: 3_600_000 },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('returns through the HTTP API', () => {
  it('when a delivered order is returned and the carrier reports pickup and receipt, then stock is back, purchasing told, refund recorded, RETURNED', async () => {
    const cup = uniq('CUP');
    const lid = uniq('LID');
    const { orderId, warehouseId } = await shippedOrder(
      stack,
      [
        { sku: cup, quantity: 2, unitPriceFen: 1999 },
        { sku: lid, quantity: 1, unitPriceFen: 500 },
      ],
      { spareStock: 3 },
    );
    expect(await stockOfSku(stack, warehouseId, cup)).toMatchObject({ onHand: 3, available: 3 });
    expect(await stockOfSku(stack, warehouseId, lid)).toMatchObject({ onHand: 3, available: 3 });

    const returnId = await requestReturn(
      stack,
      orderId,
      { lines: [{ sku: cup, quantity: 2 }, { sku: lid, quantity: 1 }], reason: '尺寸不合适' },
      { pickupAfterMs: 500, deliverAfterMs: 2_500 },
    );
    const requested = await getOrder(stack, orderId);
    expect(requested.returns).toEqual([
      expect.objectContaining({
        returnId,
        source: 'api',
        reason: '尺寸不合适',
        lines: [
          { sku: cup, quantity: 2, unitPriceFen: 1999 },
          { sku: lid, quantity: 1, unitPriceFen: 500 },
        ],
        warehouseId,
        refundFen: 2 * 1999 + 500,
      }),
    ]);
    expect(['RETURN_REQUESTED', 'RETURN_IN_TRANSIT']).toContain(requested.status);

    await orderInStatus(stack, orderId, 'RETURN_IN_TRANSIT');
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    const ret = returned.returns[0];
    expect(ret).toMatchObject({ status: 'received', receivedBy: 'carrier', carrier: 'sf', carrierStatus: 'delivered' });
    expect(ret.received).toEqual([
      { sku: cup, quantity: 2, condition: 'resaleable' },
      { sku: lid, quantity: 1, condition: 'resaleable' },
    ]);

    // Statuses in order, and a timeline entry for every step.
    expect(returned.timeline.filter((e: { status?: string }) => e.status).map((e: { status: string }) => e.status).slice(-4)).toEqual([
      'DELIVERED',
      'RETURN_REQUESTED',
      'RETURN_IN_TRANSIT',
      'RETURNED',
    ]);
    expect(types(returned)).toEqual(expect.arrayContaining([...CARRIED_BACK_RETURN_STEPS]));
    const updates = entries(returned, 'RETURN_CARRIER_UPDATE');
    expect(updates.map((e) => e.detail!.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
    expect(updates.every((e) => e.detail!.via === 'push')).toBe(true);
    expect(entries(returned, 'REFUND_WRITE_BACK')[0]!.detail).toMatchObject({ outcome: 'not_applicable' });

    // Resaleable units are available again at once in the warehouse that shipped them.
    expect(await stockOfSku(stack, warehouseId, cup)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect(await stockOfSku(stack, warehouseId, lid)).toMatchObject({ onHand: 4, available: 4 });

    const detail = await stack.call('GET', `/v1/returns/${returnId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      returnId,
      orderId,
      status: 'received',
      waybillNo: ret.waybillNo,
      receipt: { receivedBy: 'carrier' },
      refund: { amountFen: 4498, channel: 'manual', status: 'not_applicable' },
    });
    expect(detail.body.purchasingNotifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sku: cup, warehouseId, resaleable: 2, damaged: 0, kind: 'return-received', notifiedAt: expect.any(String) }),
        expect.objectContaining({ sku: lid, warehouseId, resaleable: 1, damaged: 0 }),
      ]),
    );
    expect(detail.body.purchasingNotifications).toHaveLength(2);
    const listed = await stack.call('GET', `/v1/returns?orderId=${orderId}`);
    expect(listed.body).toEqual([expect.objectContaining({ returnId, status: 'received' })]);
  });

  it('when part of an order is returned, then only those units come back and are refunded, and asking beyond what shipped is refused with 409', async () => {
    const cup = uniq('CUP');
    const lid = uniq('LID');
    const { orderId, warehouseId } = await shippedOrder(stack, [
      { sku: cup, quantity: 3, unitPriceFen: 1200 },
      { sku: lid, quantity: 1, unitPriceFen: 300 },
    ]);

    const beyond = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: cup, quantity: 4 }], reason: 'x' });
    expect(beyond.status).toBe(409);
    expect(beyond.body.error.message).toMatch(new RegExp(`${cup}: 4 requested, but only 3 of 3`));
    const unknown = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: 'NOT-IN-ORDER', quantity: 1 }], reason: 'x' });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.message).toMatch(/NOT-IN-ORDER was not shipped/);
    const invalid = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: cup, quantity: 0 }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['json.lines.0.quantity', 'json.reason']);

    const first = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: cup, quantity: 1 }], reason: '坏了一个' }, { 'idempotency-key': `rk-${orderId}` });
    expect(first.status).toBe(202);
    const replay = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: cup, quantity: 1 }], reason: '坏了一个' }, { 'idempotency-key': `rk-${orderId}` });
    expect(replay).toMatchObject({ status: 202, body: { returnId: first.body.returnId } });
    const whileOpen = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: lid, quantity: 1 }], reason: 'y' });
    expect(whileOpen.status).toBe(409);
    expect(whileOpen.body.error.message).toMatch(/still open/);

    const waybillNo = await returnWaybill(stack, orderId, first.body.returnId);
    await stack.carrier.sim.pushEvent(waybillNo, 'delivered');
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    expect(returned.returns).toHaveLength(1);
    expect(returned.returns[0]).toMatchObject({ refundFen: 1200, received: [{ sku: cup, quantity: 1, condition: 'resaleable' }] });
    expect(await stockOfSku(stack, warehouseId, cup)).toMatchObject({ onHand: 1, available: 1 });
    expect(await stockOfSku(stack, warehouseId, lid)).toMatchObject({ onHand: 0 });

    // The rest of the order may still come back, but not more than shipped.
    const tooMany = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: cup, quantity: 3 }], reason: 'z' });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.message).toMatch(/only 2 of 3 shipped units/);
    const second = await requestReturn(stack, orderId, { lines: [{ sku: cup, quantity: 2 }] });
    expect(second).not.toBe(first.body.returnId);
    const scan = await stack.call('POST', `/v1/returns/${second}/received`, { receivedBy: 'pda-7' });
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({ alreadyReceived: false, return: { returnId: second, status: 'received', receivedBy: 'warehouse', refundFen: 2400 } });
    expect(await stockOfSku(stack, warehouseId, cup)).toMatchObject({ onHand: 3, available: 3 });
    const order = await getOrder(stack, orderId);
    expect(order.returns.map((r: { refundFen: number }) => r.refundFen)).toEqual([1200, 2400]);
  });

  it('when the carrier callback and the warehouse scan both report receipt, then the stock is released exactly once', async () => {
    const sku = uniq('KETTLE');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 2, unitPriceFen: 8800 }]);
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 0 });
    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 2 }] });
    const waybillNo = await returnWaybill(stack, orderId, returnId);

    // Both at once: the push of "signed for" and the PDA scan (one unit damaged).
    const [push, scan] = await Promise.all([
      stack.carrier.sim.pushEvent(waybillNo, 'delivered'),
      stack.call('POST', `/v1/returns/${returnId}/received`, { lines: [{ sku, quantity: 1, condition: 'damaged' }] }),
    ]);
    expect(push.status).toBe(200);
    expect(scan.status).toBe(200);
    await orderInStatus(stack, orderId, 'RETURNED');

    // Whoever came first decided the conditions; either way every unit counted once.
    const stock = await stockOfSku(stack, warehouseId, sku);
    const quarantined = await quarantineOf(stack, warehouseId, sku);
    expect(stock.onHand + quarantined).toBe(2);

    // And again, both late: nothing moves.
    const [pushAgain, scanAgain] = await Promise.all([
      stack.carrier.sim.pushEvent(waybillNo, 'delivered'),
      stack.call('POST', `/v1/returns/${returnId}/received`, {}),
    ]);
    expect(pushAgain.status).toBe(200);
    expect(scanAgain).toMatchObject({ status: 200, body: { alreadyReceived: true, return: { status: 'received' } } });
    expect(await stockOfSku(stack, warehouseId, sku)).toEqual(stock);
    expect(await quarantineOf(stack, warehouseId, sku)).toBe(quarantined);
    const detail = await stack.call('GET', `/v1/returns/${returnId}`);
    expect(detail.body.purchasingNotifications).toHaveLength(1);
    expect(detail.body.purchasingNotifications[0]).toMatchObject({ resaleable: stock.onHand, damaged: quarantined });
    const order = await getOrder(stack, orderId);
    expect(entries(order, 'RETURN_RECEIVED')).toHaveLength(1);
    expect(entries(order, 'STOCK_RETURNED')).toHaveLength(1);
  });

  it('when the carrier signed for a return and the scan later reports damage, then stock is not moved twice and a person checks it', async () => {
    const sku = uniq('LAMP');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 2, unitPriceFen: 15000 }]);
    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 2 }] });
    await stack.carrier.sim.pushEvent(await returnWaybill(stack, orderId, returnId), 'delivered');
    await orderInStatus(stack, orderId, 'RETURNED');
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 2 });

    const late = await stack.call('POST', `/v1/returns/${returnId}/received`, { lines: [{ sku, quantity: 1, condition: 'damaged' }] });
    expect(late).toMatchObject({ status: 200, body: { alreadyReceived: true } });
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 2 });
    expect(await quarantineOf(stack, warehouseId, sku)).toBe(0);
    const tasks = await stack.call('GET', `/v1/ops/review-tasks?kind=return-condition-check&orderId=${orderId}`);
    expect(tasks.body).toEqual([expect.objectContaining({ kind: 'return-condition-check', data: expect.objectContaining({ returnId, damaged: [{ sku, quantity: 1 }] }) })]);

    const wrong = await stack.call('POST', `/v1/returns/${returnId}/received`, { lines: [{ sku: 'OTHER', quantity: 1, condition: 'damaged' }] });
    expect(wrong.status).toBe(409);
    expect((await stack.call('POST', '/v1/returns/ret-1-nope/received', {})).status).toBe(404);
  });

  it('when the warehouse scans damaged units, then they go to quarantine, not to available stock', async () => {
    const sku = uniq('VASE');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 3, unitPriceFen: 4000 }]);
    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 3 }] });
    await returnWaybill(stack, orderId, returnId);
    const scan = await stack.call('POST', `/v1/returns/${returnId}/received`, { lines: [{ sku, quantity: 2, condition: 'damaged' }], receivedBy: 'pda-2' });
    expect(scan.status).toBe(200);
    expect(scan.body.return.received).toEqual([
      { sku, quantity: 1, condition: 'resaleable' },
      { sku, quantity: 2, condition: 'damaged' },
    ]);
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 1, available: 1 });
    expect(await quarantineOf(stack, warehouseId, sku)).toBe(2);
    const order = await orderInStatus(stack, orderId, 'RETURNED');
    expect(entries(order, 'STOCK_RETURNED')[0]!.detail).toMatchObject({ restocked: [{ sku, quantity: 1 }], quarantined: [{ sku, quantity: 2 }] });
    // The buyer is refunded for every unit that came back.
    expect(order.returns[0].refundFen).toBe(12000);
  });

  it('when returned units come back, then an order backordered for that SKU is woken and allocated there', async () => {
    const sku = uniq('RARE');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 1, unitPriceFen: 9900 }]);
    const waiting = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 9900 }] }));
    await orderInStatus(stack, waiting.body.orderId, 'BACKORDERED');

    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 1 }] });
    await stack.carrier.sim.pushEvent(await returnWaybill(stack, orderId, returnId), 'delivered');
    await orderInStatus(stack, orderId, 'RETURNED');
    const woken = await orderInStatus(stack, waiting.body.orderId, 'PICKING');
    expect(woken.allocation.warehouseId).toBe(warehouseId);
    const order = await getOrder(stack, orderId);
    expect(entries(order, 'STOCK_RETURNED')[0]!.detail).toMatchObject({ restocked: [{ sku, quantity: 1 }] });
  });

  it('when the buyer refused the parcel at the door, then the whole parcel comes back while SHIPPED, without waiting for delivery', async () => {
    const sku = uniq('BOX');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 2, unitPriceFen: 700 }], { deliver: false });
    const early = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku, quantity: 2 }], reason: 'x' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/SHIPPED; returns open once it is delivered/);
    const partial = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku, quantity: 1 }], reason: 'x', refusedByBuyer: true });
    expect(partial.status).toBe(409);

    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 2 }], reason: '拒收', refusedByBuyer: true }, { pickupAfterMs: 300, deliverAfterMs: 1_500 });
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    expect(returned.returns[0]).toMatchObject({ returnId, refusedByBuyer: true, status: 'received' });
    expect(types(returned)).not.toContain('DELIVERED');
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 2, available: 2 });
  });

  it('when a platform sends a refund/return request, then it takes the same path; redeliveries are ignored and a request the order cannot take goes to a person', async () => {
    const sku = uniq('TEA');
    const { orderId, warehouseId } = await (async () => {
      const wh = await seedWarehouse(stack, { [sku]: 2 });
      const created = await stack.call('POST', '/v1/orders', anOrder({ channel: 'taobao', paidAt: new Date().toISOString(), lines: [{ sku, quantity: 2, unitPriceFen: 3300 }] }));
      const id = created.body.orderId as string;
      const picking = await orderInStatus(stack, id, 'PICKING');
      await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
      await orderInStatus(stack, id, 'DELIVERED');
      return { orderId: id, warehouseId: wh };
    })();
    const handle = stack.orders.handle(orderId);

    await handle.signal(returnRequestedSignal, { externalId: 'TB-RF-1', reason: '七天无理由', lines: [{ sku, quantity: 5 }] });
    await eventually(async () => {
      const tasks = await stack.call('GET', `/v1/ops/review-tasks?kind=return-request-refused&orderId=${orderId}`);
      return tasks.body.length === 1 ? tasks.body : undefined;
    });
    await handle.signal(returnRequestedSignal, { externalId: 'TB-RF-2', reason: '七天无理由' });
    await handle.signal(returnRequestedSignal, { externalId: 'TB-RF-2', reason: '七天无理由' });
    const requested = await orderInStatus(stack, orderId, 'RETURN_REQUESTED');
    expect(requested.returns).toEqual([expect.objectContaining({ source: 'channel', externalId: 'TB-RF-2', lines: [{ sku, quantity: 2, unitPriceFen: 3300 }] })]);
    expect(entries(requested, 'RETURN_REQUEST_REFUSED')[0]!.detail).toMatchObject({ externalId: 'TB-RF-1' });

    await returnWaybill(stack, orderId, requested.returns[0].returnId);
    await stack.call('POST', `/v1/returns/${requested.returns[0].returnId}/received`, {});
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    expect(returned.returns).toHaveLength(1);
    // The order came from no connected store: the refund is recorded and a person refunds it on the platform.
    expect(entries(returned, 'REFUND_WRITE_BACK')[0]!.detail).toMatchObject({ outcome: 'manual' });
    const refundTasks = await stack.call('GET', `/v1/ops/review-tasks?kind=refund-writeback&orderId=${orderId}`);
    expect(refundTasks.body).toEqual([expect.objectContaining({ kind: 'refund-writeback', reason: expect.stringMatching(/no connected store/) })]);
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 2 });
  });
});
