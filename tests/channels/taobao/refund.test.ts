/**
 * The refund write-back on the wire: which TOP methods are called with which parameters, that they are
 * signed like every other call, and how per-refund refusals inside a normal response become errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterFor } from '../../../channels';
import { topSign } from '../../../channels/taobao/sign';
import { startSimulator, type RunningSimulator, type TaobaoSimulator } from '../../../channels/simulators';
import type { StoreCredentials } from '../../../channels/types';
import { interceptPlatformCalls, restorePlatformCalls } from '../platform-wire';

const STORE: StoreCredentials = { storeId: 's1', platform: 'tmall', shopId: '2200000000001', appKey: '12345678', appSecret: 'top-secret', accessToken: 'session-1', baseUrl: 'http://top.test' };
const TID = '3912845670123456789';
const REFUND_ID = '2900012345678901234';

/** Raw response text: big ids as bare JSON numbers, the way TOP sends them. */
const refundGet = (phase = ',"refund_phase":"onsale"', tid = TID) =>
  `{"refund_get_response":{"refund":{"refund_id":${REFUND_ID},"tid":${tid},"status":"WAIT_SELLER_AGREE","refund_fee":"180.08","refund_version":1714566665000${phase}}}}`;
const agreed = (succ: boolean, message = 'success') =>
  `{"rp_refunds_agree_response":{"succ":${succ},"msg":"${message}","results":{"refund_mapping_result":[{"refund_id":${REFUND_ID},"succ":${succ},"message":"${message}"}]}}}`;

describe('Taobao refund write-back', () => {
  let sent: Record<string, string>[];
  let replies: string[];
  beforeEach(() => {
    sent = [];
    replies = [];
    interceptPlatformCalls(({ body }) => {
      sent.push(Object.fromEntries(new URLSearchParams(body)));
      return replies.shift() ?? '{}';
    });
  });
  afterEach(() => restorePlatformCalls());

  const tmall = adapterFor('tmall');
  const write = (amountFen = 15_000) => tmall.writeRefund(STORE, { channelOrderId: TID, refundId: REFUND_ID, amountFen });

  it('when agreeing, then it reads the refund first and quotes id, fen amount, version and phase in refund_infos, both calls signed', async () => {
    replies = [refundGet(), agreed(true)];
    await expect(write()).resolves.toEqual({ reference: REFUND_ID });
    expect(sent.map((p) => p.method)).toEqual(['taobao.refund.get', 'taobao.rp.refunds.agree']);
    expect(sent[0]).toMatchObject({ refund_id: REFUND_ID, fields: 'refund_id,tid,refund_fee,status,refund_version,refund_phase', session: 'session-1' });
    expect(sent[1]).toMatchObject({ refund_infos: `${REFUND_ID}|15000|1714566665000|onsale`, app_key: '12345678', sign_method: 'hmac-sha256' });
    for (const params of sent) expect(params.sign).toBe(topSign(params, 'top-secret', 'hmac-sha256'));
  });

  it('when the refund has no phase (a Taobao refund), then refund_infos leaves the phase off', async () => {
    replies = [refundGet(''), agreed(true)];
    await write(1);
    expect(sent[1]?.refund_infos).toBe(`${REFUND_ID}|1|1714566665000`);
  });

  it('when TOP answers the agree with a refused result, then it throws a non-retryable REFUND_REFUSED carrying the platform message', async () => {
    replies = [refundGet(), agreed(false, 'refund status does not allow agreeing')];
    await expect(write()).rejects.toMatchObject({ name: 'ChannelApiError', code: 'REFUND_REFUSED', retryable: false, message: expect.stringContaining('refund status does not allow agreeing') });
  });

  it('when the refund belongs to another trade, then nothing is agreed', async () => {
    replies = [refundGet(undefined, '3912845670123456000')];
    await expect(write()).rejects.toMatchObject({ code: 'REFUND_ORDER_MISMATCH', retryable: false });
    expect(sent).toHaveLength(1);
  });

  it('when TOP does not know the refund, then the error envelope is thrown and not retried', async () => {
    replies = ['{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isv.refund-not-exist","sub_msg":"refund not found"}}'];
    await expect(write()).rejects.toMatchObject({ code: '15', subCode: 'isv.refund-not-exist', retryable: false });
  });

  for (const amountFen of [0, -100, 12.5]) {
    it(`when the amount is ${amountFen} fen, then it throws without calling TOP`, async () => {
      await expect(write(amountFen)).rejects.toMatchObject({ code: 'INVALID_AMOUNT', retryable: false });
      expect(sent).toEqual([]);
    });
  }
});

describe('Taobao refund against the simulator', () => {
  let running: RunningSimulator<TaobaoSimulator>;
  beforeEach(async () => {
    running = await startSimulator('taobao', { appKey: 'k', appSecret: 's', skus: ['SKU-1'], seed: 5, now: () => new Date('2024-05-01T12:00:00Z') });
  });
  afterEach(() => running.close());

  it('when the amount is above what the buyer paid for the line, then TOP refuses it and the refund stays open', async () => {
    const store: StoreCredentials = { storeId: 's1', platform: 'taobao', shopId: 'shop', appKey: 'k', appSecret: 's', baseUrl: running.baseUrl };
    const trade = running.sim.addOrder(running.sim.generateOrder());
    const refundId = running.sim.requestRefund(trade.tid_str);
    const paidFen = Math.round(Number(trade.orders.order[0]!.payment) * 100);
    await expect(adapterFor('taobao').writeRefund(store, { channelOrderId: trade.tid_str, refundId, amountFen: paidFen + 1 })).rejects.toMatchObject({ code: 'REFUND_REFUSED', retryable: false });
    expect(running.sim.refundWrites).toEqual([]);
    await adapterFor('taobao').writeRefund(store, { channelOrderId: trade.tid_str, refundId, amountFen: paidFen });
    expect(running.sim.refundWrites).toEqual([{ channelOrderId: trade.tid_str, refundId, amountFen: paidFen }]);
  });
});

describe('Taobao refundIdOf', () => {
  const taobao = adapterFor('taobao');
  const trade = (lines: { refund_status: string; refund_id?: string }[]) => ({ tid: TID, status: 'WAIT_SELLER_SEND_GOODS', orders: { order: lines } });

  it('when a line has an open refund, then its refund id comes back', () => {
    expect(taobao.refundIdOf(trade([{ refund_status: 'NO_REFUND' }, { refund_status: 'WAIT_BUYER_RETURN_GOODS', refund_id: REFUND_ID }]))).toBe(REFUND_ID);
  });

  it('when the only refund is finished or closed, then there is none to agree', () => {
    expect(taobao.refundIdOf(trade([{ refund_status: 'SUCCESS', refund_id: REFUND_ID }, { refund_status: 'CLOSED', refund_id: '1' }]))).toBeUndefined();
  });
});
