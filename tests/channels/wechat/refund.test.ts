import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../channels';
import { createSimulator, type WechatSimulator } from '../../../channels/simulators';
import type { StoreCredentials } from '../../../channels/types';
import { answerFromSimulator, restorePlatformCalls } from '../platform-wire';

const STORE: StoreCredentials = { storeId: 's1', platform: 'wechat', shopId: 'gh_0123456789ab', appKey: 'wx123', appSecret: 'secret', accessToken: 'fixed-token', baseUrl: 'http://wechat.sim' };

describe('WeChat refund write-back', () => {
  const wechat = adapterFor('wechat');
  let sim: WechatSimulator;
  beforeEach(() => {
    sim = createSimulator('wechat', { appKey: STORE.appKey, appSecret: STORE.appSecret, accessToken: 'fixed-token', skus: ['CUP-500'], seed: 3, now: () => new Date('2024-05-01T12:00:00Z') });
  });
  afterEach(() => restorePlatformCalls());

  it('when agreeing a refund, then acceptapply gets the after-sale id, accept_type 2 and the amount in fen, and the reference is the after-sale id', async () => {
    const order = sim.addOrder(sim.generateOrder());
    const refundId = sim.requestRefund(order.order_id);
    const seen = answerFromSimulator(sim);
    await expect(wechat.writeRefund(STORE, { channelOrderId: order.order_id, refundId, amountFen: 150 })).resolves.toEqual({ reference: refundId });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url.pathname).toBe('/channels/ec/aftersale/acceptapply');
    expect(seen[0]?.url.searchParams.get('access_token')).toBe('fixed-token');
    expect(JSON.parse(seen[0]!.body)).toEqual({ after_sale_order_id: refundId, accept_type: 2, refund_amount: 150 });
    expect(sim.refundWrites).toEqual([{ channelOrderId: order.order_id, refundId, amountFen: 150 }]);
    expect(sim.getOrder(order.order_id)?.aftersale_detail).toEqual({ on_aftersale_order_cnt: 0, aftersale_order_list: [{ aftersale_order_id: refundId }] });
  });

  it('when the amount is more than the buyer asked for, then the simulator refuses it for good and nothing is refunded', async () => {
    const order = sim.addOrder(sim.generateOrder());
    const refundId = sim.requestRefund(order.order_id);
    answerFromSimulator(sim);
    const refused = wechat.writeRefund(STORE, { channelOrderId: order.order_id, refundId, amountFen: order.order_detail.price_info.order_price + 1 });
    await expect(refused).rejects.toMatchObject({ name: 'ChannelApiError', code: '40097', retryable: false });
    expect(sim.refundWrites).toEqual([]);
  });

  const errors = [
    { errcode: 10020001, errmsg: '售后单状态不合法', retryable: false },
    { errcode: 10021059, errmsg: '当前平台退款请求太频繁,请稍后重试', retryable: true },
    { errcode: 10021044, errmsg: '当前用户太多,请稍后再试', retryable: true },
  ];
  for (const { errcode, errmsg, retryable } of errors) {
    it(`when WeChat answers errcode ${errcode}, then the error is ${retryable ? '' : 'not '}retryable`, async () => {
      answerFromSimulator(sim, { errcode, errmsg });
      const refused = wechat.writeRefund(STORE, { channelOrderId: '1', refundId: '1768034782998651', amountFen: 1 });
      await expect(refused).rejects.toMatchObject({ name: 'ChannelApiError', code: String(errcode), retryable });
    });
  }
});
