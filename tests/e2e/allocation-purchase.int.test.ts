/**
 * Urgent orders out of stock everywhere are bought on 1688 (the local simulator, which checks the request
 * signature) and booked into the local warehouse on receipt; without a supplier a person is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOf, orderIn, paidOrder, skuId, warehouseIn } from '../support/allocation-fixtures';
import { stockOf } from '../support/fixtures';
import { eventually, startStack, type Stack } from '../support/stack';

const SOLD_OUT_OFFER = '699999999999';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ purchasing: { pricesFen: { '610000000001': 1250 }, postFeeFen: 600, unavailableOffers: [SOLD_OUT_OFFER] } });
});
afterAll(async () => {
  await stack?.close();
});

async function reviewTasks(orderId: string, kind: string) {
  return (await stack.call('GET', `/v1/ops/review-tasks?state=all&kind=${kind}&orderId=${orderId}`)).body as { id: string; reason: string }[];
}

describe('1688 purchasing for urgent orders', () => {
  it('when an urgent order is out of stock everywhere, then a signed 1688 order is placed and the goods, once received, ship from the local warehouse', async () => {
    const sku = skuId('BUY');
    const supplier = { offerId: '610000000001', specId: 'b7e1c0ffee', pricePerUnitFen: 1200 };
    const put = await stack.call('PUT', `/v1/skus/${sku}`, { title: '保温杯 500ml', supplier });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ sku, title: '保温杯 500ml', safetyStock: 0, supplier });
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    await warehouseIn(stack, 'beijing', { [sku]: 0 });

    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 3 }, { urgent: true });
    const purchaseOrderId = `po-${orderId}`;
    const waiting = await eventually(async () => {
      const order = await orderIn(stack, orderId, 'AWAITING_PURCHASE');
      return eventOf(order, 'PURCHASE_ORDERED') ? order : undefined;
    });
    expect(waiting.allocation).toEqual({ rule: 'urgent-purchase', warehouseId: shanghai, purchaseOrderId });

    const purchase = (await stack.call('GET', `/v1/purchases/${purchaseOrderId}`)).body;
    expect(purchase).toMatchObject({
      orderId,
      warehouseId: shanghai,
      status: 'ordered',
      lines: [{ sku, quantity: 3, offerId: supplier.offerId, specId: supplier.specId, pricePerUnitFen: 1200 }],
      totalFen: 3 * 1250 + 600,
      postFeeFen: 600,
    });
    expect(purchase.supplierOrderId).toMatch(/^\d{19}$/);
    expect(eventOf(waiting, 'PURCHASE_ORDERED')?.detail).toMatchObject({ supplierOrderId: purchase.supplierOrderId, totalFen: 3 * 1250 + 600 });

    const placed = stack.purchasing.orders().filter((o) => o.outOrderId === purchaseOrderId);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      orderId: purchase.supplierOrderId,
      requests: 1,
      cargo: [{ offerId: supplier.offerId, specId: supplier.specId, quantity: 3 }],
      address: { provinceText: '上海市', cityText: '上海市', mobile: '057100000000' },
    });
    expect((await stack.call('GET', `/v1/purchases?orderId=${orderId}`)).body).toHaveLength(1);
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 0, reserved: 0 });

    const received = await stack.call('POST', `/v1/purchases/${purchaseOrderId}/received`);
    expect(received.status).toBe(200);
    expect(received.body.status).toBe('received');
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    expect((await stack.call('POST', `/v1/purchases/${purchaseOrderId}/received`)).status).toBe(409);

    const picking = await orderIn(stack, orderId, 'PICKING');
    expect(picking.allocation).toEqual({ rule: 'urgent-purchase', warehouseId: shanghai, purchaseOrderId });
    const types = picking.timeline.map((e: { type: string }) => e.type);
    expect(types.slice(types.indexOf('PURCHASE_CREATED'))).toEqual([
      'PURCHASE_CREATED',
      'PURCHASE_ORDERED',
      'PURCHASE_RECEIVED',
      'STOCK_RESERVED',
      'ALLOCATED',
      'PICK_TASK_CREATED',
    ]);
    // Bought once, however the workflow and activities retried.
    expect(stack.purchasing.orders().filter((o) => o.outOrderId === purchaseOrderId)).toEqual([expect.objectContaining({ requests: 1 })]);
  });

  it('when the order is not urgent, then nothing is bought and it waits as a backorder', async () => {
    const sku = skuId('NOBUY');
    await stack.call('PUT', `/v1/skus/${sku}`, { supplier: { offerId: '610000000002' } });
    await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 1 });
    const order = await orderIn(stack, orderId, 'BACKORDERED');
    expect(eventOf(order, 'BACKORDERED')?.detail).toMatchObject({ rule: 'backorder', reason: expect.stringMatching(/not urgent/) });
    expect((await stack.call('GET', `/v1/purchases?orderId=${orderId}`)).body).toEqual([]);
  });

  it('when an urgent order has no supplier, then a review task opens and it waits; once a supplier is set it is bought', async () => {
    const sku = skuId('NOSUP');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 2 }, { urgent: true });

    const order = await orderIn(stack, orderId, 'BACKORDERED');
    expect(eventOf(order, 'BACKORDERED')?.detail).toMatchObject({ rule: 'urgent-purchase', reason: expect.stringMatching(/no supplier for SKU/) });
    const [task] = await eventually(async () => {
      const tasks = await reviewTasks(orderId, 'allocation');
      return tasks.length ? tasks : undefined;
    });
    expect(task!.reason).toContain(sku);

    expect((await stack.call('PUT', `/v1/skus/${sku}`, { supplier: { offerId: '610000000003' } })).status).toBe(200);
    const buying = await orderIn(stack, orderId, 'AWAITING_PURCHASE');
    expect(buying.allocation).toEqual({ rule: 'urgent-purchase', warehouseId: shanghai, purchaseOrderId: `po-${orderId}` });
  });

  it('when 1688 refuses the order, then a review task opens, the order keeps waiting, and a manual purchase received later continues it', async () => {
    const sku = skuId('REFUSED');
    await stack.call('PUT', `/v1/skus/${sku}`, { supplier: { offerId: SOLD_OUT_OFFER } });
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 1 }, { urgent: true });

    const failed = await eventually(async () => {
      const order = await orderIn(stack, orderId, 'AWAITING_PURCHASE');
      return eventOf(order, 'PURCHASE_FAILED') ? order : undefined;
    });
    expect(eventOf(failed, 'PURCHASE_FAILED')?.detail).toMatchObject({ outcome: 'failed', code: 'SIM_ALL_OFFERS_FAILED' });
    expect((await stack.call('GET', `/v1/purchases/po-${orderId}`)).body).toMatchObject({ status: 'failed', error: expect.stringMatching(/^SIM_ALL_OFFERS_FAILED/) });
    expect(await reviewTasks(orderId, 'purchase-failed')).toEqual([expect.objectContaining({ id: `purchase-failed-po-${orderId}` })]);

    expect((await stack.call('POST', `/v1/purchases/po-${orderId}/received`)).status).toBe(200);
    expect((await orderIn(stack, orderId, 'PICKING')).allocation).toMatchObject({ warehouseId: shanghai });
  });

  it('when SKU master data is invalid, then a 400 names the field', async () => {
    const bad = await stack.call('PUT', `/v1/skus/${skuId('BAD')}`, { safetyStock: -1, supplier: { offerId: 'abc' }, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['json.safetyStock', 'json.supplier.offerId']));
    expect((await stack.call('GET', `/v1/skus/${skuId('NONE')}`)).status).toBe(404);
  });
});
