/**
 * Channel sync on the real stack, against the platform simulators over HTTP: the per-store poll schedule
 * picks up orders that never got a push (cursor moved only once they are safely handed over), OAuth through
 * the API, stock pushed to every store selling a SKU and coalesced under a burst, tracking written back.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, startSimulator, type RunningSimulator } from '../../channels/simulators';
import type { Platform } from '../../channels/types';
import { stockSyncOrders } from '../../db/schema';
import type { IngestEntry, IngestPipeline } from '../../ingest/types';
import { anOrder, orderInStatus, seedWarehouse, stockOf } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
const sims: RunningSimulator[] = [];

/** Every entry a poll handed over; the entries then go on to the real ingest pipeline. */
const polled: IngestEntry[] = [];
/** Stores whose polled orders the "buffer" refuses, to show the cursor waits for it. */
const refuseFor = new Set<string>();
let forward: IngestPipeline | undefined;
const pipeline: IngestPipeline = {
  async enqueue(entries) {
    const refused = entries.find((e) => refuseFor.has(e.storeId));
    if (refused) throw new Error(`buffer unavailable for ${refused.storeId}`);
    polled.push(...entries);
    await forward?.enqueue(entries);
  },
};

beforeAll(async () => {
  stack = await startStack({ channels: { pollIntervalMs: 3_000, stockSyncIntervalMs: 3_000, pipeline } });
  forward = stack.ingest.pipeline;
});
afterAll(async () => {
  await stack?.close();
  for (const sim of sims) await sim.close();
});

async function simulator(platform: Platform, opts: { skus?: string[]; oauth?: boolean } = {}) {
  const running = await startSimulator(platform, {
    appKey: `${platform}-app`,
    appSecret: `${platform}-secret`,
    shopId: platform === 'douyin' ? String(4_000_000 + sims.length) : uniq('shop'),
    ...(opts.skus ? { skus: opts.skus } : {}),
    ...(opts.oauth ? { oauth: { accessTtlSeconds: 3600 } } : {}),
    seed: sims.length + 11,
  });
  sims.push(running);
  return running;
}

async function connect(platform: Platform, running: RunningSimulator): Promise<string> {
  const res = await stack.call('POST', '/v1/stores', {
    platform,
    shopId: uniq('shop'),
    appKey: `${platform}-app`,
    appSecret: `${platform}-secret`,
    baseUrl: running.baseUrl,
  });
  expect(res.status).toBe(201);
  return res.body.storeId as string;
}

/** A paid order appears on the platform (modified now), and nobody pushes it to us. */
function orderOnPlatform(running: RunningSimulator, sku: string): string {
  const raw = running.sim.addOrder(running.sim.generateOrder({ skus: [sku], province: '浙江省', city: '杭州市' }));
  const id = running.sim.idOf(raw);
  running.sim.updateOrder(id, {});
  return id;
}

const storeOf = async (storeId: string) => (await stack.call('GET', `/v1/stores/${storeId}`)).body;

