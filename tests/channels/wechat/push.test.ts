import { describe, expect, it } from 'vitest';
import { adapterFor, InvalidPushError } from '../../../channels';
import type { StoreCredentials } from '../../../channels/types';
import { wechatPushSignature } from '../../../channels/wechat/sign';

const STORE: StoreCredentials = { storeId: 's1', platform: 'wechat', shopId: 'gh_0123456789ab', appKey: 'wx123', appSecret: 'secret', pushToken: 'push-token' };
const NOW = new Date(1714566600 * 1000);
const BODY = '{"ToUserName":"gh_0123456789ab","FromUserName":"oAbCdEfGhIjKlMnOpQrStUvWxYz0","CreateTime":1714566620,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928,"pay_time":1714566620}}';

describe('WeChat push verification', () => {
  const wechat = adapterFor('wechat');
  const signed = (token: string, timestamp: string) => ({ signature: wechatPushSignature(token, timestamp, '123456'), timestamp, nonce: '123456' });
  const cases = [
    { when: 'the signature matches the push token', store: STORE, query: signed('push-token', '1714566600'), expected: { ok: true } },
    { when: 'the signature was made with another token', store: STORE, query: signed('guess', '1714566600'), expected: { ok: false, reason: 'forged signature' } },
    { when: 'the nonce was changed', store: STORE, query: { ...signed('push-token', '1714566600'), nonce: '654321' }, expected: { ok: false, reason: 'forged signature' } },
    { when: 'the signature is missing', store: STORE, query: { timestamp: '1714566600', nonce: '1' }, expected: { ok: false, reason: 'forged signature' } },
    { when: 'the timestamp is more than 5 minutes old', store: STORE, query: signed('push-token', '1714566299'), expected: { ok: false, reason: expect.stringContaining('stale') } },
    { when: 'the timestamp is more than 5 minutes ahead', store: STORE, query: signed('push-token', '1714566901'), expected: { ok: false, reason: expect.stringContaining('future') } },
    { when: 'the store has no push token', store: { ...STORE, pushToken: undefined }, query: signed('push-token', '1714566600'), expected: { ok: false, reason: expect.stringContaining('push token') } },
  ];
  for (const { when, store, query, expected } of cases) {
    it(`when ${when}, then verification says ${expected.ok ? 'ok' : 'no'}`, () => {
      expect(wechat.verifyPush({ headers: {}, query, rawBody: BODY }, store, NOW)).toEqual(expected);
    });
  }
});

describe('WeChat push parsing', () => {
  const wechat = adapterFor('wechat');

  it('when an order event arrives, then it becomes one event with the exact order id', () => {
    expect(wechat.parsePush(BODY)).toEqual([
      {
        platform: 'wechat',
        messageId: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0:1714566620:channels_ec_order_pay:3705115058471208928',
        shopId: 'gh_0123456789ab',
        channelOrderId: '3705115058471208928',
        kind: 'paid',
        occurredAt: '2024-05-01T12:30:20.000Z',
      },
    ]);
  });

  const events = [
    ['channels_ec_order_new', 'created'],
    ['channels_ec_order_pay', 'paid'],
    ['channels_ec_order_cancel', 'cancelled'],
    ['channels_ec_order_deliver', 'shipped'],
    ['channels_ec_order_confirm', 'completed'],
  ] as const;
  for (const [event, kind] of events) {
    it(`when the event is ${event}, then the kind is ${kind}`, () => {
      expect(wechat.parsePush(BODY.replace('channels_ec_order_pay', event))[0]?.kind).toBe(kind);
    });
  }

  it('when an after-sale update arrives, then the order id is read from finder_shop_aftersale_status_update', () => {
    const body = '{"ToUserName":"gh_0123456789ab","FromUserName":"o1","CreateTime":1714566620,"MsgType":"event","Event":"channels_ec_aftersale_update","finder_shop_aftersale_status_update":{"status":"MERCHANT_PROCESSING","after_sale_order_id":"1","order_id":"3705115058471208928"}}';
    expect(wechat.parsePush(body)).toEqual([expect.objectContaining({ kind: 'refund_requested', channelOrderId: '3705115058471208928' })]);
  });

  it('when an after-sale update arrives, then its after_sale_order_id becomes the refundId, exact even as a bare big number', () => {
    const body = '{"ToUserName":"gh_0123456789ab","FromUserName":"o1","CreateTime":1714566620,"MsgType":"event","Event":"channels_ec_aftersale_update","finder_shop_aftersale_status_update":{"status":"MERCHANT_PROCESSING","after_sale_order_id":2000002468828209123,"order_id":3705115058471208928}}';
    expect(wechat.parsePush(body)).toEqual([expect.objectContaining({ channelOrderId: '3705115058471208928', refundId: '2000002468828209123' })]);
  });

  it('when an order event arrives, then it carries no refundId', () => {
    expect(wechat.parsePush(BODY)[0]).not.toHaveProperty('refundId');
  });

  it('when the message is not an event we track, then no event comes out', () => {
    expect(wechat.parsePush(BODY.replace('channels_ec_order_pay', 'product_spu_audit'))).toEqual([]);
    expect(wechat.parsePush(BODY.replace('"MsgType":"event"', '"MsgType":"text"'))).toEqual([]);
  });

  it('when the body is not JSON, then parsing throws InvalidPushError', () => {
    expect(() => wechat.parsePush('<xml></xml>')).toThrow(InvalidPushError);
  });

  it('when acknowledging, then WeChat gets the plain text "success"', () => {
    expect(wechat.pushAck()).toEqual({ status: 200, contentType: 'text/plain', body: 'success' });
  });
});
