/**
 * Field mapping as data and the dead-letter list, on the real stack with the Redis buffer: rules read and
 * replaced over HTTP (refused when they cannot map the platform's sample), a mapping change applied to the next
 * order, payloads that do not map parked with the reason and replayed after the fix, poison entries parked
 * after the configured number of attempts.
 *
 * Mapping rules are per platform and the database is shared with other test files: this file changes Tmall's
 * only, and puts the default back at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../channels';
import { listDeadLetters } from '../../db/queries/ingest';
import type { MappingRule } from '../../domain/mapping';
import { connectShop, postPush, type ConnectedShop } from '../ingest/support';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
const shops: ConnectedShop[] = [];
beforeAll(async () => {
  stack = await startStack({ ingest: { redis: true, maxAttempts: 3, reclaimAfterMs: 1_000 } });
});
afterAll(async () => {
  await stack?.call('PUT', '/v1/channels/tmall/mapping', { rules: adapterFor('tmall').mapping });
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

async function shopFor(platform: Parameters<typeof connectShop>[1], opts?: Parameters<typeof connectShop>[2]) {
  const shop = await connectShop(stack, platform, opts);
  shops.push(shop);
  return shop;
}

const tmallDefault = adapterFor('tmall').mapping as MappingRule[];
const withRule = (rules: readonly MappingRule[], rule: MappingRule) => [...rules.filter((r) => r.target !== rule.target), rule];

async function openLetterOf(storeId: string, what: string) {
  return eventually(
    async () => (await listDeadLetters(stack.db, { storeId, status: 'open', limit: 10 }))[0],
    60_000,
    `a dead letter for ${what}`,
  );
}

describe('mapping rules over HTTP', () => {
  it('when no rules were stored, then the platform default is in force', async () => {
    const res = await stack.call('GET', '/v1/channels/wechat/mapping');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ platform: 'wechat', source: expect.stringMatching(/default|stored/) });
    expect(res.body.rules.length).toBeGreaterThan(5);
  });

  it('when a rule set cannot map the platform sample, then the PUT is refused naming the failing field and where it was read', async () => {
    const broken = withRule(tmallDefault, { target: 'customer.phone', source: 'receiver_mobile_v2', transform: 'nonEmpty' });
    const res = await stack.call('PUT', '/v1/channels/tmall/mapping', { rules: broken });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MAPPING_REJECTED');
    expect(res.body.error.issues).toEqual([{ path: 'customer.phone', source: 'receiver_mobile_v2', message: 'must not be empty' }]);
  });

  it('when a rule set maps the sample to another platform, then the PUT is refused on "channel"', async () => {
    const res = await stack.call('PUT', '/v1/channels/tmall/mapping', { rules: withRule(tmallDefault, { target: 'channel', default: 'taobao' }) });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['channel']);
  });

  it('when a rule is malformed, then the PUT is refused with the field path of the rule', async () => {
    const res = await stack.call('PUT', '/v1/channels/tmall/mapping', { rules: [...tmallDefault, { target: 'buyerMessage', source: 'buyer_message', transform: 'shout' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(`json.rules.${tmallDefault.length}.transform`);
  });

  it('when the platform is unknown, then 404', async () => {
    expect((await stack.call('GET', '/v1/channels/jd/mapping')).status).toBe(404);
  });

  it('when a rule set is replaced, then the next order of that platform is mapped with it', async () => {
    const shop = await shopFor('tmall');
    const urgent = withRule(tmallDefault, { target: 'urgent', default: true });
    const saved = await stack.call('PUT', '/v1/channels/tmall/mapping', { rules: urgent });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ platform: 'tmall', source: 'stored', rules: urgent });
    expect((await stack.call('GET', '/v1/channels/tmall/mapping')).body).toMatchObject({ source: 'stored', version: saved.body.version, rules: urgent });

    const { channelOrderId, orderId } = shop.addOrder();
    expect((await postPush(stack, 'tmall', shop.push('paid', channelOrderId))).status).toBe(200);
    const state = await eventually(async () => stack.orders.get(orderId), 60_000, 'the order');
    expect(state.urgent).toBe(true);
  });
});

describe('dead letters', () => {
  it('when an order does not map, then it is parked with the reason, and replayed into an order once the mapping is fixed', async () => {
    const shop = await shopFor('tmall');
    const { channelOrderId, orderId } = shop.addOrder();
    // The buyer left only a landline: the default rules read the mobile number only.
    shop.sim.updateOrder(channelOrderId, { receiver_mobile: '', receiver_phone: '0571-88886666' });
    expect((await postPush(stack, 'tmall', shop.push('paid', channelOrderId))).status).toBe(200);

    const letter = await openLetterOf(shop.storeId, 'the unmappable order');
    expect(letter).toMatchObject({ platform: 'tmall', channelOrderId, source: 'push', reason: 'mapping', status: 'open' });
    expect(letter.issues).toEqual([expect.objectContaining({ path: 'customer.phone' })]);
    const listed = await stack.call('GET', `/v1/ingest/dead-letters?storeId=${shop.storeId}`);
    expect(listed.body).toEqual([expect.objectContaining({ id: letter.id, reason: 'mapping', channelOrderId })]);
    expect(listed.body[0].payload).toBeUndefined(); // personal data only on the single letter
    expect((await stack.call('GET', `/v1/ingest/dead-letters/${letter.id}`)).body.payload).toMatchObject({ receiver_phone: '0571-88886666' });
    expect(await stack.orders.get(orderId)).toBeUndefined();

    // Replaying before the fix fails the same way and keeps the letter open.
    const early = await stack.call('POST', `/v1/ingest/dead-letters/${letter.id}/replay`);
    expect(early.status).toBe(422);
    expect(early.body.error.issues[0].path).toBe('customer.phone');

    const fixed = withRule(tmallDefault, { target: 'customer.phone', sources: ['receiver_mobile', 'receiver_phone'], transform: 'join' });
    expect((await stack.call('PUT', '/v1/channels/tmall/mapping', { rules: fixed })).status).toBe(200);
    const replayed = await stack.call('POST', `/v1/ingest/dead-letters/${letter.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ deadLetter: { id: letter.id, status: 'replayed', orderId }, outcome: { outcome: 'delivered', orderId } });

    const state = await eventually(async () => stack.orders.get(orderId), 60_000, 'the replayed order');
    expect(state.customer.phone).toBe('0571-88886666');
    expect((await stack.call('POST', `/v1/ingest/dead-letters/${letter.id}/replay`)).status).toBe(409);
    expect((await stack.call('GET', `/v1/ingest/dead-letters?storeId=${shop.storeId}`)).body).toEqual([]);
  });

  it('when the platform API keeps failing for an entry, then it is parked as poison after the configured attempts, and replays once the API is back', async () => {
    // The store points at a gateway nobody listens on; the simulator still signs the pushes.
    const shop = await shopFor('pdd', { baseUrl: 'http://127.0.0.1:9' });
    const { channelOrderId, orderId } = shop.addOrder();
    expect((await postPush(stack, 'pdd', shop.push('paid', channelOrderId))).status).toBe(200);

    const letter = await openLetterOf(shop.storeId, 'the poison entry');
    expect(letter).toMatchObject({ reason: 'poison', attempts: 3, channelOrderId });
    expect(letter.message).toMatch(/NETWORK/);
    expect(await stack.ingest.backlog()).toEqual({ length: 0, pending: 0 });

    const reconnect = await stack.call('POST', '/v1/stores', { platform: 'pdd', shopId: shop.shopId, ...shop.credentials, baseUrl: shop.running.baseUrl });
    expect(reconnect.status).toBe(200);
    // The store's credentials are cached for a few seconds: replay until the new gateway is used.
    const replayed = await eventually(
      async () => {
        const res = await stack.call('POST', `/v1/ingest/dead-letters/${letter.id}/replay`);
        if (res.status === 200) return res;
        expect(res.status).toBe(502);
        return undefined;
      },
      30_000,
      'the replay to reach the platform',
    );
    expect(replayed.body.outcome).toMatchObject({ outcome: 'delivered', orderId });
    await eventually(async () => stack.orders.get(orderId), 60_000, 'the replayed order');
  });

  it('when an entry in the buffer cannot be read, then it is parked as unreadable and cannot be replayed', async () => {
    await stack.redis!.xadd(stack.ingest.keys!.stream, '*', 'e', '{"platform":"douyin","storeId":"douyin-1"}');
    const letter = await eventually(
      async () => (await listDeadLetters(stack.db, { status: 'open', limit: 50 })).find((l) => l.reason === 'unreadable' && l.storeId === 'douyin-1'),
      30_000,
      'the unreadable entry to be parked',
    );
    expect(letter.message).toMatch(/unreadable entry/);
    expect((await stack.call('POST', `/v1/ingest/dead-letters/${letter.id}/replay`)).status).toBe(409);
    expect(await stack.ingest.backlog()).toEqual({ length: 0, pending: 0 });
  });
});
