/**
 * Polling in front of the Redis buffer: a polled order is appended to the ingest stream and the store's
 * cursor moves once it is there, before any consumer has touched it; a consumer started later hands it to
 * Temporal, and the same order polled three times is one order.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../channels/simulators';
import { orders } from '../../db/schema';
import type { RunningConsumer } from '../../ingest';
import { orderInStatus, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
let douyin: RunningSimulator;
let consumer: RunningConsumer | undefined;
beforeAll(async () => {
  stack = await startStack({ ingest: { redis: true, consumer: false }, channels: { pollIntervalMs: 10 * 60_000 } });
  douyin = await startSimulator('douyin', { appKey: 'dy-app', appSecret: 'dy-secret', shopId: '5550001', seed: 77 });
});
afterAll(async () => {
  await consumer?.stop();
  await stack?.close();
  await douyin?.close();
});

it('when a store is polled with the Redis buffer in front, then the cursor moves once the order is in the stream, and the consumer makes one order of three polls', async () => {
  const sku = uniq('SKU');
  await seedWarehouse(stack, { [sku]: 20 });
  const created = await stack.call('POST', '/v1/stores', { platform: 'douyin', shopId: uniq('shop'), appKey: 'dy-app', appSecret: 'dy-secret', baseUrl: douyin.baseUrl });
  const storeId = created.body.storeId as string;
  const raw = douyin.sim.addOrder(douyin.sim.generateOrder({ skus: [sku] }));
  const channelOrderId = douyin.sim.idOf(raw);
  douyin.sim.updateOrder(channelOrderId, {});
  // Douyin windows are whole seconds, half-open: a poll within the order's own second would not see it yet.
  await new Promise((r) => setTimeout(r, 1_100));

  const inStream = async () => {
    const entries = await stack.redis!.xrange(stack.ingest.keys!.stream, '-', '+');
    return entries.filter(([, fields]) => fields.some((f) => f.includes(channelOrderId)));
  };
  // Three polls, one after the other (a schedule's runs are named by the second they start in).
  let appended: Awaited<ReturnType<typeof inStream>> = [];
  for (let i = 1; i <= 3; i += 1) {
    expect((await stack.call('POST', `/v1/stores/${storeId}/poll`)).status).toBe(202);
    appended = await eventually(async () => {
      const mine = await inStream();
      return mine.length >= i ? mine : undefined;
    }, 30_000, `poll ${i} to append the order`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  expect(appended).toHaveLength(3);
  const entry = JSON.parse(appended[0]![1].find((f) => f.includes(channelOrderId))!);
  expect(entry).toMatchObject({ source: 'poll', platform: 'douyin', storeId, channelOrderId, raw: expect.objectContaining({ order_id: channelOrderId }) });
  const orderId = `douyin-${channelOrderId}`;
  // Safely in the buffer is enough for the cursor; no order exists yet.
  const shown = await eventually(async () => {
    const body = (await stack.call('GET', `/v1/stores/${storeId}`)).body;
    return body.pollCursor && body.lastPollError === null ? body : undefined;
  }, 30_000, 'the cursor');
  expect(new Date(shown.pollCursor).getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(await stack.db.select({ id: orders.orderId }).from(orders).where(eq(orders.orderId, orderId))).toHaveLength(0);

  consumer = await stack.ingest.startConsumer({ blockMs: 200, concurrency: 4 });
  const picking = await orderInStatus(stack, orderId, 'PICKING', 60_000);
  expect(picking).toMatchObject({ storeId, channel: 'douyin' });
  await eventually(async () => ((await stack.ingest.backlog()).length === 0 ? true : undefined), 30_000, 'the stream to drain');
  expect(await stack.db.select({ id: orders.orderId }).from(orders).where(eq(orders.orderId, orderId))).toHaveLength(1);
});
