import { describe, expect, it } from 'vitest';
import { adapterFor, InvalidPushError } from '../../../channels';
import { douyinEventSign } from '../../../channels/douyin/sign';
import type { StoreCredentials } from '../../../channels/types';

const STORE: StoreCredentials = { storeId: 's1', platform: 'douyin', shopId: '4463798', appKey: '7012345678', appSecret: 'dy-secret' };
const message = (tag: string, timeField: string, msgId = '7351234567890123456:0') =>
  `{"tag":"${tag}","msg_id":"${msgId}","data":"{\\"p_id\\":6921234567890123456,\\"s_ids\\":[6921234567890123457],\\"shop_id\\":4463798,\\"${timeField}\\":1714566665}"}`;
const BODY = `[${message('101', 'pay_time')}]`;

describe('Douyin push verification', () => {
  const douyin = adapterFor('douyin');
  const sign = douyinEventSign(STORE.appKey, BODY, STORE.appSecret);
  const cases = [
    { when: 'event-sign matches the body', headers: { 'app-id': STORE.appKey, 'event-sign': sign }, body: BODY, expected: { ok: true } },
    { when: 'event-sign is in upper case', headers: { 'app-id': STORE.appKey, 'event-sign': sign.toUpperCase() }, body: BODY, expected: { ok: true } },
    { when: 'the body was changed', headers: { 'app-id': STORE.appKey, 'event-sign': sign }, body: BODY.replace('4463798', '4463799'), expected: { ok: false, reason: 'forged signature' } },
    { when: 'it was signed with another secret', headers: { 'app-id': STORE.appKey, 'event-sign': douyinEventSign(STORE.appKey, BODY, 'wrong') }, body: BODY, expected: { ok: false, reason: 'forged signature' } },
    { when: 'app-id names another app', headers: { 'app-id': 'other', 'event-sign': sign }, body: BODY, expected: { ok: false, reason: 'app-id does not match the store' } },
  ];
  for (const { when, headers, body, expected } of cases) {
    it(`when ${when}, then verification says ${expected.ok ? 'ok' : 'no'}`, () => {
      expect(douyin.verifyPush({ headers, query: {}, rawBody: body }, STORE, new Date())).toEqual(expected);
    });
  }
});

describe('Douyin push parsing', () => {
  const douyin = adapterFor('douyin');

  it('when a push arrives, then each message becomes an event with the exact parent order id', () => {
    expect(douyin.parsePush(BODY)).toEqual([
      {
        platform: 'douyin',
        messageId: '7351234567890123456:0',
        shopId: '4463798',
        channelOrderId: '6921234567890123456',
        kind: 'paid',
        occurredAt: '2024-05-01T12:31:05.000Z',
      },
    ]);
  });

  const tags = [
    ['100', 'create_time', 'created'],
    ['101', 'pay_time', 'paid'],
    ['102', 'update_time', 'shipped'],
    ['103', 'complete_time', 'completed'],
    ['106', 'cancel_time', 'cancelled'],
    ['200', 'apply_time', 'refund_requested'],
    ['206', 'update_time', 'refunded'],
  ] as const;
  for (const [tag, timeField, kind] of tags) {
    it(`when the tag is ${tag}, then the kind is ${kind} and the time comes from ${timeField}`, () => {
      expect(douyin.parsePush(`[${message(tag, timeField)}]`)).toEqual([expect.objectContaining({ kind, occurredAt: '2024-05-01T12:31:05.000Z' })]);
    });
  }

  it('when a message has a tag we do not track (e.g. the "0" test push), then it is skipped and the others kept', () => {
    const body = `[${message('0', 'create_time', 'test')},${message('106', 'cancel_time', 'm2')}]`;
    expect(douyin.parsePush(body).map((e) => e.messageId)).toEqual(['m2']);
  });

  const malformed = [
    { when: 'the body is an object, not an array', body: message('101', 'pay_time') },
    { when: 'the tag time field is missing', body: `[${message('101', 'update_time')}]` },
    { when: 'data is not JSON', body: '[{"tag":"101","msg_id":"1","data":"{oops"}]' },
  ];
  for (const { when, body } of malformed) {
    it(`when ${when}, then parsing throws InvalidPushError`, () => {
      expect(() => douyin.parsePush(body)).toThrow(InvalidPushError);
    });
  }

  it('when acknowledging, then Douyin gets {"code":0,"msg":"success"}', () => {
    expect(douyin.pushAck()).toEqual({ status: 200, contentType: 'application/json', body: '{"code":0,"msg":"success"}' });
  });
});

describe('Douyin refund push parsing', () => {
  const douyin = adapterFor('douyin');
  const refundMessage = (data: string) => `[{"tag":"200","msg_id":"m1","data":${JSON.stringify(data)}}]`;

  it('when a refund-requested message names its after-sale with a 19-digit number, then the event carries the exact digits as refundId', () => {
    const body = refundMessage('{"aftersale_id":7351234567890123459,"p_id":6921234567890123456,"s_id":6921234567890123457,"shop_id":4463798,"apply_time":1714566665}');
    expect(douyin.parsePush(body)).toEqual([expect.objectContaining({ kind: 'refund_requested', channelOrderId: '6921234567890123456', refundId: '7351234567890123459' })]);
  });

  it('when a message names no after-sale, then the event has no refundId', () => {
    expect(douyin.parsePush(BODY)[0]).not.toHaveProperty('refundId');
  });
});
