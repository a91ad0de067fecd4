import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../../channels';
import { createSimulator } from '../../../channels/simulators';
import type { Platform } from '../../../channels/types';
import { applyMapping } from '../../../domain/mapping';

const OPTS = { appKey: 'key', appSecret: 'secret', pushToken: 'push-token', skus: ['SKU-A', 'SKU-B'], seed: 9, now: () => new Date('2024-05-01T12:00:00Z') };
const PLATFORMS: Platform[] = ['taobao', 'tmall', 'pdd', 'douyin', 'wechat'];

describe('simulator order generation', () => {
  for (const platform of PLATFORMS) {
    it(`when a ${platform} order is generated for given SKUs and a city, then it maps to a valid order using only those SKUs, that city and a mobile number`, () => {
      const sim = createSimulator(platform, OPTS);
      const raw = sim.generateOrder({ skus: ['ONLY-1', 'ONLY-2'], province: '湖北省', city: '武汉市' });
      const mapped = applyMapping(adapterFor(platform).mapping, raw);
      expect(mapped.ok).toBe(true);
      if (!mapped.ok) return;
      expect(mapped.order.shippingAddress).toMatchObject({ province: '湖北省', city: '武汉市', district: '洪山区' });
      expect(mapped.order.customer.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(mapped.order.customer.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      expect(mapped.order.lines.map((l) => l.sku).every((sku) => ['ONLY-1', 'ONLY-2'].includes(sku))).toBe(true);
    });

    it(`when two ${platform} simulators share a seed, then they generate the same order`, () => {
      expect(createSimulator(platform, OPTS).generateOrder()).toEqual(createSimulator(platform, OPTS).generateOrder());
    });
  }

  it('when a province the table does not know is asked for, then the order still uses it', () => {
    const raw = createSimulator('douyin', OPTS).generateOrder({ province: '青海省', city: '西宁市' });
    const mapped = applyMapping(adapterFor('douyin').mapping, raw);
    expect(mapped.ok && mapped.order.shippingAddress).toMatchObject({ province: '青海省', city: '西宁市' });
  });

  const units = [
    { platform: 'taobao', price: (raw: any) => raw.orders.order[0].price, check: (v: unknown) => typeof v === 'string' && /^\d+\.\d{2}$/.test(v) },
    { platform: 'pdd', price: (raw: any) => raw.item_list[0].goods_price, check: (v: unknown) => typeof v === 'number' && Math.round(v * 100) / 100 === v },
    { platform: 'douyin', price: (raw: any) => raw.sku_order_list[0].origin_amount, check: (v: unknown) => Number.isInteger(v) },
    { platform: 'wechat', price: (raw: any) => raw.order_detail.product_infos[0].sale_price, check: (v: unknown) => Number.isInteger(v) },
  ] as const;
  for (const { platform, price, check } of units) {
    it(`when a ${platform} order is generated, then prices are in the platform's own unit`, () => {
      expect(check(price(createSimulator(platform, OPTS).generateOrder()))).toBe(true);
    });
  }

  it('when PDD is asked for an unpaid order, then it refuses: PDD never shows those', () => {
    expect(() => createSimulator('pdd', OPTS).generateOrder({ paid: false })).toThrow(/unpaid/);
  });

  it('when an unpaid Douyin order is generated, then the platform status is unpaid and there is no pay time', () => {
    const raw = createSimulator('douyin', OPTS).generateOrder({ paid: false });
    expect(adapterFor('douyin').statusOf(raw)).toBe('unpaid');
    const mapped = applyMapping(adapterFor('douyin').mapping, raw);
    expect(mapped.ok && mapped.order.paidAt).toBeUndefined();
  });
});

describe('simulator state changes', () => {
  it('when an order is updated, then its modified time moves to the simulator clock', () => {
    const sim = createSimulator('taobao', OPTS);
    const trade = sim.addOrder(sim.generateOrder({ at: new Date('2024-05-01T10:00:00Z') }));
    expect(sim.updateOrder(trade.tid_str, { status: 'TRADE_CLOSED' })).toMatchObject({ status: 'TRADE_CLOSED', modified: '2024-05-01 20:00:00' });
  });

  it('when a push kind has no equivalent on the platform, then signedPush throws', () => {
    const sim = createSimulator('pdd', OPTS);
    const order = sim.addOrder(sim.generateOrder());
    expect(() => sim.signedPush({ kind: 'created', channelOrderId: order.order_sn })).toThrow(/cannot push created/);
  });
});

describe('simulators refuse bad signatures with the platform error envelope', () => {
  const form = (params: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });

  it('when TOP gets a wrong sign, then it answers error_response code 25', async () => {
    const res = await createSimulator('taobao', OPTS).app.request('/router/rest', form({ method: 'taobao.trade.fullinfo.get', app_key: 'key', sign_method: 'md5', sign: 'BAD', tid: '1' }));
    expect(await res.json()).toMatchObject({ error_response: { code: 25, msg: 'Invalid signature' } });
  });

  it('when PDD gets a wrong sign, then it answers error_response with an error_code', async () => {
    const res = await createSimulator('pdd', OPTS).app.request('/api/router', form({ type: 'pdd.order.information.get', client_id: 'key', sign: 'BAD' }));
    expect(await res.json()).toMatchObject({ error_response: { error_code: 10017 } });
  });

  it('when Douyin gets a wrong sign, then it answers a non-10000 code', async () => {
    const query = new URLSearchParams({ app_key: 'key', method: 'order.orderDetail', timestamp: '1714566600', v: '2', sign: 'bad', sign_method: 'hmac-sha256' });
    const res = await createSimulator('douyin', OPTS).app.request(`/order/orderDetail?${query.toString()}`, { method: 'POST', body: '{"shop_order_id":"1"}' });
    expect(await res.json()).toMatchObject({ code: 30002, msg: '签名校验失败' });
  });

  it('when WeChat gets a wrong access token, then it answers errcode 40001', async () => {
    const res = await createSimulator('wechat', OPTS).app.request('/channels/ec/order/get?access_token=stolen', { method: 'POST', body: '{"order_id":"1"}' });
    expect(await res.json()).toMatchObject({ errcode: 40001 });
  });
});
