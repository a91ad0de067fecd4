import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jdRequestQuery, jdSign, jdSignContent, type JdSignInput } from '../../carriers/jd-wire';

const INPUT: JdSignInput = {
  appSecret: 's3cr3t',
  accessToken: 'tok',
  appKey: 'key',
  method: '/ecap/v1/orders/create',
  paramJson: '[{"orderId":"OMS-1001"}]',
  timestamp: '2024-05-01 10:00:00',
};
// Written out by hand: secret, then key+value pairs in alphabetical key order, then secret again.
const CONTENT =
  's3cr3taccess_tokentokapp_keykeymethod/ecap/v1/orders/createparam_json[{"orderId":"OMS-1001"}]timestamp2024-05-01 10:00:00v2.0s3cr3t';

describe('jdSign', () => {
  it('when building the sign content, then it is secret + sorted key/value pairs + secret', () => {
    expect(jdSignContent(INPUT)).toBe(CONTENT);
  });

  it('when signing with md5-salt, then it is the lowercase hex MD5 of the content', () => {
    const independent = createHash('md5').update(CONTENT, 'utf8').digest('hex');
    expect(independent).toBe('85bcc884f4f5238bbdb87bbcf6e0a043');
    expect(jdSign(INPUT)).toBe(independent);
  });

  it.each([
    ['HMacMD5', 'md5'],
    ['HMacSHA1', 'sha1'],
    ['HMacSHA256', 'sha256'],
    ['HMacSHA512', 'sha512'],
  ] as const)('when signing with %s, then it is the base64 HMAC-%s of the content keyed with the secret', (algorithm, hash) => {
    const independent = createHmac(hash, 's3cr3t').update(CONTENT, 'utf8').digest('base64');
    expect(jdSign(INPUT, algorithm)).toBe(independent);
  });

  it('when signing with HMacSHA256, then it matches the Python-computed vector', () => {
    expect(jdSign(INPUT, 'HMacSHA256')).toBe('wh/lXlLIJX6vp92m/pm9r+AVhyzyDO6Qd0O402jjCm8=');
  });

  it.each([
    ['body', { paramJson: '[{"orderId":"OMS-1002"}]' }],
    ['path', { method: '/ecap/v1/orders/cancel' }],
    ['timestamp', { timestamp: '2024-05-01 10:00:01' }],
    ['secret', { appSecret: 'other' }],
  ])('when the %s changes, then the signature changes', (_what, change) => {
    expect(jdSign({ ...INPUT, ...change })).not.toBe(jdSign(INPUT));
  });
});

describe('jdRequestQuery', () => {
  it('when building the query, then it carries the LOP system parameters and the signature', () => {
    const query = jdRequestQuery(INPUT);
    expect(Object.fromEntries(query)).toEqual({
      'LOP-DN': 'ECAP',
      app_key: 'key',
      access_token: 'tok',
      timestamp: '2024-05-01 10:00:00',
      v: '2.0',
      sign: '85bcc884f4f5238bbdb87bbcf6e0a043',
      algorithm: 'md5-salt',
    });
  });
});
