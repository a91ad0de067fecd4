import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalOrderInput } from '../../domain/order';
import { anOrder, aPhone, orderInStatus, seedWarehouse, stockOf } from '../support/fixtures';
import { startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  // Deliveries arrive only as carrier pushes (tracking is too slow to matter here): a merged parcel's push
  // must reach every order on its waybill.
  stack = await startStack({ serveHttp: true, timings: { trackingIntervalMs: 10 * 60_000 } });
});
afterAll(async () => {
  await stack?.close();
});


async function post(order: CanonicalOrderInput): Promise<string> {
  const res = await stack.call('POST', '/v1/orders', order);
  expect(res.status).toBe(202);
  return res.body.orderId;
}

/** Two different orders (not duplicates: other SKUs) of one buyer, to one address, in one store. */
function buyer(storeId: string) {
  const customer = { name: '赵六', phone: aPhone() };
  const shippingAddress = { province: '浙江省', city: '杭州市', district: '滨江区', detail: '江南大道 3588 号 2 幢' };
  return (sku: string, quantity = 1, overrides: Partial<CanonicalOrderInput> = {}) =>
    anOrder({ channel: 'taobao', storeId, customer, shippingAddress, paidAt: new Date().toISOString(), lines: [{ sku, quantity, unitPriceFen: 1000 }], ...overrides });
}

const pickTaskOf = async (orderId: string) => (await orderInStatus(stack, orderId, 'PICKING')).tasks[0].taskId as string;

describe('same-buyer shipment merge (合单)', () => {
  it('when the store has not turned it on, then each order of the same buyer has its own pick task and waybill', async () => {
    const storeId = uniq('shop');
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    await seedWarehouse(stack, { [cup]: 5, [lid]: 5 });
    expect(await stack.call('GET', `/v1/stores/${storeId}/shipment-merge`)).toMatchObject({ status: 200, body: { storeId, enabled: false } });
    const order = buyer(storeId);
    const first = await post(order(cup));
    const second = await post(order(lid));

    const [taskA, taskB] = [await pickTaskOf(first), await pickTaskOf(second)];
    expect(taskA).not.toBe(taskB);
    for (const taskId of [taskA, taskB]) expect((await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {})).status).toBe(202);
    const [a, b] = [await orderInStatus(stack, first, ['SHIPPED', 'DELIVERED', 'COMPLETED']), await orderInStatus(stack, second, ['SHIPPED', 'DELIVERED', 'COMPLETED'])];
    expect(a.shipments[0].waybillNo).not.toBe(b.shipments[0].waybillNo);
  });

  it('when the store merges shipments, then orders of one receiver share one pick task and one waybill and each completes on its own', async () => {
    const storeId = uniq('shop');
    const [cup, lid, bag] = [uniq('CUP'), uniq('LID'), uniq('BAG')];
    const warehouseId = await seedWarehouse(stack, { [cup]: 5, [lid]: 5, [bag]: 5 });
    const put = await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: true });
    expect(put).toMatchObject({ status: 200, body: { storeId, enabled: true } });
    expect((await stack.call('GET', `/v1/stores/${storeId}/shipment-merge`)).body.enabled).toBe(true);

    const order = buyer(storeId);
    const first = await post(order(cup, 2));
    const taskId = await pickTaskOf(first);
    // The same receiver, written the way another order form writes it.
    const { phone } = order(cup).customer;
    const second = await post(order(lid, 1, { customer: { name: ' 赵六 ', phone: phone.replace(/[\s-]/g, '') } }));
    expect(await pickTaskOf(second)).toBe(taskId);
    // Another address of the same buyer is another parcel.
    const elsewhere = await post(order(bag, 1, { shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' } }));
    expect(await pickTaskOf(elsewhere)).not.toBe(taskId);

    const task = await stack.call('GET', `/v1/warehouse/tasks/${taskId}`);
    expect([...task.body.lines].sort((x: { sku: string }, y: { sku: string }) => x.sku.localeCompare(y.sku))).toEqual(
      [
        { sku: cup, quantity: 2 },
        { sku: lid, quantity: 1 },
      ].sort((x, y) => x.sku.localeCompare(y.sku)),
    );
    const secondState = await stack.call('GET', `/v1/orders/${second}`);
    expect(secondState.body.timeline).toContainEqual(expect.objectContaining({ type: 'PICK_TASK_CREATED', detail: expect.objectContaining({ taskId, withOrders: [first] }) }));

    // One confirmation from the PDA packs both orders.
    expect((await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {})).status).toBe(202);
    const [a, b] = [await orderInStatus(stack, first, 'COMPLETED'), await orderInStatus(stack, second, 'COMPLETED')];
    expect(a.shipments).toHaveLength(1);
    expect(b.shipments[0].waybillNo).toBe(a.shipments[0].waybillNo);
    expect(a.timeline.map((e: { type: string }) => e.type)).toEqual(['ORDER_RECEIVED', 'PAYMENT_CONFIRMED', 'STOCK_HELD', 'STOCK_RESERVED', 'ALLOCATED', 'PICK_TASK_CREATED', 'PACKED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
    expect(await stockOf(stack, warehouseId, cup)).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await stockOf(stack, warehouseId, lid)).toMatchObject({ onHand: 4, reserved: 0 });
    // The parcel to the other address is still waiting for its own pick.
    expect((await stack.call('GET', `/v1/orders/${elsewhere}`)).body.status).toBe('PICKING');
  });

  it('when one order of a merged parcel is cancelled before the pick, then its lines come off the shared task and the other still ships', async () => {
    const storeId = uniq('shop');
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    const warehouseId = await seedWarehouse(stack, { [cup]: 5, [lid]: 5 });
    await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: true });
    const order = buyer(storeId);
    const kept = await post(order(cup));
    const taskId = await pickTaskOf(kept);
    const dropped = await post(order(lid));
    expect(await pickTaskOf(dropped)).toBe(taskId);

    expect((await stack.call('POST', `/v1/orders/${dropped}/cancel`, { reason: 'buyer changed mind' })).status).toBe(200);
    const task = await stack.call('GET', `/v1/warehouse/tasks/${taskId}`);
    expect(task.body).toMatchObject({ status: 'open', lines: [{ sku: cup, quantity: 1 }] });
    expect(await stockOf(stack, warehouseId, lid)).toMatchObject({ reserved: 0 });

    await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {});
    expect((await orderInStatus(stack, kept, ['SHIPPED', 'DELIVERED', 'COMPLETED'])).shipments).toHaveLength(1);
    expect((await stack.call('GET', `/v1/orders/${dropped}`)).body.status).toBe('CANCELLED');
  });

  it('when the store turns merging off again, then new orders ship alone; a bad setting is a 400', async () => {
    const storeId = uniq('shop');
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    await seedWarehouse(stack, { [cup]: 5, [lid]: 5 });
    await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: true });
    expect((await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: false })).body.enabled).toBe(false);
    const order = buyer(storeId);
    const first = await post(order(cup));
    const second = await post(order(lid));
    expect(await pickTaskOf(first)).not.toBe(await pickTaskOf(second));

    const bad = await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['json.enabled']);
  });
});
