/**
 * Platform pushes through the Redis buffer into order workflows, on the real stack: signed webhook → Redis
 * stream → consumer → platform API (simulator) → mapping → signal-with-start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFor } from '../../channels';
import type { Platform } from '../../channels/types';
import { findOrder } from '../../db/queries/orders';
import { listDeadLetters } from '../../db/queries/ingest';
import { applyMapping } from '../../domain/mapping';
import { connectShop, postPush, SUCCESS_ACK, type ConnectedShop } from '../ingest/support';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
const shops: ConnectedShop[] = [];
beforeAll(async () => {
  stack = await startStack({ ingest: { redis: true } });
});
afterAll(async () => {
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

async function shopFor(platform: Platform, opts?: Parameters<typeof connectShop>[2]) {
  const shop = await connectShop(stack, platform, opts);
  shops.push(shop);
  return shop;
}

const timelineOf = async (orderId: string) => (await stack.orders.get(orderId))?.timeline.map((e) => e.type) ?? [];

async function stateWhen(orderId: string, check: (types: string[], status: string) => boolean, what: string) {
  return eventually(
    async () => {
      const state = await stack.orders.get(orderId);
      return state && check(state.timeline.map((e) => e.type), state.status) ? state : undefined;
    },
    60_000,
    what,
  );
}

/** Until the buffer is empty: every entry appended so far has been handed over (or parked) and acknowledged. */
const drained = () => eventually(async () => ((await stack.ingest.backlog()).length === 0 ? true : undefined), 60_000, 'the buffer to drain');

describe('a signed push per platform', () => {
  for (const platform of ['taobao', 'tmall', 'pdd', 'douyin', 'wechat'] as const) {
    it(`when ${platform} pushes "paid" for an order, then the webhook answers in ${platform}'s format and the order runs as a canonical order of the store`, async () => {
      const shop = await shopFor(platform);
      const { channelOrderId, orderId, raw } = shop.addOrder();

      const res = await postPush(stack, platform, shop.push('paid', channelOrderId));
      expect(res.status).toBe(200);
      expect(res.contentType).toContain(SUCCESS_ACK[platform].contentType);
      expect(res.text).toBe(SUCCESS_ACK[platform].text);

      const state = await stateWhen(orderId, (types) => types.includes('PAYMENT_CONFIRMED'), `${orderId} to be paid`);
      const expected = applyMapping(adapterFor(platform).mapping, raw);
      if (!expected.ok) throw new Error(`the default ${platform} mapping does not map the simulator's order`);
      expect(state).toMatchObject({
        orderId,
        channel: platform,
        channelOrderId,
        storeId: shop.storeId,
        customer: expected.order.customer,
        shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区' },
        lines: expected.order.lines,
      });
      expect(state.paidAt).not.toBeNull();
      const row = await findOrder(stack.db, orderId);
      expect(row?.row).toMatchObject({ workflowId: `order-${orderId}`, storeId: shop.storeId, channel: platform });
    });
  }
});

