/**
 * Without REDIS_URL the buffer is a PostgreSQL table: the webhook answers once the push is appended (one
 * group-committed insert), a consumer records the order and holds its stock right after, and its workflow starts
 * behind. A redelivery is recognised by its message id; a platform API that is down is retried from the table.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDeadLetters, messageSeen } from '../../db/queries/ingest';
import { findOrder } from '../../db/queries/orders';
import { connectShop, postPush, type ConnectedShop } from '../ingest/support';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
const shops: ConnectedShop[] = [];
beforeAll(async () => {
  stack = await startStack({ ingest: { maxAttempts: 20, reclaimAfterMs: 500 } });
});
afterAll(async () => {
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

it('when a push is answered, then its order is recorded and its workflow starts; the same push again is acknowledged and skipped', async () => {
  expect(stack.ingest.mode).toBe('postgres');
  const shop = await connectShop(stack, 'pdd');
  shops.push(shop);
  const { channelOrderId, orderId } = shop.addOrder();
  const push = shop.push('paid', channelOrderId);

  const res = await postPush(stack, 'pdd', push);
  expect(res).toMatchObject({ status: 200, text: '{"success":true}' });
  const messageId = String((JSON.parse(push.body) as { id: number }).id);
  expect(await messageSeen(stack.db, 'pdd', messageId)).toBe(true);
  await eventually(async () => ((await findOrder(stack.db, orderId))?.row.paidAt ? true : undefined), 30_000, 'the order to be recorded, paid');
  const handle = stack.orders.handle(orderId);
  await eventually(async () => ((await handle.describe()).status.name === 'RUNNING' ? true : undefined), 30_000, 'the workflow to start');
  await eventually(async () => ((await stack.ingest.backlog()).length === 0 ? true : undefined), 10_000, 'the buffer to drain');
  const delivered = stack.ingest.processor.stats.delivered;

  expect(await postPush(stack, 'pdd', push)).toMatchObject({ status: 200, text: '{"success":true}' });
  expect((await stack.ingest.backlog()).length).toBe(0);
  expect(stack.ingest.processor.stats.delivered).toBe(delivered);
});

it('when the platform API cannot be reached, then the push is kept and retried until the order goes through', async () => {
  const shop = await connectShop(stack, 'douyin', { baseUrl: 'http://127.0.0.1:9' });
  shops.push(shop);
  const { channelOrderId, orderId } = shop.addOrder();
  const push = shop.push('paid', channelOrderId);

  expect((await postPush(stack, 'douyin', push)).status).toBe(200);
  await eventually(async () => ((await stack.ingest.backlog()).length > 0 && stack.ingest.processor.stats.delivered >= 0 ? true : undefined), 5_000, 'the entry to wait in the buffer');
  expect(await findOrder(stack.db, orderId)).toBeUndefined();

  await stack.call('POST', '/v1/stores', { platform: 'douyin', shopId: shop.shopId, ...shop.credentials, baseUrl: shop.running.baseUrl });
  // The store's credentials are cached for a few seconds: a retry gets through once they expire.
  await eventually(async () => ((await findOrder(stack.db, orderId)) ? true : undefined), 60_000, 'the order to be recorded');
  expect(await listDeadLetters(stack.db, { storeId: shop.storeId, limit: 5 })).toEqual([]);
  await eventually(async () => ((await stack.orders.handle(orderId).describe()).status.name === 'RUNNING' ? true : undefined), 30_000, 'the workflow to start');
});

it('when a pushed order does not map, then the push is still acknowledged and the order waits in the dead-letter list', async () => {
  const shop = await connectShop(stack, 'wechat');
  shops.push(shop);
  const { channelOrderId } = shop.addOrder();
  shop.sim.updateOrder(channelOrderId, { create_time: 'yesterday' } as never);

  expect(await postPush(stack, 'wechat', shop.push('paid', channelOrderId))).toMatchObject({ status: 200, text: 'success' });
  const [letter] = await eventually(async () => {
    const letters = await listDeadLetters(stack.db, { storeId: shop.storeId, limit: 5 });
    return letters.length ? letters : undefined;
  }, 30_000, 'the dead letter');
  expect(letter).toMatchObject({ reason: 'mapping', channelOrderId, issues: [expect.objectContaining({ path: 'createdAt', source: 'create_time' })] });
});
