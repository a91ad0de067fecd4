/**
 * Push rounds of one SKU never overlap, whichever process runs them: a sell-out pushed at once by the intake
 * (besides its stock-sync workflow) must not race a workflow round that read an older count and is still pushing
 * it, or a store would see that count after the 0 and keep selling units that are gone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChannelActivities } from '../../activities/channel-activities';
import type { ChannelAdapter } from '../../channels/types';
import { createLogger } from '../../infra/logger';
import { seedWarehouse } from '../support/fixtures';
import { startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('when a sell-out round starts while an earlier round is still pushing its older count, then it waits for it: the store gets the older count, then 0', async () => {
  const sku = uniq('HOT');
  const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
  const store = await stack.call('POST', '/v1/stores', { platform: 'douyin', shopId: uniq('shop'), appKey: 'douyin-app', appSecret: 'douyin-secret', baseUrl: 'http://127.0.0.1:9' });
  expect(store.status).toBe(201);
  expect((await stack.call('PUT', `/v1/stores/${store.body.storeId}/skus`, { skus: [sku] })).status).toBe(200);

  // The store's API: the first push (the earlier round's) hangs until the test lets it through.
  const told: number[] = [];
  let pushing!: () => void;
  const firstPushStarted = new Promise<void>((r) => (pushing = r));
  let release!: () => void;
  const slowPlatform = new Promise<void>((r) => (release = r));
  const adapter = {
    async pushStock(_store: unknown, { available }: { sku: string; available: number }) {
      if (told.length === 0 && available > 0) {
        pushing();
        await slowPlatform;
      }
      told.push(available);
    },
  } as unknown as ChannelAdapter;
  const { syncSkuStock } = createChannelActivities({
    db: stack.db,
    logger: createLogger('silent'),
    channels: { tokens: stack.tokens, poll: { overlapMs: 0, lookbackMs: 0, chunkMs: 1 }, adapterFor: () => adapter },
  });

  const earlier = syncSkuStock({ sku, changes: 1 }); // reads 5, then hangs pushing it
  await firstPushStarted;
  expect((await stack.call('PUT', `/v1/inventory/${warehouseId}/${sku}`, { onHand: 0 })).status).toBe(200);
  const soldOut = syncSkuStock({ sku, changes: 1 });
  await sleep(300);
  expect(told).toEqual([]); // the sell-out round is waiting for the SKU's round lock, not pushing 0 under the earlier one

  release();
  const [first, second] = await Promise.all([earlier, soldOut]);
  expect(told).toEqual([5, 0]);
  expect([first.available, second.available]).toEqual([5, 0]);
});
