import { describe, expect, it } from 'vitest';
import { createJdClient, createSfClient, type CarrierClient } from '../../carriers/index';
import type { FetchLike } from '../../carriers/http';
import { JD_CREDS, SF_CREDS } from './fixtures';

const answer =
  (status: number, body: string): FetchLike =>
  async () =>
    new Response(body, { status });

const sfEnvelope = (apiResultCode: string, result?: object) =>
  JSON.stringify({ apiResultCode, apiErrorMsg: 'msg', apiResponseID: 'x', apiResultData: result ? JSON.stringify(result) : null });

const clients = {
  sf: (fetch: FetchLike) => createSfClient({ ...SF_CREDS, baseUrl: 'http://sf.test' }, { fetch, timeoutMs: 50 }),
  jd: (fetch: FetchLike) => createJdClient({ ...JD_CREDS, baseUrl: 'http://jd.test' }, { fetch, timeoutMs: 50 }),
};

const track = (client: CarrierClient) => client.trackWaybill('X1').catch((e: unknown) => e);

describe('client error handling', () => {
  it.each([
    ['sf', 'the gateway is down (HTML 503)', answer(503, '<html>busy</html>'), { code: 'HTTP_503', retryable: true }],
    ['jd', 'the gateway is down (HTML 503)', answer(503, '<html>busy</html>'), { code: 'HTTP_503', retryable: true }],
    ['sf', 'the answer is not JSON', answer(200, 'ok'), { code: 'BAD_RESPONSE', retryable: false }],
    ['jd', 'the answer is JSON of the wrong shape', answer(200, '{"result":true}'), { code: 'BAD_RESPONSE', retryable: false }],
    ['sf', 'SF is throttling', answer(200, sfEnvelope('A1005')), { code: 'A1005', retryable: true }],
    ['sf', 'SF rejects the digest', answer(200, sfEnvelope('A1006')), { code: 'A1006', retryable: false }],
    ['sf', 'SF reports a business error', answer(200, sfEnvelope('A1000', { success: false, errorCode: '6126', errorMsg: '电话13812345678不合法' })), { code: '6126', retryable: false, message: expect.stringContaining('138****5678') }],
    ['jd', 'JD answers a non-zero string code', answer(200, '{"code":"1004","msg":"sign error"}'), { code: '1004', retryable: false }],
    ['jd', 'the route has an unreadable time', answer(200, JSON.stringify({ code: 0, data: { traceDetails: [{ operationTime: 'soon' }] } })), { code: 'BAD_RESPONSE' }],
  ] as const)('when %s: %s, then the CarrierApiError carries the matching code and retryability', async (carrier, _why, fetch, expected) => {
    expect(await track(clients[carrier](fetch))).toMatchObject({ name: 'CarrierApiError', carrier, ...expected });
  });

  it.each(['sf', 'jd'] as const)('when %s does not answer in time, then the error is a retryable TIMEOUT', async (carrier) => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    expect(await track(clients[carrier](hang))).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('when JD answers code "0" with no trace data, then there are simply no events', async () => {
    expect(await clients.jd(answer(200, '{"code":"0","msg":"ok","data":null}')).trackWaybill('X1')).toEqual([]);
  });
});
