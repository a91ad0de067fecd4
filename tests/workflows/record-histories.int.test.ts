/**
 * `npm run histories:record`: runs representative orders to their end and writes their histories to
 * tests/histories/ for the replay test. Skipped in normal test runs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { canonicalOrderSchema } from '../../domain/order';
import { findTemporalCli } from '../../temporal/dev-server';
import { anOrder, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
let stack: Stack;

describe.runIf(process.env.RECORD_HISTORIES === '1')('recording histories', () => {
  beforeAll(async () => {
    stack = await startStack({ timings: { paymentTimeoutMs: 1_000 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function finish(orderId: string, status: string, name: string) {
    await eventually(async () => ((await stack.call('GET', `/v1/orders/${orderId}`)).body.status === status ? true : undefined), 60_000);
    await stack.orders.handle(orderId).result();
    // The CLI's JSON export is the format Worker.runReplayHistories reads back (historyFromJSON).
    const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    if (!cli) throw new Error('the Temporal CLI is needed to export histories');
    const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', `order-${orderId}`, '--address', inject('temporalAddress'), '--output', 'json']);
    writeFileSync(`${dir}${name}.json`, json);
  }

  it('records a completed order', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku, quantity: 2, unitPriceFen: 990 }] }));
    await stack.call('PATCH', `/v1/orders/${body.orderId}/address`, { province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路 1 号' });
    await stack.call('POST', `/v1/orders/${body.orderId}/payment`, {});
    const picking = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders/${body.orderId}`);
      return res.body.tasks[0] ? res.body : undefined;
    });
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await finish(body.orderId, 'COMPLETED', 'completed-order');
  });

  it('records a cancelled order', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    await eventually(async () => ((await stack.call('GET', `/v1/orders/${body.orderId}`)).body.status === 'PICKING' ? true : undefined));
    await stack.call('POST', `/v1/orders/${body.orderId}/cancel`, { reason: 'buyer asked' });
    await finish(body.orderId, 'CANCELLED', 'cancelled-order');
  });

  it('records a payment timeout and a backorder woken by stock', async () => {
    const sku = uniq('SKU');
    const { body: unpaid } = await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    await finish(unpaid.orderId, 'CANCELLED', 'payment-timeout');

    const warehouseId = await seedWarehouse(stack, { [sku]: 0 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    await eventually(async () => ((await stack.call('GET', `/v1/orders/${body.orderId}`)).body.status === 'BACKORDERED' ? true : undefined));
    await stack.call('PUT', `/v1/inventory/${warehouseId}/${sku}`, { onHand: 1 });
    const picking = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders/${body.orderId}`);
      return res.body.tasks[0] ? res.body : undefined;
    });
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await finish(body.orderId, 'COMPLETED', 'backorder-completed');
  });

  it('records a paid order held at acceptance (the push path), then completed', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const order = canonicalOrderSchema.parse(anOrder({ channel: 'douyin', paidAt: new Date().toISOString(), lines: [{ sku, quantity: 2, unitPriceFen: 990 }] }));
    const { orderId } = await stack.orders.accept(order, { hold: true });
    const picking = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders/${orderId}`);
      return res.body.tasks[0] ? res.body : undefined;
    });
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await finish(orderId, 'COMPLETED', 'held-order-completed');
  });

  it('records a paid duplicate merged into its primary (its hold released)', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const customer = { name: '赵六', phone: `139${String(Date.now()).slice(-8)}` };
    const at = Date.now();
    const primary = canonicalOrderSchema.parse(anOrder({ channel: 'taobao', customer, createdAt: new Date(at).toISOString(), paidAt: new Date(at).toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    await stack.orders.accept(primary, { hold: true });
    const duplicate = canonicalOrderSchema.parse(anOrder({ channel: 'pdd', customer, createdAt: new Date(at + 60_000).toISOString(), paidAt: new Date(at + 60_000).toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    const { orderId } = await stack.orders.accept(duplicate, { hold: true });
    await finish(orderId, 'MERGED', 'merged-duplicate');
  });
});
