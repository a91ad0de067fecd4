/** The refund write-back on the wire: pdd.refund.agree's parameters, its MD5 signature, and refusals. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../channels';
import { pddSign } from '../../../channels/pdd/sign';
import { startSimulator, type PddSimulator, type RunningSimulator } from '../../../channels/simulators';
import type { StoreCredentials } from '../../../channels/types';
import { interceptPlatformCalls, restorePlatformCalls } from '../platform-wire';

const STORE: StoreCredentials = { storeId: 's1', platform: 'pdd', shopId: '100000001', appKey: 'pdd-client', appSecret: 'pdd-secret', accessToken: 'pdd-token', baseUrl: 'http://pdd.test' };
const ORDER_SN = '240501-512345678901234';

describe('PDD refund write-back', () => {
  let sent: Record<string, string>[];
  let reply: string;
  beforeEach(() => {
    sent = [];
    reply = '{}';
    interceptPlatformCalls(({ body }) => {
      sent.push(Object.fromEntries(new URLSearchParams(body)));
      return reply;
    });
  });
  afterEach(() => restorePlatformCalls());

  const pdd = adapterFor('pdd');
  const write = (amountFen = 15_000) => pdd.writeRefund(STORE, { channelOrderId: ORDER_SN, refundId: '123456789012', amountFen });

  it('when agreeing, then pdd.refund.agree gets the order, the after-sale id and the amount in fen, MD5-signed', async () => {
    reply = '{"response":{"result":{"succ":true,"message":"退款操作成功","after_sales_id":123456789012,"order_sn":"240501-123456789012345"}}}';
    await expect(write()).resolves.toEqual({ reference: '123456789012' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: 'pdd.refund.agree',
      order_sn: ORDER_SN,
      after_sales_id: '123456789012',
      refund_amount: '15000',
      operate_desc: expect.any(String),
      client_id: 'pdd-client',
      access_token: 'pdd-token',
      data_type: 'JSON',
    });
    expect(sent[0]?.sign).toBe(pddSign(sent[0]!, 'pdd-secret'));
  });

  it('when PDD answers succ false, then it throws a non-retryable REFUND_REFUSED with PDD\'s reason', async () => {
    reply = '{"response":{"result":{"succ":false,"message":"售后单状态不允许同意退款"}}}';
    await expect(write()).rejects.toMatchObject({ name: 'ChannelApiError', code: 'REFUND_REFUSED', retryable: false, message: expect.stringContaining('售后单状态不允许同意退款') });
  });

  it('when PDD refuses with an error_response, then its code comes through and the error is not retryable', async () => {
    reply = '{"error_response":{"error_code":50005,"error_msg":"after-sale is not awaiting the merchant"}}';
    await expect(write()).rejects.toMatchObject({ name: 'ChannelApiError', code: '50005', retryable: false });
  });

  it('when the amount is not a positive whole number of fen, then it throws before calling PDD', async () => {
    await expect(write(0.5)).rejects.toMatchObject({ code: 'INVALID_AMOUNT', retryable: false });
    expect(sent).toEqual([]);
  });

  it('when asked for the refund id of an order, then there is none: PDD order info does not name its after-sale', () => {
    expect(pdd.refundIdOf({ order_sn: ORDER_SN, order_status: 1, refund_status: 2 })).toBeUndefined();
  });
});

describe('PDD refund against the simulator', () => {
  let running: RunningSimulator<PddSimulator>;
  beforeEach(async () => {
    running = await startSimulator('pdd', { appKey: 'k', appSecret: 's', skus: ['SKU-1'], seed: 5, now: () => new Date('2024-05-01T12:00:00Z') });
  });
  afterEach(() => running.close());

  it('when the after-sale is on another order or the amount is above what the buyer paid, then PDD refuses and nothing is refunded', async () => {
    const store: StoreCredentials = { storeId: 's1', platform: 'pdd', shopId: 'mall', appKey: 'k', appSecret: 's', baseUrl: running.baseUrl };
    const order = running.sim.addOrder(running.sim.generateOrder());
    const other = running.sim.addOrder(running.sim.generateOrder());
    const refundId = running.sim.requestRefund(order.order_sn);
    const paidFen = Math.round(order.pay_amount * 100);
    const pdd = adapterFor('pdd');
    await expect(pdd.writeRefund(store, { channelOrderId: other.order_sn, refundId, amountFen: 1 })).rejects.toMatchObject({ name: 'ChannelApiError', retryable: false });
    await expect(pdd.writeRefund(store, { channelOrderId: order.order_sn, refundId, amountFen: paidFen + 1 })).rejects.toMatchObject({ name: 'ChannelApiError', retryable: false });
    expect(running.sim.refundWrites).toEqual([]);
    expect(pdd.statusOf(await pdd.fetchOrder(store, order.order_sn))).toBe('refund_requested');
    await pdd.writeRefund(store, { channelOrderId: order.order_sn, refundId, amountFen: paidFen });
    expect(running.sim.refundWrites).toEqual([{ channelOrderId: order.order_sn, refundId, amountFen: paidFen }]);
  });
});
