/**
 * The live-stream case through the whole stack: a hot SKU with 100 units in two warehouses and 1,000 paid orders
 * for it at once, pushed through the intake (accepted, held, workflow started behind by the order starter). The
 * holds must sell exactly the 100 units the moment the orders are accepted, long before their workflows run, and
 * the workflows must then turn exactly those 100 holds into reservations and backorder the other 900.
 *
 * Hangzhou (the receivers' city) and Beijing are over 1,000 km apart, beyond the default transfer reach: an order
 * held in Beijing ships from Beijing, none waits for a transfer.
 */
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orders, stockHolds } from '../../db/schema';
import { canonicalOrderSchema } from '../../domain/order-schema';
import { anOrder, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const ORDERS = 1_000;

it('when 1,000 paid orders for one unit each arrive at once for 100 units in two warehouses, then exactly 100 are held at acceptance, 100 reserved and 900 backordered', async () => {
  const sku = uniq('HOT');
  const hangzhou = await seedWarehouse(stack, { [sku]: 50 });
  const beijing = await seedWarehouse(stack, { [sku]: 50 }, { province: '北京市', city: '北京市', lat: 39.9, lng: 116.4 });

  const started = Date.now();
  const accepted = await Promise.all(
    Array.from({ length: ORDERS }, () =>
      stack.orders.accept(canonicalOrderSchema.parse(anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] })), { hold: true }),
    ),
  );
  const acceptedMs = Date.now() - started;
  expect(accepted.every((a) => a.created)).toBe(true);
  const ids = accepted.map((a) => a.orderId);
  expect(new Set(ids).size).toBe(ORDERS);

  // Right after acceptance, whatever the workflows have done meanwhile: all 100 units are committed (held, or
  // already converted into reservations), none is left on sale, none oversold.
  const stock = await stack.call('GET', `/v1/inventory?sku=${sku}`);
  expect(stock.status).toBe(200);
  const rows = stock.body as { warehouseId: string; onHand: number; reserved: number; held: number; available: number }[];
  expect(rows.map((r) => r.warehouseId).sort()).toEqual([hangzhou, beijing].sort());
  for (const r of rows) {
    expect(r).toMatchObject({ onHand: 50, available: 0 });
    expect(r.reserved).toBeGreaterThanOrEqual(0);
    expect(r.held).toBeGreaterThanOrEqual(0);
    expect(r.reserved + r.held).toBe(50);
  }
  // One unit held for each of exactly 100 orders (a hold may already be converted, never released).
  const holds = await holdsByStatus(ids);
  expect(holds.released ?? 0).toBe(0);
  expect((holds.held ?? 0) + (holds.converted ?? 0)).toBe(100);

  const statuses = await eventually(
    async () => {
      const mine = await stack.db.select({ orderId: orders.orderId, status: orders.status }).from(orders).where(inArray(orders.orderId, ids));
      return mine.filter((o) => o.status === 'PICKING' || o.status === 'BACKORDERED').length === ORDERS ? mine : undefined;
    },
    300_000,
    `all ${ORDERS} orders to be reserved or backordered`,
  );
  const settledMs = Date.now() - started;
  expect(statuses.filter((o) => o.status === 'PICKING')).toHaveLength(100);
  expect(statuses.filter((o) => o.status === 'BACKORDERED')).toHaveLength(900);

  const after = (await stack.call('GET', `/v1/inventory?sku=${sku}`)).body as typeof rows;
  expect(after.reduce((sum, r) => sum + r.reserved, 0)).toBe(100);
  for (const r of after) expect(r).toMatchObject({ onHand: 50, reserved: 50, held: 0, available: 0 });
  expect(await holdsByStatus(ids)).toEqual({ converted: 100 });
  console.info(`hot SKU: ${ORDERS} orders accepted in ${acceptedMs} ms, all reserved or backordered after ${settledMs} ms`);
});

async function holdsByStatus(orderIds: string[]): Promise<Record<string, number>> {
  const rows = await stack.db
    .select({ status: stockHolds.status, n: sql<number>`count(*)::int` })
    .from(stockHolds)
    .where(inArray(stockHolds.orderId, orderIds))
    .groupBy(stockHolds.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