describe('polling', () => {
  it('when an order never got a push, then the store’s poll schedule picks it up and its order workflow starts', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 50 });
    const douyin = await simulator('douyin');
    const storeId = await connect('douyin', douyin);

    const schedule = await stack.client.schedule.getHandle(`poll-${storeId}`).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'pollStoreWorkflow', taskQueue: stack.taskQueue, args: [{ storeId }] });
    expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(schedule.spec.intervals?.[0]?.every).toBe(3_000);

    const channelOrderId = orderOnPlatform(douyin, sku);
    // No trigger: the schedule's own runs find it.
    const entry = await eventually(async () => polled.find((e) => e.channelOrderId === channelOrderId), 45_000, 'the scheduled poll to hand the order over');
    expect(entry).toMatchObject({ source: 'poll', platform: 'douyin', storeId, raw: expect.objectContaining({ order_id: channelOrderId }) });

    const order = await orderInStatus(stack, `douyin-${channelOrderId}`, ['PICKING']);
    expect(order).toMatchObject({ channel: 'douyin', channelOrderId, storeId });
    const shown = await storeOf(storeId);
    expect(shown.lastPollError).toBeNull();
    expect(new Date(shown.pollCursor).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('when the buffer refuses the polled orders, then the cursor stays where it was and a later poll hands them over', async () => {
    const sku = uniq('SKU');
    const pdd = await simulator('pdd');
    const storeId = await connect('pdd', pdd);
    await eventually(async () => (await storeOf(storeId)).pollCursor ?? undefined, 30_000, 'a first poll');

    refuseFor.add(storeId);
    const channelOrderId = orderOnPlatform(pdd, sku);
    const failing = await eventually(async () => {
      const shown = await storeOf(storeId);
      return shown.lastPollError ? shown : undefined;
    }, 30_000, 'a poll to fail');
    expect(failing.lastPollError).toMatch(/buffer unavailable/);
    // Another attempt fails too, and the cursor has not moved past the refused order.
    const again = await eventually(async () => {
      const shown = await storeOf(storeId);
      return shown.lastPolledAt > failing.lastPolledAt ? shown : undefined;
    }, 30_000, 'the poll to be retried');
    expect(again.lastPollError).toMatch(/buffer unavailable/);
    expect(again.pollCursor).toBe(failing.pollCursor);
    const stuck = again.pollCursor;
    expect(polled.some((e) => e.channelOrderId === channelOrderId)).toBe(false);

    refuseFor.delete(storeId);
    const triggered = await stack.call('POST', `/v1/stores/${storeId}/poll`);
    expect(triggered).toMatchObject({ status: 202, body: { storeId, scheduleId: `poll-${storeId}` } });
    await eventually(async () => polled.find((e) => e.channelOrderId === channelOrderId), 30_000, 'the order after the buffer recovered');
    const recovered = await eventually(async () => {
      const shown = await storeOf(storeId);
      return shown.lastPollError === null && new Date(shown.pollCursor) > new Date(stuck) ? shown : undefined;
    }, 30_000, 'the cursor to move on');
    expect(recovered.lastPollError).toBeNull();
  });
});