describe('pushes that must not become orders', () => {
  it('when a push is signed with the wrong secret, then it gets 401 and nothing is stored: no buffer entry, no message id, no order, no dead letter', async () => {
    const shop = await shopFor('douyin');
    const { channelOrderId, orderId } = shop.addOrder();
    // A forger knows everything but the app secret: the body is genuine, the signature is not.
    const genuine = shop.push('paid', channelOrderId);
    const forged = { ...genuine, headers: { ...genuine.headers, 'event-sign': forgedSign(genuine.headers['event-sign']!) } };
    const before = await stack.redis!.xlen(stack.ingest.keys!.stream);

    const res = await postPush(stack, 'douyin', forged);

    expect(res.status).toBe(401);
    expect(await stack.redis!.xlen(stack.ingest.keys!.stream)).toBe(before);
    expect(await stack.redis!.keys(`${stack.ingest.keys!.seen}:douyin:*`)).not.toContain(`${stack.ingest.keys!.seen}:douyin:${messageIdOf(genuine.body)}`);
    expect(await findOrder(stack.db, orderId)).toBeUndefined();
    expect((await listDeadLetters(stack.db, { storeId: shop.storeId, limit: 10 })).length).toBe(0);

    // The genuine push with the same message id is still accepted afterwards: the forgery did not burn it.
    expect((await postPush(stack, 'douyin', genuine)).status).toBe(200);
    await stateWhen(orderId, (types) => types.includes('PAYMENT_CONFIRMED'), 'the genuine push to go through');
  });

  it('when a relayed Taobao push is older than five minutes, then it gets 401 and nothing is buffered', async () => {
    const shop = await shopFor('taobao', { now: () => new Date(Date.now() - 10 * 60_000) });
    const { channelOrderId, orderId } = shop.addOrder();
    const before = await stack.redis!.xlen(stack.ingest.keys!.stream);

    const res = await postPush(stack, 'taobao', shop.push('paid', channelOrderId));

    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.message).toMatch(/old|stale|timestamp/i);
    expect(await stack.redis!.xlen(stack.ingest.keys!.stream)).toBe(before);
    expect(await findOrder(stack.db, orderId)).toBeUndefined();
  });

  it('when a push names a shop that is not connected, then it gets 401', async () => {
    const shop = await shopFor('pdd');
    const { channelOrderId } = shop.addOrder();
    const push = shop.push('paid', channelOrderId);
    const otherShop = push.body.replace(`"mallID":${shop.shopId}`, `"mallID":${Number(shop.shopId) + 7}`);
    expect(otherShop).not.toBe(push.body);

    const res = await postPush(stack, 'pdd', { ...push, body: otherShop });

    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.message).toMatch(/not connected/);
  });

  it('when a push body is not the platform format, then it gets 400', async () => {
    const res = await postPush(stack, 'douyin', { headers: { 'content-type': 'application/json' }, query: {}, body: '{"not":"a douyin push"}' });
    expect(res.status).toBe(400);
  });
});

