/**
 * Without REDIS_URL the webhook hands the order to Temporal itself before answering: the answer means "the
 * workflow has it", a redelivery is recognised by its message id in PostgreSQL, and a failure the platform
 * should retry is answered with an error (and nothing is remembered, so the retry goes through).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDeadLetters, messageSeen } from '../../db/queries/ingest';
import { connectShop, postPush, type ConnectedShop } from '../ingest/support';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
const shops: ConnectedShop[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

it('when a push is answered, then its workflow already exists; the same push again is acknowledged and skipped', async () => {
  expect(stack.ingest.mode).toBe('direct');
  const shop = await connectShop(stack, 'pdd');
  shops.push(shop);
  const { channelOrderId, orderId } = shop.addOrder();
  const push = shop.push('paid', channelOrderId);

  const res = await postPush(stack, 'pdd', push);
  expect(res).toMatchObject({ status: 200, text: '{"success":true}' });
  const handle = stack.orders.handle(orderId);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  const messageId = String((JSON.parse(push.body) as { id: number }).id);
  expect(await messageSeen(stack.db, 'pdd', messageId)).toBe(true);
  const delivered = stack.ingest.processor.stats.delivered;

  expect(await postPush(stack, 'pdd', push)).toMatchObject({ status: 200, text: '{"success":true}' });
  expect(stack.ingest.processor.stats.delivered).toBe(delivered);
  await eventually(async () => ((await stack.orders.get(orderId))?.paidAt ? true : undefined), 30_000, 'the order to be paid');
});

it('when the platform API cannot be reached, then the push is refused so the platform retries, and the retry goes through', async () => {
  const shop = await connectShop(stack, 'douyin', { baseUrl: 'http://127.0.0.1:9' });
  shops.push(shop);
  const { channelOrderId, orderId } = shop.addOrder();
  const push = shop.push('paid', channelOrderId);

  const failed = await postPush(stack, 'douyin', push);
  expect(failed.status).toBe(503);
  expect(await stack.orders.get(orderId)).toBeUndefined();
  expect(await listDeadLetters(stack.db, { storeId: shop.storeId, limit: 5 })).toEqual([]);

  await stack.call('POST', '/v1/stores', { platform: 'douyin', shopId: shop.shopId, ...shop.credentials, baseUrl: shop.running.baseUrl });
  // The store's credentials are cached for a few seconds: the platform's retries get through once they expire.
  await eventually(async () => ((await postPush(stack, 'douyin', push)).status === 200 ? true : undefined), 30_000, 'a retried push to be accepted');
  expect((await stack.orders.handle(orderId).describe()).status.name).toBe('RUNNING');
});

it('when a pushed order does not map, then the push is still acknowledged and the order waits in the dead-letter list', async () => {
  const shop = await connectShop(stack, 'wechat');
  shops.push(shop);
  const { channelOrderId } = shop.addOrder();
  shop.sim.updateOrder(channelOrderId, { create_time: 'yesterday' } as never);

  expect(await postPush(stack, 'wechat', shop.push('paid', channelOrderId))).toMatchObject({ status: 200, text: 'success' });
  const [letter] = await listDeadLetters(stack.db, { storeId: shop.storeId, limit: 5 });
  expect(letter).toMatchObject({ reason: 'mapping', channelOrderId, issues: [expect.objectContaining({ path: 'createdAt', source: 'create_time' })] });
});
