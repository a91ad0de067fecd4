import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RELAY_ACK, RELAY_HEADERS, relayHeaders, relaySign, verifyRelay } from '../../channels/relay';
import type { StoreCredentials } from '../../channels/types';

const BODY = '{"id":"1","topic":"taobao_trade_TradeBuyerPay"}';
const STORE: StoreCredentials = { storeId: 's1', platform: 'taobao', shopId: '1', appKey: '12345678', appSecret: 'relay-secret' };
const NOW = new Date('2024-05-01T12:30:00Z');

describe('relay signature', () => {
  it('when a relayed body is signed, then it is upper-case HMAC-SHA256 over app_key, timestamp and the raw body, matching node:crypto and the fixed vector', () => {
    const sign = relaySign('relay-secret', '12345678', '1714566600', BODY);
    expect(sign).toBe(createHmac('sha256', 'relay-secret').update(`app_key12345678timestamp1714566600${BODY}`).digest('hex').toUpperCase());
    expect(sign).toBe('7EC5DF4AC137E4D37628B4CE36BD53942A03AAFC81D1582EB0D22B61BDF1E4BA');
  });

  const signed = relayHeaders(STORE, BODY, NOW);
  const cases = [
    { when: 'the push is signed with the store secret', headers: signed, body: BODY, now: NOW, expected: { ok: true } },
    { when: 'the header names arrive in another case', headers: Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toUpperCase(), v])), body: BODY, now: NOW, expected: { ok: true } },
    { when: 'the body was changed after signing', headers: signed, body: BODY.replace('1', '2'), now: NOW, expected: { ok: false, reason: 'forged signature' } },
    { when: 'it was signed with another secret', headers: relayHeaders({ ...STORE, appSecret: 'wrong' }, BODY, NOW), body: BODY, now: NOW, expected: { ok: false, reason: 'forged signature' } },
    { when: 'it names another app key', headers: { ...signed, [RELAY_HEADERS.appKey]: 'other' }, body: BODY, now: NOW, expected: { ok: false, reason: 'app key does not match the store' } },
    { when: 'the signature header is missing', headers: { ...signed, [RELAY_HEADERS.sign]: undefined }, body: BODY, now: NOW, expected: { ok: false, reason: 'forged signature' } },
    { when: 'it was signed 5 minutes ago exactly', headers: signed, body: BODY, now: new Date(NOW.getTime() + 300_000), expected: { ok: true } },
    { when: 'it was signed more than 5 minutes ago', headers: signed, body: BODY, now: new Date(NOW.getTime() + 301_000), expected: { ok: false, reason: expect.stringContaining('stale') } },
    { when: 'it was signed more than 5 minutes in the future', headers: signed, body: BODY, now: new Date(NOW.getTime() - 301_000), expected: { ok: false, reason: expect.stringContaining('future') } },
  ];
  for (const { when, headers, body, now, expected } of cases) {
    it(`when ${when}, then verification says ${expected.ok ? 'ok' : 'no'}`, () => {
      expect(verifyRelay({ headers, query: {}, rawBody: body }, STORE, now)).toEqual(expected);
    });
  }

  it('when acknowledging, then the relay gets a 200 JSON success', () => {
    expect(RELAY_ACK).toEqual({ status: 200, contentType: 'application/json', body: '{"success":true}' });
  });
});
