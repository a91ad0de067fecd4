import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sfJson, sfMsgDigest, sfRequestForm, sfUrlEncode } from '../../carriers/sf-wire';

// Vectors were produced with Python's urllib.parse.quote_plus + hashlib, the official demo's recipe,
// and are re-derived below with node:crypto from hand-encoded strings, independently of the code under test.
const MSG = '{"language":"zh-CN","orderId":"OMS-1001","cargoDetails":[{"name":"保温杯 350ml","count":2}]}';
const TIMESTAMP = '1700000000000';
const CHECKWORD = 'fjSTYvUxu1cbHn3Z';
const ENCODED =
  '%7B%22language%22%3A%22zh-CN%22%2C%22orderId%22%3A%22OMS-1001%22%2C%22cargoDetails%22%3A%5B%7B%22name%22%3A%22' +
  '%E4%BF%9D%E6%B8%A9%E6%9D%AF+350ml%22%2C%22count%22%3A2%7D%5D%7D1700000000000fjSTYvUxu1cbHn3Z';

describe('sfUrlEncode', () => {
  it.each([
    ['a b', 'a+b'],
    ["*~!'()", '%2A~%21%27%28%29'],
    ['A-Z_.~09', 'A-Z_.~09'],
    ['中/&=+', '%E4%B8%AD%2F%26%3D%2B'],
    ['', ''],
  ])('when encoding %j, then it matches Python quote_plus: %j', (input, expected) => {
    expect(sfUrlEncode(input)).toBe(expected);
  });
});

describe('sfMsgDigest', () => {
  it('when signing the reference message, then it equals base64(md5(quote_plus(msgData + timestamp + checkword)))', () => {
    const independent = createHash('md5').update(ENCODED, 'utf8').digest('base64');
    expect(independent).toBe('rO8Xb2iEcITowuIDUungCw==');
    expect(sfMsgDigest(MSG, TIMESTAMP, CHECKWORD)).toBe(independent);
  });

  it('when a port skips URL-encoding, then its digest differs from ours (the demo encodes first)', () => {
    const unencoded = createHash('md5').update(MSG + TIMESTAMP + CHECKWORD, 'utf8').digest('base64');
    expect(unencoded).toBe('L1dM1bAf6Vx3WzlRCl9Xog==');
    expect(sfMsgDigest(MSG, TIMESTAMP, CHECKWORD)).not.toBe(unencoded);
  });

  it('when the checkword changes, then the digest changes', () => {
    expect(sfMsgDigest(MSG, TIMESTAMP, 'other')).not.toBe(sfMsgDigest(MSG, TIMESTAMP, CHECKWORD));
  });
});

describe('sfJson', () => {
  it('when a value contains * or ~, then they are JSON-escaped so quote_plus and Java URLEncoder agree', () => {
    const json = sfJson({ address: '3*5号~A座' });
    expect(json).toBe('{"address":"3\\u002a5号\\u007eA座"}');
    expect(JSON.parse(json)).toEqual({ address: '3*5号~A座' });
    expect(sfUrlEncode(json)).not.toMatch(/[*~]/);
  });
});

describe('sfRequestForm', () => {
  it('when building a request, then it carries every field the gateway requires and a matching digest', () => {
    const form = sfRequestForm({
      partnerId: 'P1',
      checkword: CHECKWORD,
      serviceCode: 'EXP_RECE_CREATE_ORDER',
      msgData: MSG,
      requestId: 'req-1',
      timestamp: TIMESTAMP,
    });
    expect(Object.fromEntries(form)).toEqual({
      partnerID: 'P1',
      requestID: 'req-1',
      serviceCode: 'EXP_RECE_CREATE_ORDER',
      timestamp: TIMESTAMP,
      msgData: MSG,
      msgDigest: 'rO8Xb2iEcITowuIDUungCw==',
    });
  });
});