describe('OAuth through the API', () => {
  it('when the seller authorizes the app, then the callback stores the tokens, and the store’s polls and stock pushes use them', async () => {
    const sku = uniq('SKU');
    const taobao = await simulator('taobao', { oauth: true, skus: [sku] });
    const storeId = await connect('taobao', taobao);
    const channelOrderId = orderOnPlatform(taobao, uniq('SKU'));
    await stack.call('PUT', `/v1/stores/${storeId}/skus`, { skus: [sku] });
    await seedWarehouse(stack, { [sku]: 7 });
    const notAuthorized = await eventually(async () => {
      const rounds = (await stack.call('GET', `/v1/stock-sync/rounds?sku=${sku}`)).body as { outcomes: { outcome: string }[] }[];
      return rounds.find((r) => r.outcomes.some((o) => o.outcome === 'not_authorized'));
    }, 30_000, 'the stock push to be refused for want of a token');
    expect(notAuthorized).toBeDefined();
    expect(taobao.sim.stockPushes).toEqual([]);

    // Not authorized yet: the platform refuses the poll, and the store says why.
    await stack.call('POST', `/v1/stores/${storeId}/poll`);
    const refused = await eventually(async () => {
      const shown = await storeOf(storeId);
      return shown.lastPollError ? shown : undefined;
    }, 30_000, 'the unauthorized poll to fail');
    expect(refused).toMatchObject({ authorized: false, lastPollError: expect.stringMatching(/token/) });

    const link = await stack.call('GET', `/v1/stores/${storeId}/oauth/authorize`);
    expect(link.status).toBe(200);
    const consent = await fetch(link.body.authorizeUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.pathname).toBe('/v1/oauth/taobao/callback');

    // The seller's browser carries no API key: the sealed state is the proof.
    const forged = await stack.app.request(`/v1/oauth/taobao/callback?code=${back.searchParams.get('code')}&state=v1.AAAA.BBBB.CCCC`);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('AUTHORIZATION_FAILED');
    const wrongPlatform = await stack.app.request(`/v1/oauth/pdd/callback${back.search}`);
    expect(wrongPlatform.status).toBe(400);
    const callback = await stack.app.request(`${back.pathname}${back.search}`);
    expect(callback.status).toBe(200);
    expect(await callback.json()).toMatchObject({ storeId, authorized: true });

    const shown = await storeOf(storeId);
    expect(shown).toMatchObject({ authorized: true, authError: null });
    expect(new Date(shown.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(JSON.stringify(shown)).not.toContain(taobao.sim.oauth.grants[0]!.accessToken);

    await stack.call('POST', `/v1/stores/${storeId}/poll`);
    const entry = await eventually(async () => polled.find((e) => e.channelOrderId === channelOrderId), 30_000, 'the authorized poll');
    expect(entry).toMatchObject({ storeId, platform: 'taobao' });
    // The count refused before authorization is pushed once the store is authorized.
    await eventually(async () => taobao.sim.stockPushes.find((p) => p.sku === sku && p.quantity === 7), 30_000, 'the stock push after authorization');
    expect(taobao.sim.oauth.expiredCalls).toBe(0);
  });

  it('when a WeChat store is asked for a consent link, then the answer is that it needs none', async () => {
    const wechat = await simulator('wechat');
    const storeId = await connect('wechat', wechat);
    const res = await stack.call('GET', `/v1/stores/${storeId}/oauth/authorize`);
    expect(res.status).toBe(409);
  });

  it('when a store has no access token yet and its platform cannot be reached, then its pushes are still verified and acknowledged', async () => {
    // WeChat's token comes from appid + secret on first use; a push needs only the push token to be verified.
    const shopId = `gh_${uniq('w').replace(/[^a-z0-9]/gi, '').slice(-12)}`;
    const sim = createSimulator('wechat', { appKey: 'wx-app', appSecret: 'wx-secret', pushToken: 'wx-push', shopId, skus: ['SKU-A'] });
    const res = await stack.call('POST', '/v1/stores', { platform: 'wechat', shopId, appKey: 'wx-app', appSecret: 'wx-secret', pushToken: 'wx-push', baseUrl: 'http://127.0.0.1:9' });
    expect(res.status).toBe(201);

    const push = sim.signedPush({ kind: 'paid', channelOrderId: sim.idOf(sim.addOrder(sim.generateOrder())) });
    const acked = await stack.app.request(`/v1/webhooks/wechat?${new URLSearchParams(push.query)}`, { method: 'POST', headers: push.headers, body: push.body });
    expect(acked.status).toBe(200);
    expect(await acked.text()).toBe('success');
  });
});

describe('stock sync', () => {
  it('when 200 orders reserve a SKU in a burst, then every store selling it gets the final count in far fewer calls, and each order’s time to all channels is measured', async () => {
    const sku = uniq('SKU');
    const douyin = await simulator('douyin', { skus: [sku] });
    const pdd = await simulator('pdd', { skus: [sku] });
    const wechat = await simulator('wechat', { skus: ['SOMETHING-ELSE'] });
    const douyinStore = await connect('douyin', douyin);
    const pddStore = await connect('pdd', pdd);
    const wechatStore = await connect('wechat', wechat);
    // PDD and WeChat are told they sell it; Douyin sells it because its orders contain it.
    for (const storeId of [pddStore, wechatStore]) {
      expect((await stack.call('PUT', `/v1/stores/${storeId}/skus`, { skus: [sku] })).status).toBe(200);
    }
    const warehouseId = await seedWarehouse(stack, { [sku]: 1000 });
    await eventually(async () => (pdd.sim.stockPushes.some((p) => p.sku === sku && p.quantity === 1000) ? true : undefined), 30_000, 'the counted stock to reach PDD');

    const posted = await Promise.all(
      Array.from({ length: 200 }, () =>
        stack.call('POST', '/v1/orders', anOrder({ channel: 'douyin', storeId: douyinStore, paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 990 }] })),
      ),
    );
    expect(posted.every((r) => r.status === 202)).toBe(true);
    const orderIds = posted.map((r) => r.body.orderId as string);
    await eventually(async () => ((await stockOf(stack, warehouseId, sku)).reserved === 200 ? true : undefined), 120_000, 'all 200 reservations');

    const last = (sim: RunningSimulator) => sim.sim.stockPushes.filter((p) => p.sku === sku).at(-1)?.quantity;
    await eventually(async () => (last(douyin) === 800 && last(pdd) === 800 ? true : undefined), 60_000, 'both channels to show 800');
    const pushes = (sim: RunningSimulator) => sim.sim.stockPushes.filter((p) => p.sku === sku).length;
    expect(pushes(douyin)).toBeLessThanOrEqual(50);
    expect(pushes(pdd)).toBeLessThanOrEqual(51);
    expect(wechat.sim.stockPushes).toEqual([]);

    const rounds = (await stack.call('GET', `/v1/stock-sync/rounds?sku=${sku}&limit=500`)).body as { changes: number; pushed: number; outcomes: { storeId: string; outcome: string }[] }[];
    expect(rounds.reduce((sum, r) => sum + r.changes, 0)).toBeGreaterThanOrEqual(200);
    expect(rounds.length).toBeLessThanOrEqual(52);
    expect(rounds[0]!.outcomes).toEqual(
      expect.arrayContaining([
        { storeId: douyinStore, outcome: 'pushed' },
        { storeId: pddStore, outcome: 'pushed' },
        { storeId: wechatStore, outcome: 'not_listed' },
      ]),
    );

    // Order accepted → every channel updated, for each of the 200 orders.
    const measured = await eventually(async () => {
      const rows = await stack.db.select().from(stockSyncOrders).where(inArray(stockSyncOrders.orderId, orderIds));
      return rows.length === 200 ? rows : undefined;
    }, 30_000, 'a measurement per order');
    expect(measured.every((r) => r.sku === sku && r.syncedAt >= r.acceptedAt)).toBe(true);
    const latency = await stack.call('GET', '/v1/stock-sync/latency');
    expect(latency.body.orderAcceptedToChannelsUpdated.count).toBeGreaterThanOrEqual(200);
    expect(latency.body.orderAcceptedToChannelsUpdated.p99Ms).toBeGreaterThanOrEqual(latency.body.orderAcceptedToChannelsUpdated.p50Ms);

    // Releases count too: 20 cancellations give 20 units back to every channel.
    await Promise.all(orderIds.slice(0, 20).map((id) => stack.call('POST', `/v1/orders/${id}/cancel`, { reason: 'buyer changed mind' })));
    await eventually(async () => (last(douyin) === 820 && last(pdd) === 820 ? true : undefined), 60_000, 'both channels to show 820');
  });
});

