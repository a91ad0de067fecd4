import { afterAll, beforeAll, expect, it } from 'vitest';
import { findStore } from '../../db/queries/stores';
import { startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

it('when a shop is connected, then its secrets are encrypted at rest and never returned', async () => {
  const shopId = uniq('shop');
  const created = await stack.call('POST', '/v1/stores', { platform: 'douyin', shopId, appKey: 'ak-1', appSecret: 's3cret-value', pushToken: 'tok' });
  expect(created).toEqual({ status: 201, body: { storeId: `douyin-${shopId}` } });

  const row = await findStore(stack.db, `douyin-${shopId}`);
  expect(row?.appSecretSealed).not.toContain('s3cret');
  expect(stack.secrets.open(row!.appSecretSealed)).toBe('s3cret-value');

  const shown = await stack.call('GET', `/v1/stores/douyin-${shopId}`);
  expect(shown.body).toMatchObject({ storeId: `douyin-${shopId}`, platform: 'douyin', appKey: 'ak-1', authorized: false });
  expect(JSON.stringify(shown.body)).not.toMatch(/s3cret|tok"/);

  const again = await stack.call('POST', '/v1/stores', { platform: 'douyin', shopId, appKey: 'ak-2', appSecret: 'rotated' });
  expect(again).toEqual({ status: 200, body: { storeId: `douyin-${shopId}` } });
});

it('when a store is malformed, then the 400 names the fields', async () => {
  const res = await stack.call('POST', '/v1/stores', { platform: 'jd', shopId: 'a b', appKey: '', appSecret: 'x', baseUrl: 'not-a-url' });
  expect(res.status).toBe(400);
  expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['json.appKey', 'json.baseUrl', 'json.platform', 'json.shopId']);
});
