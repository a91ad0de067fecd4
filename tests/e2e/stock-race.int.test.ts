import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orders } from '../../db/schema';
import { anOrder, seedWarehouse, stockOf } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

it('when 200 paid orders race for 50 units, then exactly 50 are reserved and 150 are backordered', async () => {
  const sku = uniq('SKU');
  const warehouseId = await seedWarehouse(stack, { [sku]: 50 });
  const posted = await Promise.all(
    Array.from({ length: 200 }, () =>
      stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] })),
    ),
  );
  expect(posted.every((r) => r.status === 202)).toBe(true);
  const ids = new Set(posted.map((r) => r.body.orderId as string));

  const statuses = await eventually(
    async () => {
      const mine = await stack.db.select({ orderId: orders.orderId, status: orders.status }).from(orders).where(inArray(orders.orderId, [...ids]));
      const settled = mine.filter((o) => o.status === 'PICKING' || o.status === 'BACKORDERED');
      return settled.length === 200 ? mine : undefined;
    },
    90_000,
    'all 200 orders to be reserved or backordered',
  );
  expect(statuses.filter((o) => o.status === 'PICKING')).toHaveLength(50);
  expect(statuses.filter((o) => o.status === 'BACKORDERED')).toHaveLength(150);
  expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
});
