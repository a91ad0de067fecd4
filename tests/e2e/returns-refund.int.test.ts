/**
 * Refunds written back to the platform the order came from, on the real stack against the platform
 * simulators: the buyer asks on the platform (push, or seen by a poll), the goods come back, and the OMS agrees
 * the platform's refund with the amount it owes. Where there is nothing to agree, or the platform says no, a
 * person is asked to refund by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../channels';
import type { Platform } from '../../channels/types';
import { connectShop, postPush, type ConnectedShop } from '../ingest/support';
import { seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';
import { entries, getOrder, orderInStatus, returnWaybill } from './returns-support';

let stack: Stack;
const shops: ConnectedShop[] = [];
beforeAll(async () => {
  stack = await startStack({ timings: { afterSaleWindowMs: 120_000 } });
});
afterAll(async () => {
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

/** A store on the platform's simulator, and one of its paid orders delivered by the OMS. */
async function deliveredPlatformOrder(platform: Platform) {
  const sku = uniq('RF');
  await seedWarehouse(stack, { [sku]: 50 });
  const shop = await connectShop(stack, platform, { skus: [sku] });
  shops.push(shop);
  const { channelOrderId, orderId } = shop.addOrder({ skus: [sku] });
  expect((await postPush(stack, platform, shop.push('paid', channelOrderId))).status).toBe(200);
  const picking = await orderInStatus(stack, orderId, 'PICKING', 60_000);
  expect((await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {})).status).toBe(202);
  await orderInStatus(stack, orderId, 'DELIVERED');
  return { shop, channelOrderId, orderId };
}

/** The warehouse scans the parcel in once its reverse waybill exists; waits for RETURNED. */
async function receive(orderId: string, returnId: string) {
  await returnWaybill(stack, orderId, returnId);
  expect((await stack.call('POST', `/v1/returns/${returnId}/received`, {})).status).toBe(200);
  return orderInStatus(stack, orderId, 'RETURNED');
}

const writeBackOf = (order: Awaited<ReturnType<typeof getOrder>>) => entries(order, 'REFUND_WRITE_BACK')[0]?.detail;
const refundTasks = async (orderId: string) => (await stack.call('GET', `/v1/ops/review-tasks?kind=refund-writeback&orderId=${orderId}`)).body as { reason: string; data: Record<string, unknown> }[];

describe('refund write-back to the platform', () => {
  for (const platform of ['taobao', 'pdd', 'douyin', 'wechat'] as const) {
    it(`when a ${platform} buyer's refund request (pushed) comes back as goods, then the platform's refund is agreed once, with what the OMS owes`, async () => {
      const { shop, channelOrderId, orderId } = await deliveredPlatformOrder(platform);
      const refundId = shop.sim.requestRefund(channelOrderId);
      expect((await postPush(stack, platform, shop.push('refund_requested', channelOrderId))).status).toBe(200);

      const requested = await orderInStatus(stack, orderId, 'RETURN_REQUESTED');
      expect(requested.returns[0]).toMatchObject({ source: 'channel', platformRefundId: refundId });
      const returned = await receive(orderId, requested.returns[0].returnId);

      const owed = returned.returns[0].refundFen as number;
      expect(owed).toBeGreaterThan(0);
      expect(writeBackOf(returned)).toEqual({ returnId: requested.returns[0].returnId, outcome: 'written_back', reference: refundId });
      expect(shop.sim.refundWrites).toEqual([{ channelOrderId, refundId, amountFen: owed }]);
      const detail = await stack.call('GET', `/v1/returns/${requested.returns[0].returnId}`);
      expect(detail.body.refund).toMatchObject({ amountFen: owed, status: 'written_back', reference: refundId });
      expect(await refundTasks(orderId)).toEqual([]);
    });
  }

  it('when a poll sees the refund before any push, then the refund id is read off the order and the refund is agreed with it', async () => {
    const { shop, channelOrderId, orderId } = await deliveredPlatformOrder('douyin');
    const refundId = shop.sim.requestRefund(channelOrderId);
    // What the store's poll hands the pipeline: the order JSON as the platform's API serves it now.
    const raw = JSON.parse(JSON.stringify(shop.sim.getOrder(channelOrderId))) as Record<string, unknown>;
    await stack.ingest.pipeline.enqueue([{ source: 'poll', platform: 'douyin', storeId: shop.storeId, channelOrderId, raw, receivedAt: new Date().toISOString() }]);

    const requested = await orderInStatus(stack, orderId, 'RETURN_REQUESTED');
    expect(requested.returns[0]).toMatchObject({ source: 'channel', platformRefundId: refundId });
    const returned = await receive(orderId, requested.returns[0].returnId);
    expect(writeBackOf(returned)).toMatchObject({ outcome: 'written_back' });
    expect(shop.sim.refundWrites).toEqual([{ channelOrderId, refundId, amountFen: returned.returns[0].refundFen }]);
  });

  it('when the platform no longer takes the refund (settled there already), then a review task asks a person and nothing is paid twice', async () => {
    const { shop, channelOrderId, orderId } = await deliveredPlatformOrder('pdd');
    const refundId = shop.sim.requestRefund(channelOrderId);
    expect((await postPush(stack, 'pdd', shop.push('refund_requested', channelOrderId))).status).toBe(200);
    const requested = await orderInStatus(stack, orderId, 'RETURN_REQUESTED');
    // Someone agreed it in the platform's back office meanwhile.
    const store = { storeId: shop.storeId, platform: 'pdd' as const, shopId: shop.shopId, ...shop.credentials, baseUrl: shop.running.baseUrl };
    await adapterFor('pdd').writeRefund(store, { channelOrderId, refundId, amountFen: 1 });

    const returned = await receive(orderId, requested.returns[0].returnId);
    expect(writeBackOf(returned)).toMatchObject({ outcome: 'refused' });
    expect(shop.sim.refundWrites).toHaveLength(1);
    const [task] = await refundTasks(orderId);
    expect(task?.reason).toMatch(/refused/);
    expect(task?.data).toMatchObject({ platformRefundId: refundId, amountFen: returned.returns[0].refundFen });
  });

  it('when a return of a platform order was opened in the OMS, then there is no platform refund to agree and a person is asked to refund by hand', async () => {
    const { shop, orderId } = await deliveredPlatformOrder('taobao');
    const order = await getOrder(stack, orderId);
    const res = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: order.lines[0].sku, quantity: 1 }], reason: '客服代客退货' });
    expect(res.status).toBe(202);

    const returned = await receive(orderId, res.body.returnId);
    expect(writeBackOf(returned)).toMatchObject({ outcome: 'manual' });
    expect(shop.sim.refundWrites).toEqual([]);
    const tasks = await eventually(async () => {
      const found = await refundTasks(orderId);
      return found.length ? found : undefined;
    }, 10_000, 'the refund review task');
    expect(tasks[0]!.reason).toMatch(/never asked/);
    expect(tasks[0]!.data).toMatchObject({ amountFen: returned.returns[0].refundFen, channelOrderId: order.channelOrderId });
  });
});