describe('redeliveries and status changes', () => {
  it('when the same push is delivered again, then it is acknowledged and changes nothing', async () => {
    const shop = await shopFor('wechat');
    const first = shop.addOrder();
    const push = shop.push('paid', first.channelOrderId);
    expect((await postPush(stack, 'wechat', push)).status).toBe(200);
    await stateWhen(first.orderId, (types) => types.includes('PAYMENT_CONFIRMED'), 'the first delivery');
    const delivered = stack.ingest.processor.stats.delivered;
    const streamBefore = await stack.redis!.xlen(stack.ingest.keys!.stream);

    const again = await postPush(stack, 'wechat', push);
    expect(again).toMatchObject({ status: 200, text: 'success' });
    // The redelivery was not buffered at all; a later, different push goes through as the only new entry.
    expect(await stack.redis!.xlen(stack.ingest.keys!.stream)).toBeLessThanOrEqual(streamBefore);
    const second = shop.addOrder();
    expect((await postPush(stack, 'wechat', shop.push('paid', second.channelOrderId))).status).toBe(200);
    await stateWhen(second.orderId, (types) => types.includes('PAYMENT_CONFIRMED'), 'the later push');
    await drained();

    expect(stack.ingest.processor.stats.delivered).toBe(delivered + 1);
    const once = (await timelineOf(first.orderId)).filter((type) => type === 'ORDER_RECEIVED' || type === 'PAYMENT_CONFIRMED');
    expect(once).toEqual(['ORDER_RECEIVED', 'PAYMENT_CONFIRMED']);
  });

  it('when the buyer pays after the order was pushed as created, then the running workflow gets the payment', async () => {
    const shop = await shopFor('douyin');
    const { channelOrderId, orderId } = shop.addOrder({ paid: false });
    expect((await postPush(stack, 'douyin', shop.push('created', channelOrderId))).status).toBe(200);
    await stateWhen(orderId, (_types, status) => status === 'PENDING_PAYMENT', 'the unpaid order to run');

    const payTime = Math.floor(Date.now() / 1000);
    shop.sim.updateOrder(channelOrderId, { order_status: 2, pay_time: payTime });
    expect((await postPush(stack, 'douyin', shop.push('paid', channelOrderId))).status).toBe(200);

    const paid = await stateWhen(orderId, (_types, status) => status !== 'PENDING_PAYMENT', 'the payment to arrive');
    expect(paid.paidAt).toBe(new Date(payTime * 1000).toISOString());
  });

  it('when the buyer cancels on the platform, then the running order is cancelled', async () => {
    const shop = await shopFor('douyin');
    const { channelOrderId, orderId } = shop.addOrder();
    expect((await postPush(stack, 'douyin', shop.push('paid', channelOrderId))).status).toBe(200);
    await stateWhen(orderId, (types) => types.includes('PAYMENT_CONFIRMED'), 'the order to be paid');

    shop.sim.updateOrder(channelOrderId, { order_status: 4 });
    expect((await postPush(stack, 'douyin', shop.push('cancelled', channelOrderId))).status).toBe(200);

    const cancelled = await stateWhen(orderId, (_types, status) => status === 'CANCELLED', 'the order to be cancelled');
    expect(cancelled.cancelReason).toBe('cancelled on douyin');
  });

  it('when the buyer asks for a refund on the platform, then the running order gets the return request', async () => {
    const shop = await shopFor('douyin');
    const { channelOrderId, orderId, raw } = shop.addOrder();
    expect((await postPush(stack, 'douyin', shop.push('paid', channelOrderId))).status).toBe(200);
    await stateWhen(orderId, (types) => types.includes('PAYMENT_CONFIRMED'), 'the order to be paid');

    const lines = (raw.sku_order_list as { after_sale_info: object }[]).map((line) => ({ ...line, after_sale_info: { after_sale_status: 6, refund_status: 1 } }));
    shop.sim.updateOrder(channelOrderId, { sku_order_list: lines } as never);
    expect((await postPush(stack, 'douyin', shop.push('refund_requested', channelOrderId))).status).toBe(200);

    // Not delivered yet, so the workflow refuses the return and records why; the request reached it either way.
    const state = await stateWhen(orderId, (types) => types.includes('RETURN_REQUEST_REFUSED'), 'the return request to reach the order');
    const refused = state.timeline.find((e) => e.type === 'RETURN_REQUEST_REFUSED');
    expect(refused?.detail).toMatchObject({ externalId: `douyin-refund-${channelOrderId}` });
  });

  it('when a push reports an order the platform already shipped and the OMS never saw, then no workflow is started for it', async () => {
    const shop = await shopFor('douyin');
    const { channelOrderId, orderId } = shop.addOrder();
    shop.sim.updateOrder(channelOrderId, { order_status: 3 });
    const ignored = stack.ingest.processor.stats.ignored;

    expect((await postPush(stack, 'douyin', shop.push('shipped', channelOrderId))).status).toBe(200);

    await eventually(async () => (stack.ingest.processor.stats.ignored > ignored ? true : undefined), 30_000, 'the push to be handled');
    expect(await stack.orders.get(orderId)).toBeUndefined();
  });
});

describe('WeChat push URL check', () => {
  it('when WeChat checks the push URL with a valid signature, then the echostr comes back; with a wrong one, 401', async () => {
    const shop = await shopFor('wechat');
    const { channelOrderId } = shop.addOrder();
    const { query } = shop.push('paid', channelOrderId);

    const ok = await stack.app.request(`/v1/webhooks/wechat?${new URLSearchParams({ ...query, echostr: 'echo-1234' })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('echo-1234');

    const bad = await stack.app.request(`/v1/webhooks/wechat?${new URLSearchParams({ ...query, nonce: `${query.nonce}x`, echostr: 'echo-1234' })}`);
    expect(bad.status).toBe(401);
  });
});

function forgedSign(sign: string): string {
  return sign.replace(/^./, (c) => (c === '0' ? '1' : '0'));
}

function messageIdOf(body: string): string {
  return (JSON.parse(body) as { msg_id: string }[])[0]!.msg_id;
}