describe('tracking write-back', () => {
  it('when an order from a store ships, then its waybill is written back to the platform', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 50 });
    const douyin = await simulator('douyin');
    const storeId = await connect('douyin', douyin);
    const channelOrderId = orderOnPlatform(douyin, sku);
    await stack.call('POST', `/v1/stores/${storeId}/poll`);
    const orderId = `douyin-${channelOrderId}`;
    const picking = await orderInStatus(stack, orderId, 'PICKING', 60_000);
    expect((await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {})).status).toBe(202);

    const shipped = await orderInStatus(stack, orderId, ['SHIPPED', 'DELIVERED', 'COMPLETED']);
    const write = await eventually(async () => douyin.sim.trackingWrites.find((w) => w.channelOrderId === channelOrderId), 30_000, 'the tracking write-back');
    expect(write).toEqual({ channelOrderId, company: 'shunfeng', waybillNo: shipped.shipments[0].waybillNo });
    expect(douyin.sim.trackingWrites.filter((w) => w.channelOrderId === channelOrderId)).toHaveLength(1);
  });

  it('when a manual order ships, then no platform is told', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const created = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    const picking = await orderInStatus(stack, created.body.orderId, 'PICKING');
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    // Delivered: the shipping step (where a write-back would start) is long over.
    await orderInStatus(stack, created.body.orderId, ['DELIVERED', 'COMPLETED']);
    const started = await stack.client.workflow.getHandle(`tracking-writeback-${created.body.orderId}`).describe().catch(() => undefined);
    expect(started).toBeUndefined();
  });
});

it('when the callback route is hit without a state, then it answers 400 and needs no API key', async () => {
  const res = await stack.app.request('/v1/oauth/douyin/callback?code=x');
  expect(res.status).toBe(400);
  const keyed = await stack.app.request('/v1/stores', { headers: { authorization: 'Bearer nope' } });
  expect(keyed.status).toBe(401);
});
