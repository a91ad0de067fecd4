import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { topSign, topSignString } from '../../../channels/taobao/sign';

const SECRET = 'sandbox-secret';

function params(signMethod: string): Record<string, string> {
  return {
    method: 'taobao.trade.fullinfo.get',
    app_key: '12345678',
    session: 'test-session',
    timestamp: '2024-05-01 12:30:00',
    format: 'json',
    v: '2.0',
    sign_method: signMethod,
    fields: 'tid,status',
    tid: '3912845670123456789',
  };
}

/** The same parameters, sorted and concatenated by hand. */
function handWritten(signMethod: string): string {
  return `app_key12345678fieldstid,statusformatjsonmethodtaobao.trade.fullinfo.getsessiontest-sessionsign_method${signMethod}tid3912845670123456789timestamp2024-05-01 12:30:00v2.0`;
}

describe('TOP request signing', () => {
  it('when params are signed, then the string is name+value pairs sorted by name, without sign or empty values', () => {
    expect(topSignString({ ...params('md5'), sign: 'IGNORED', empty: '' })).toBe(handWritten('md5'));
  });

  const vectors = [
    { method: 'md5', expected: createHash('md5').update(`${SECRET}${handWritten('md5')}${SECRET}`).digest('hex').toUpperCase(), fixed: 'FB4D1090F69CCC1626CCB65BF500D579' },
    { method: 'hmac', expected: createHmac('md5', SECRET).update(handWritten('hmac')).digest('hex').toUpperCase(), fixed: '535C263D3BA3DB08C96ABCCB8055D73C' },
    {
      method: 'hmac-sha256',
      expected: createHmac('sha256', SECRET).update(handWritten('hmac-sha256')).digest('hex').toUpperCase(),
      fixed: 'A9D272E1F746C63054FE62712F7394F97FF0600204C5AC1099918172C12FB124',
    },
  ] as const;
  for (const { method, expected, fixed } of vectors) {
    it(`when signing with ${method}, then the sign matches node:crypto over the hand-written string and the fixed vector`, () => {
      const sign = topSign(params(method), SECRET, method);
      expect(sign).toBe(expected);
      expect(sign).toBe(fixed);
    });
  }

  it('when any parameter changes, then the sign changes', () => {
    expect(topSign({ ...params('md5'), tid: '1' }, SECRET, 'md5')).not.toBe(topSign(params('md5'), SECRET, 'md5'));
  });
});
