import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { douyinEventSign, douyinParamJson, douyinSign, douyinSignString } from '../../../channels/douyin/sign';

const SECRET = 'dy-secret';
const PARTS = { appKey: '7012345678', method: 'order.orderDetail', paramJson: '{"shop_order_id":"6921234567890123456"}', timestamp: '1714566600' };
const HAND_WRITTEN = 'dy-secretapp_key7012345678methodorder.orderDetailparam_json{"shop_order_id":"6921234567890123456"}timestamp1714566600v2dy-secret';

describe('Douyin request signing', () => {
  it('when business params are serialized, then keys are sorted at every depth and there is no whitespace', () => {
    expect(douyinParamJson({ size: 100, page: 0, filter: { z: 1, a: [{ y: 2, b: 3 }] } })).toBe('{"filter":{"a":[{"b":3,"y":2}],"z":1},"page":0,"size":100}');
  });

  it('when signed, then the string wraps the sorted system params in the app secret', () => {
    expect(douyinSignString(PARTS, SECRET)).toBe(HAND_WRITTEN);
  });

  it('when signing with hmac-sha256, then the sign is lower-case HMAC-SHA256(secret, string), matching node:crypto and the fixed vector', () => {
    const sign = douyinSign(PARTS, SECRET, 'hmac-sha256');
    expect(sign).toBe(createHmac('sha256', SECRET).update(HAND_WRITTEN).digest('hex'));
    expect(sign).toBe('1a508e7bc7308d6eba7cfa8b6e90706736727f92731d5cb29f0e60c13125d240');
  });

  it('when signing with md5, then the sign is lower-case MD5(string), matching node:crypto and the fixed vector', () => {
    const sign = douyinSign(PARTS, SECRET, 'md5');
    expect(sign).toBe(createHash('md5').update(HAND_WRITTEN).digest('hex'));
    expect(sign).toBe('198b51df9f7fa232a8828740462a2731');
  });
});

describe('Douyin push signing', () => {
  const body = '[{"tag":"101","msg_id":"7351234567890123456:0","data":"{\\"p_id\\":6921234567890123456,\\"shop_id\\":4463798,\\"pay_time\\":1714566665}"}]';

  it('when a push body is signed, then event-sign is MD5(app_key + raw body + app_secret), matching node:crypto and the fixed vector', () => {
    const sign = douyinEventSign('7012345678', body, SECRET);
    expect(sign).toBe(createHash('md5').update(`7012345678${body}${SECRET}`).digest('hex'));
    expect(sign).toBe('a801de2f3317502fc1f61b0037e2ad0b');
  });
});
