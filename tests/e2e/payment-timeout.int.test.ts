import { afterAll, beforeAll, expect, it } from 'vitest';
import { anOrder, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ timings: { paymentTimeoutMs: 1_500 } });
});
afterAll(async () => {
  await stack?.close();
});

it('when an order stays unpaid past the payment timeout, then it is cancelled and cannot be paid any more', async () => {
  const sku = uniq('SKU');
  await seedWarehouse(stack, { [sku]: 3 });
  const { body } = await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
  const cancelled = await eventually(async () => {
    const res = await stack.call('GET', `/v1/orders/${body.orderId}`);
    return res.body.status === 'CANCELLED' ? res.body : undefined;
  });
  expect(cancelled.cancelReason).toBe('payment timeout');
  expect((await stack.call('POST', `/v1/orders/${body.orderId}/payment`, {})).status).toBe(409);
});
