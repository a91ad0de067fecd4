/**
 * `npm run histories:record`: runs representative orders to their end and writes their histories to
 * tests/histories/ for the replay test. Skipped in normal test runs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { canonicalOrderSchema } from '../../domain/order-schema';
import { findTemporalCli } from '../../temporal/dev-server';
import { orderWorkflowId, waveWorkflowId } from '../../workflows/contract';
import { receiveTransfer } from '../../db/queries/transfers';
import { anOrder, aPhone, seedWarehouse } from '../support/fixtures';
import { eventOf, orderIn, paidOrder, skuId, warehouseIn } from '../support/allocation-fixtures';
import { eventually, startStack, uniq, type Stack, type StackOptions } from '../support/stack';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
let stack: Stack;

describe.runIf(process.env.RECORD_HISTORIES === '1')('recording histories', () => {
  beforeAll(async () => {
    stack = await startStack({ timings: { paymentTimeoutMs: 1_000 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function finish(orderId: string, status: string, name: string, on: Stack = stack) {
    await eventually(async () => ((await on.call('GET', `/v1/orders/${orderId}`)).body.status === status ? true : undefined), 60_000);
    await on.orders.handle(orderId).result();
    // The CLI's JSON export is the format Worker.runReplayHistories reads back (historyFromJSON).
    const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    if (!cli) throw new Error('the Temporal CLI is needed to export histories');
    const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', orderWorkflowId(orderId), '--address', inject('temporalAddress'), '--output', 'json']);
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
    const { orderId: primaryId } = await stack.orders.accept(primary, { hold: true });
    // The primary claims its fingerprint first (both workflows start together otherwise, and either may win).
    await orderIn(stack, primaryId, 'PICKING');
    const duplicate = canonicalOrderSchema.parse(anOrder({ channel: 'pdd', customer, createdAt: new Date(at + 60_000).toISOString(), paidAt: new Date(at + 60_000).toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    const { orderId } = await stack.orders.accept(duplicate, { hold: true });
    await finish(orderId, 'MERGED', 'merged-duplicate');
  });

  /** A stack of its own, for paths that need other business durations. */
  async function withStack(options: StackOptions, run: (s: Stack) => Promise<void>) {
    const own = await startStack(options);
    try {
      await run(own);
    } finally {
      await own.close();
    }
  }

  /** A paid order, picked, shipped and delivered. */
  async function deliveredOrder(s: Stack, lines: { sku: string; quantity: number; unitPriceFen: number }[]): Promise<string> {
    await seedWarehouse(s, Object.fromEntries(lines.map((l) => [l.sku, l.quantity])));
    const { body } = await s.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines }));
    const picking = await orderIn(s, body.orderId, 'PICKING');
    await s.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await orderIn(s, body.orderId, 'DELIVERED');
    return body.orderId as string;
  }

  const returnTimings: StackOptions = {
    serveHttp: true,
    timings: { afterSaleWindowMs: 20_000, returnWatchTimeoutMs: 3_000, returnTrackingIntervalMs: 1_000 },
    carrierTiming: { returnPickupAfterMs: 3_600_000, returnDeliverAfterMs: 3_600_000 },
  };

  it('records a return carried back and received, then scanned with damage, then the window closing', async () => {
    await withStack(returnTimings, async (s) => {
      const sku = uniq('CUP');
      const orderId = await deliveredOrder(s, [{ sku, quantity: 2, unitPriceFen: 1999 }]);
      const res = await s.call('POST', `/v1/orders/${orderId}/returns`, { reason: '尺寸不合适', lines: [{ sku, quantity: 1 }] });
      const returnId = res.body.returnId as string;
      s.carrier.sim.planFor(returnId, { pickupAfterMs: 300, deliverAfterMs: 1_500 });
      await orderIn(s, orderId, 'RETURNED');
      await s.call('POST', `/v1/returns/${returnId}/received`, { lines: [{ sku, quantity: 1, condition: 'damaged' }], receivedBy: 'pda-1' });
      await finish(orderId, 'COMPLETED', 'returned-partly', s);
    });
  });

  it('records a return whose 72-hour watch expires into review, kept waiting, expiring again, resolved "received"', async () => {
    await withStack(returnTimings, async (s) => {
      const sku = uniq('MUG');
      const orderId = await deliveredOrder(s, [{ sku, quantity: 1, unitPriceFen: 2500 }]);
      await s.call('POST', `/v1/orders/${orderId}/returns`, { reason: '不想要了', lines: [{ sku, quantity: 1 }] });
      const reviewTask = async (not?: string) =>
        eventually(async () => {
          const open = (await s.call('GET', `/v1/ops/review-tasks?kind=return-stalled&orderId=${orderId}&state=open`)).body as { id: string }[];
          return open.find((t) => t.id !== not)?.id;
        }, 60_000);
      const first = await reviewTask();
      await s.call('POST', `/v1/ops/review-tasks/${first}/resolve`, { resolution: 'keep-waiting', note: '已联系顺丰' });
      const second = await reviewTask(first);
      await s.call('POST', `/v1/ops/review-tasks/${second}/resolve`, { resolution: 'received', note: '仓库已签收' });
      await finish(orderId, 'RETURNED', 'return-watch-expired', s);
    });
  });

  it('records a late transfer (review task), then received and completed', async () => {
    await withStack({ timings: { transferEtaMs: 1_500, transferGraceMs: 1_500 } }, async (s) => {
      const sku = skuId('TR');
      await warehouseIn(s, 'shanghai', { [sku]: 0 });
      await warehouseIn(s, 'suzhou', { [sku]: 2 });
      const orderId = await paidOrder(s, 'shanghai', { [sku]: 1 });
      await eventually(async () => (eventOf(await orderIn(s, orderId, 'AWAITING_TRANSFER'), 'TRANSFER_LATE') ? true : undefined), 30_000);
      await s.call('POST', `/v1/transfers/tr-${orderId}/received`);
      const picking = await orderIn(s, orderId, 'PICKING');
      await s.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
      await finish(orderId, 'COMPLETED', 'transfer-late-completed', s);

      // A receipt whose signal never reached the order: noticed on its own check.
      const quiet = skuId('TRQ');
      await warehouseIn(s, 'shanghai', { [quiet]: 0 });
      await warehouseIn(s, 'suzhou', { [quiet]: 1 });
      const unsignalled = await paidOrder(s, 'shanghai', { [quiet]: 1 });
      await orderIn(s, unsignalled, 'AWAITING_TRANSFER');
      await receiveTransfer(s.db, `tr-${unsignalled}`);
      const picked = await orderIn(s, unsignalled, 'PICKING');
      await s.call('POST', `/v1/warehouse/tasks/${picked.tasks[0].taskId}/complete`, {});
      await finish(unsignalled, 'COMPLETED', 'transfer-received-unsignalled', s);
    });
  });

  it('records an urgent order bought on 1688, received and completed', async () => {
    const sku = skuId('BUY');
    await stack.call('PUT', `/v1/skus/${sku}`, { title: '保温杯 500ml', supplier: { offerId: '610000000001', pricePerUnitFen: 1200 } });
    await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    await warehouseIn(stack, 'beijing', { [sku]: 0 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 3 }, { urgent: true });
    await eventually(async () => (eventOf(await orderIn(stack, orderId, 'AWAITING_PURCHASE'), 'PURCHASE_ORDERED') ? true : undefined));
    await stack.call('POST', `/v1/purchases/po-${orderId}/received`);
    const picking = await orderIn(stack, orderId, 'PICKING');
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await finish(orderId, 'COMPLETED', 'purchase-completed');
  });

  it('records a split order: two parcels from two warehouses', async () => {
    const [cup, lid] = [skuId('CUP'), skuId('LID')];
    await warehouseIn(stack, 'shanghai', { [cup]: 2, [lid]: 0 });
    await warehouseIn(stack, 'beijing', { [cup]: 0, [lid]: 1 });
    const orderId = await paidOrder(stack, 'shanghai', { [cup]: 1, [lid]: 1 });
    await eventually(async () => ((await orderIn(stack, orderId, 'PICKING')).tasks.length === 2 ? true : undefined));
    await stack.call('POST', `/v1/warehouse/tasks/pick-${orderId}-1/complete`, {});
    await stack.call('POST', `/v1/warehouse/tasks/pick-${orderId}-2/complete`, {});
    await finish(orderId, 'COMPLETED', 'split-completed');
  });

  it('records two orders of one buyer shipped in one merged parcel', async () => {
    const storeId = uniq('shop');
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    await seedWarehouse(stack, { [cup]: 5, [lid]: 5 });
    await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: true });
    const customer = { name: '赵六', phone: aPhone() };
    const shippingAddress = { province: '浙江省', city: '杭州市', district: '滨江区', detail: '江南大道 3588 号 2 幢' };
    const order = (sku: string) =>
      anOrder({ channel: 'taobao', storeId, customer, shippingAddress, paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 1000 }] });
    const first = (await stack.call('POST', '/v1/orders', order(cup))).body.orderId as string;
    const picking = await orderIn(stack, first, 'PICKING');
    const second = (await stack.call('POST', '/v1/orders', order(lid))).body.orderId as string;
    await eventually(async () => (eventOf(await orderIn(stack, second, 'PICKING'), 'PICK_TASK_CREATED') ? true : undefined));
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await finish(first, 'COMPLETED', 'shipment-merge-opened');
    await finish(second, 'COMPLETED', 'shipment-merge-joined');
  });

  it('records an order picked in a wave (WAVE_ASSIGNED), and the wave until packed', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
    const { body } = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    const picking = await orderIn(stack, body.orderId, 'PICKING');
    const { body: wave } = await stack.call('POST', `/v1/warehouses/${warehouseId}/waves`, {});
    await eventually(async () => (eventOf(await orderIn(stack, body.orderId, 'PICKING'), 'WAVE_ASSIGNED') ? true : undefined));
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await finish(body.orderId, 'COMPLETED', 'wave-assigned-completed');
    await stack.client.workflow.getHandle(waveWorkflowId(wave.waveId)).result();
    const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH)!;
    const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', waveWorkflowId(wave.waveId), '--address', inject('temporalAddress'), '--output', 'json']);
    writeFileSync(`${dir}wave-packed.json`, json);
  });
});
