import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../channels';
import { createSimulator, type DouyinSimulator } from '../../../channels/simulators';
import type { StoreCredentials } from '../../../channels/types';
import { answerFromSimulator, restorePlatformCalls } from '../platform-wire';

const STORE: StoreCredentials = { storeId: 's1', platform: 'douyin', shopId: '4463798', appKey: 'dy-key', appSecret: 'dy-secret', baseUrl: 'http://douyin.sim' };

describe('Douyin refund write-back', () => {
  const douyin = adapterFor('douyin');
  let sim: DouyinSimulator;
  beforeEach(() => {
    sim = createSimulator('douyin', { appKey: STORE.appKey, appSecret: STORE.appSecret, skus: ['CUP-500'], seed: 3, now: () => new Date('2024-05-01T12:00:00Z') });
  });
  afterEach(() => restorePlatformCalls());

  it('when agreeing a refund, then afterSale.operate is called with type 201 and the after-sale id and amount in fen, and the reference is the after-sale id', async () => {
    const order = sim.addOrder(sim.generateOrder());
    const refundId = sim.requestRefund(order.order_id);
    const seen = answerFromSimulator(sim);
    await expect(douyin.writeRefund(STORE, { channelOrderId: order.order_id, refundId, amountFen: 150 })).resolves.toEqual({ reference: refundId });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url.pathname).toBe('/afterSale/operate');
    expect(seen[0]?.url.searchParams.get('method')).toBe('afterSale.operate');
    expect(seen[0]?.body).toBe(`{"items":[{"aftersale_id":"${refundId}","operate_info":{"refund_amount":150}}],"type":201}`);
    expect(sim.refundWrites).toEqual([{ channelOrderId: order.order_id, refundId, amountFen: 150 }]);
  });

  it('when the amount is more than the line was paid, then the item is refused: a non-retryable REFUND_REFUSED with the platform message, and nothing is refunded', async () => {
    const order = sim.addOrder(sim.generateOrder());
    const refundId = sim.requestRefund(order.order_id);
    const paid = order.sku_order_list[0]?.pay_amount ?? 0;
    answerFromSimulator(sim);
    const refused = douyin.writeRefund(STORE, { channelOrderId: order.order_id, refundId, amountFen: paid + 1 });
    await expect(refused).rejects.toMatchObject({ name: 'ChannelApiError', code: 'REFUND_REFUSED', retryable: false, message: expect.stringContaining('退款金额') });
    expect(sim.refundWrites).toEqual([]);
  });

  it('when Douyin answers with an error envelope, then the client throws its code and sub_code', async () => {
    answerFromSimulator(sim, { code: 50002, msg: '业务处理失败', sub_code: 'isv.business-failed:20309541', sub_msg: '售后状态错误', data: {} });
    const refused = douyin.writeRefund(STORE, { channelOrderId: '1', refundId: '7351234567890123459', amountFen: 1 });
    await expect(refused).rejects.toMatchObject({ name: 'ChannelApiError', code: '50002', subCode: 'isv.business-failed:20309541', retryable: false });
  });
});
