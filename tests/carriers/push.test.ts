import { describe, expect, it } from 'vitest';
import { carrierPush, InvalidPushError } from '../../carriers/index';
import { jdSignPush } from '../../carriers/jd-wire';
import { sfSignPush } from '../../carriers/sf-wire';

const CHECKWORD = 'sf-checkword';
const JD = { appKey: 'jd-key', appSecret: 'jd-secret' };

const sfBody = JSON.stringify({
  Body: {
    WaybillRoute: [
      { id: '1', mailno: 'SF1700000000000', orderid: 'OMS-1', acceptTime: '2024-05-01 18:00:00', acceptAddress: '上海市', remark: '已签收', opCode: '80' },
      { id: '2', mailno: 'SF1700000000000', orderid: 'OMS-1', acceptTime: '2024-05-01 09:00:00', acceptAddress: '深圳市', remark: '已收取', opCode: 50 },
    ],
  },
});
const jdBody = JSON.stringify({
  waybillCode: 'JDVA17000000000000',
  traceDetails: [{ operationTime: '2024-05-01 09:00:00', operationTitle: '揽收', operationRemark: '快递员已揽收', category: 'COLLECTED' }],
});

describe('SF push', () => {
  const push = carrierPush('sf');
  const headers = sfSignPush(sfBody, CHECKWORD, '1714525200000');

  it('when the push is signed with our checkword, then it verifies (headers or query)', () => {
    expect(push.verify(sfBody, { headers: new Headers(headers) }, CHECKWORD)).toBe(true);
    expect(push.verify(sfBody, { headers: { MsgDigest: headers.msgDigest, Timestamp: headers.timestamp } }, CHECKWORD)).toBe(true);
    expect(push.verify(sfBody, { query: headers }, CHECKWORD)).toBe(true);
  });

  it.each([
    ['the body was altered', sfBody.replace('"80"', '"50"'), headers, CHECKWORD],
    ['another checkword signed it', sfBody, sfSignPush(sfBody, 'forged', '1714525200000'), CHECKWORD],
    ['the timestamp was changed', sfBody, { ...headers, timestamp: '1714525200001' }, CHECKWORD],
    ['there is no digest', sfBody, { timestamp: headers.timestamp }, CHECKWORD],
    ['our checkword is empty', sfBody, sfSignPush(sfBody, '', '1'), ''],
  ])('when %s, then it is rejected', (_why, body, meta, secret) => {
    expect(push.verify(body, { headers: meta }, secret)).toBe(false);
  });

  it('when parsed, then routes become events oldest first', () => {
    const events = push.parse(sfBody);
    expect(events.map((e) => [e.kind, e.at, e.waybillNo])).toEqual([
      ['picked_up', '2024-05-01T01:00:00.000Z', 'SF1700000000000'],
      ['delivered', '2024-05-01T10:00:00.000Z', 'SF1700000000000'],
    ]);
  });

  it.each(['not json', '{"Body":{}}', JSON.stringify({ Body: { WaybillRoute: [{ mailno: 'X', acceptTime: 'yesterday', opCode: '50' }] } })])(
    'when the body is %j, then parse throws InvalidPushError',
    (body) => {
      expect(() => push.parse(body)).toThrow(InvalidPushError);
    },
  );

  it('when acknowledging, then SF gets its success envelope', () => {
    expect(push.ack()).toEqual({ status: 200, body: { return_code: '0000', return_msg: '成功' } });
    expect(push.nack(401, 'bad signature')).toMatchObject({ status: 401, body: { return_code: '1000' } });
  });
});

describe('JD push', () => {
  const push = carrierPush('jd');
  const signed = jdSignPush(jdBody, JD, '2024-05-01 09:00:05');

  it('when the push is signed with our app secret, then it verifies', () => {
    expect(push.verify(jdBody, { headers: { ...signed } }, JD.appSecret)).toBe(true);
    expect(push.verify(jdBody, { query: new URLSearchParams({ ...signed }) }, JD.appSecret)).toBe(true);
  });

  it('when signed with an HMAC algorithm, then it verifies too', () => {
    const hmac = jdSignPush(jdBody, JD, '2024-05-01 09:00:05', 'HMacSHA256');
    expect(push.verify(jdBody, { headers: { ...hmac } }, JD.appSecret)).toBe(true);
  });

  it.each([
    ['the body was altered', jdBody.replace('COLLECTED', 'SIGNED'), { ...signed }],
    ['another secret signed it', jdBody, { ...jdSignPush(jdBody, { ...JD, appSecret: 'forged' }, signed.timestamp) }],
    ['the app_key was swapped', jdBody, { ...signed, app_key: 'other' }],
    ['the algorithm is unknown', jdBody, { ...signed, algorithm: 'rot13' }],
    ['there is no sign', jdBody, { timestamp: signed.timestamp, app_key: signed.app_key }],
  ])('when %s, then it is rejected', (_why, body, meta) => {
    expect(push.verify(body, { headers: meta }, JD.appSecret)).toBe(false);
  });

  it('when parsed, then trace entries become events', () => {
    expect(push.parse(jdBody)).toEqual([
      {
        carrier: 'jd',
        waybillNo: 'JDVA17000000000000',
        eventId: 'jd:JDVA17000000000000:COLLECTED:2024-05-01 09:00:00',
        kind: 'picked_up',
        at: '2024-05-01T01:00:00.000Z',
        remark: '揽收 快递员已揽收',
        rawCode: 'COLLECTED',
      },
    ]);
  });

  it('when the body is malformed, then parse throws InvalidPushError', () => {
    expect(() => push.parse('[]')).toThrow(InvalidPushError);
  });

  it('when acknowledging, then JD gets code 0', () => {
    expect(push.ack()).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
  });
});
