import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrder, orderInStatus, seedWarehouse, stockOf } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});


describe('order lifecycle through the HTTP API', () => {
  it('when an order is paid, picked and delivered, then it completes and the stock leaves the warehouse', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 10 });
    const created = await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku, quantity: 3, unitPriceFen: 1999 }] }));
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'PENDING_PAYMENT', workflowId: `order-${created.body.orderId}` });
    const { orderId } = created.body;

    const paid = await stack.call('POST', `/v1/orders/${orderId}/payment`, { reference: 'wx-pay-1' });
    expect(paid.status).toBe(200);
    const picking = await orderInStatus(stack, orderId, 'PICKING');
    expect(picking.allocation).toMatchObject({ warehouseId });
    expect(picking.tasks).toHaveLength(1);
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });

    const task = await stack.call('GET', `/v1/warehouse/tasks/${picking.tasks[0].taskId}`);
    expect(task.body.lines).toEqual([{ sku, quantity: 3 }]);
    const done = await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    expect(done.status).toBe(202);

    const shipped = await orderInStatus(stack, orderId, 'DELIVERED');
    expect(shipped.shipments[0]).toMatchObject({ carrier: 'sf', direction: 'forward', status: 'delivered' });
    // The closed pick task is no longer listed, unless every task is asked for.
    expect(shipped.tasks).toEqual([]);
    const history = await stack.call('GET', `/v1/orders/${orderId}?tasks=all`);
    expect(history.body.tasks).toEqual([expect.objectContaining({ taskId: picking.tasks[0].taskId, kind: 'pick', status: 'completed' })]);
    expect((await stack.call('GET', `/v1/orders/${orderId}?tasks=some`)).status).toBe(400);
    const completed = await orderInStatus(stack, orderId, 'COMPLETED');
    expect(completed.timeline.map((e: { type: string }) => e.type)).toEqual([
      'ORDER_RECEIVED',
      'PAYMENT_CONFIRMED',
      'STOCK_RESERVED',
      'ALLOCATED',
      'PICK_TASK_CREATED',
      'PACKED',
      'SHIPPED',
      'DELIVERED',
      'COMPLETED',
    ]);
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });

    // The list reads the PostgreSQL projection, which follows the workflow within moments.
    const listed = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders?status=COMPLETED&warehouseId=${warehouseId}`);
      return res.body.items.length ? res.body.items : undefined;
    });
    expect(listed).toEqual([expect.objectContaining({ orderId, status: 'COMPLETED', channel: 'manual' })]);
  });

  it('when an order is cancelled before shipment, then its reserved stock is released', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 2, unitPriceFen: 500 }] }));
    await orderInStatus(stack, body.orderId, 'PICKING');
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 2 });

    const cancelled = await stack.call('POST', `/v1/orders/${body.orderId}/cancel`, { reason: 'buyer changed mind' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'buyer changed mind', tasks: [] });
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });

    const again = await stack.call('POST', `/v1/orders/${body.orderId}/cancel`, { reason: 'twice' });
    expect(again.status).toBe(409);
  });

  it('when the address changes before shipment it is accepted, and after shipment it is refused with 409', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    const picking = await orderInStatus(stack, body.orderId, 'PICKING');

    const newAddress = { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' };
    const changed = await stack.call('PATCH', `/v1/orders/${body.orderId}/address`, newAddress);
    expect(changed.status).toBe(200);
    expect(changed.body.shippingAddress).toMatchObject(newAddress);

    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await orderInStatus(stack, body.orderId, ['SHIPPED', 'DELIVERED', 'COMPLETED']);
    const refused = await stack.call('PATCH', `/v1/orders/${body.orderId}/address`, newAddress);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/can no longer change/);
    const cancel = await stack.call('POST', `/v1/orders/${body.orderId}/cancel`, { reason: 'too late' });
    expect(cancel.status).toBe(409);
  });

  it('when no warehouse has the stock, then the order is backordered until stock arrives', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 0 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 4, unitPriceFen: 100 }] }));
    await orderInStatus(stack, body.orderId, 'BACKORDERED');

    await stack.call('PUT', `/v1/inventory/${warehouseId}/${sku}`, { onHand: 4 });
    const picking = await orderInStatus(stack, body.orderId, 'PICKING');
    expect(picking.allocation.warehouseId).toBe(warehouseId);
  });

  it('when the same channel order is posted again, then it is the same order (200), and an Idempotency-Key is honoured', async () => {
    const sku = uniq('SKU');
    const order = anOrder({ lines: [{ sku, quantity: 1, unitPriceFen: 100 }] });
    const first = await stack.call('POST', '/v1/orders', order, { 'idempotency-key': `k-${order.channelOrderId}` });
    const second = await stack.call('POST', '/v1/orders', order);
    const replay = await stack.call('POST', '/v1/orders', order, { 'idempotency-key': `k-${order.channelOrderId}` });
    expect(first.status).toBe(202);
    expect(second).toMatchObject({ status: 200, body: { orderId: first.body.orderId } });
    expect(replay).toMatchObject({ status: 200, body: { orderId: first.body.orderId } });

    const misuse = await stack.call('POST', '/v1/orders', { ...order, channelOrderId: uniq('T') }, { 'idempotency-key': `k-${order.channelOrderId}` });
    expect(misuse.status).toBe(422);
  });

  it('when input is bad, then a 4xx names the field, and unknown orders are 404', async () => {
    const bad = await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku: 'X', quantity: 0, unitPriceFen: 1.5 }] }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['json.lines.0.quantity', 'json.lines.0.unitPriceFen']);
    expect((await stack.call('POST', '/v1/orders', '{not json')).status).toBe(400);
    expect((await stack.call('GET', '/v1/orders/manual-nope')).status).toBe(404);
    expect((await stack.call('POST', '/v1/orders/manual-nope/payment', {})).status).toBe(404);
    const noKey = await stack.app.request('/v1/orders');
    expect(noKey.status).toBe(401);
  });
});
