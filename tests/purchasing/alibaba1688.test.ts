import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAlibaba1688Client,
  fastCreateOrderPath,
  PurchaseApiError,
  sign1688,
  type Alibaba1688Config,
  type FastCreateOrderInput,
  type FetchLike,
} from '../../purchasing/alibaba1688';
import { startPurchaseSimulator, type RunningPurchaseSimulator } from '../../purchasing/simulator';

const APP_KEY = '1234567';
const APP_SECRET = 'secret-xyz';

const ORDER: FastCreateOrderInput = {
  outOrderId: 'PO-1',
  address: {
    fullName: '张三',
    mobile: '13800000000',
    provinceText: '浙江省',
    cityText: '杭州市',
    areaText: '余杭区',
    address: '文一西路969号',
    postCode: '311121',
  },
  cargo: [
    { offerId: '610001', specId: 'b266e0726506185beaf205cbae88a5b0', quantity: 2 },
    { offerId: '610002', quantity: 1 },
  ],
  message: '急单，请尽快发货',
};

describe('sign1688', () => {
  it("when given 1688's documented example, then it produces the documented signature", () => {
    // open.1688.com "API签名规则": urlPath param2/1/system/currentTime/1000000, b=2&a=1, secret test123.
    expect(sign1688('param2/1/system/currentTime/1000000', { b: '2', a: '1' }, 'test123')).toBe('33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88');
  });

  it('when signing a fastCreateOrder request, then it matches an independently computed HMAC (Python hmac)', () => {
    const params = {
      access_token: 'tok-abc',
      _aop_timestamp: '1700000000000',
      flow: 'general',
      outOrderId: 'PO-1',
      addressParam:
        '{"fullName":"张三","mobile":"13800000000","provinceText":"浙江省","cityText":"杭州市","areaText":"余杭区","address":"文一西路969号","postCode":"311121"}',
      cargoParamList: '[{"offerId":"610001","specId":"b266e0726506185beaf205cbae88a5b0","quantity":2}]',
    };
    expect(fastCreateOrderPath(APP_KEY)).toBe('param2/1/com.alibaba.trade/alibaba.trade.fastCreateOrder/1234567');
    expect(sign1688(fastCreateOrderPath(APP_KEY), params, APP_SECRET)).toBe('34C6DC28E035F7EF8250CB7E1893B78D2EEF798C');
  });

  it('when the same parameters come in another order, then the signature is the same', () => {
    const a = sign1688('p', { x: '1', a: '2', m: '3' }, 's');
    const b = sign1688('p', { m: '3', x: '1', a: '2' }, 's');
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9A-F]{40}$/);
  });
});

describe('1688 client ↔ simulator over HTTP', () => {
  let sim: RunningPurchaseSimulator;
  const config = (over: Partial<Alibaba1688Config> = {}): Alibaba1688Config => ({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    accessToken: 'tok-abc',
    baseUrl: sim.baseUrl,
    ...over,
  });

  beforeAll(async () => {
    sim = await startPurchaseSimulator({
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      accessToken: 'tok-abc',
      pricesFen: { '610001': 1250, '610002': 399 },
      postFeeFen: 600,
      unavailableOffers: ['SOLD-OUT'],
    });
  });
  afterAll(() => sim.close());

  it('when an order is placed, then 1688 returns its id and totals in fen, and the simulator saw our wire fields', async () => {
    const result = await createAlibaba1688Client(config()).fastCreateOrder(ORDER);
    expect(result).toEqual({ orderId: expect.stringMatching(/^\d{19}$/), totalSuccessAmountFen: 2 * 1250 + 399 + 600, postFeeFen: 600, failedOffers: [] });

    const recorded = sim.orders().find((o) => o.outOrderId === 'PO-1');
    expect(recorded).toMatchObject({
      orderId: result.orderId,
      flow: 'general',
      message: '急单，请尽快发货',
      address: ORDER.address,
      cargo: [
        { offerId: '610001', specId: 'b266e0726506185beaf205cbae88a5b0', quantity: 2 },
        { offerId: '610002', specId: undefined, quantity: 1 },
      ],
      requests: 1,
    });
  });

  it('when the same outOrderId is sent twice, then the simulator returns the first order and records one', async () => {
    const client = createAlibaba1688Client(config());
    const first = await client.fastCreateOrder({ ...ORDER, outOrderId: 'PO-twice' });
    const second = await client.fastCreateOrder({ ...ORDER, outOrderId: 'PO-twice' });
    expect(second.orderId).toBe(first.orderId);
    const recorded = sim.orders().filter((o) => o.outOrderId === 'PO-twice');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.requests).toBe(2);
  });

  it.each([
    ['a wrong app secret', { appSecret: 'not-the-secret' }, 'gw.SignatureInvalid'],
    ['an unknown app key', { appKey: '7654321' }, 'gw.SignatureInvalid'],
    ['a wrong access token', { accessToken: 'stolen' }, 'gw.AccessTokenInvalid'],
  ])('when the client uses %s, then the call is refused, not retryable, and no order exists', async (_what, over, code) => {
    const before = sim.orders().length;
    const call = createAlibaba1688Client(config(over)).fastCreateOrder({ ...ORDER, outOrderId: `PO-refused-${code}-${_what}` });
    await expect(call).rejects.toMatchObject({ name: 'PurchaseApiError', code, httpStatus: 401, retryable: false, outcomeUnknown: false });
    expect(sim.orders()).toHaveLength(before);
  });

  it('when a request is tampered with after signing, then the simulator refuses it', async () => {
    const tamper: FetchLike = (url, init) => fetch(url, { ...init, body: String(init.body).replace('quantity%22%3A2', 'quantity%22%3A200') });
    const call = createAlibaba1688Client(config(), { fetch: tamper }).fastCreateOrder({ ...ORDER, outOrderId: 'PO-tampered' });
    await expect(call).rejects.toMatchObject({ code: 'gw.SignatureInvalid' });
  });

  it('when one offer is sold out, then the rest is ordered and the failed one is reported', async () => {
    const result = await createAlibaba1688Client(config()).fastCreateOrder({
      ...ORDER,
      outOrderId: 'PO-partial',
      cargo: [
        { offerId: '610002', quantity: 1 },
        { offerId: 'SOLD-OUT', quantity: 1 },
      ],
    });
    expect(result.totalSuccessAmountFen).toBe(399 + 600);
    expect(result.failedOffers).toEqual([{ offerId: 'SOLD-OUT', specId: undefined, code: 'OFFER_UNAVAILABLE', message: expect.any(String) }]);
  });

  it('when every offer is sold out, then the call fails with the business error', async () => {
    const call = createAlibaba1688Client(config()).fastCreateOrder({ ...ORDER, outOrderId: 'PO-none', cargo: [{ offerId: 'SOLD-OUT', quantity: 1 }] });
    await expect(call).rejects.toMatchObject({ code: 'SIM_ALL_OFFERS_FAILED', retryable: false });
  });
});

describe('1688 client against canned answers', () => {
  const config: Alibaba1688Config = { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: 'tok-abc', baseUrl: 'https://gw.example' };
  const answering =
    (status: number, body: string, seen?: { url?: string; body?: string }): FetchLike =>
    async (url, init) => {
      if (seen) Object.assign(seen, { url, body: String(init.body) });
      return new Response(body, { status, headers: { 'content-type': 'application/json' } });
    };
  const ok = JSON.stringify({ success: true, result: { orderId: '1234567890123456789', totalSuccessAmount: 100, postFee: 0 } });

  it('when sending, then the form carries the documented fields, objects as JSON, and a signature over all of them', async () => {
    const seen: { url?: string; body?: string } = {};
    await createAlibaba1688Client(config, { fetch: answering(200, ok, seen), now: () => 1_700_000_000_000 }).fastCreateOrder(ORDER);

    expect(seen.url).toBe('https://gw.example/openapi/param2/1/com.alibaba.trade/alibaba.trade.fastCreateOrder/1234567');
    const form = Object.fromEntries(new URLSearchParams(seen.body));
    expect(form).toMatchObject({
      access_token: 'tok-abc',
      _aop_timestamp: '1700000000000',
      flow: 'general',
      outOrderId: 'PO-1',
      message: ORDER.message,
    });
    expect(JSON.parse(form.addressParam!)).toEqual(ORDER.address);
    expect(JSON.parse(form.cargoParamList!)).toEqual(ORDER.cargo);
    const { _aop_signature, ...signed } = form;
    expect(_aop_signature).toBe(sign1688(fastCreateOrderPath(APP_KEY), signed, APP_SECRET));
  });

  it('when 1688 sends a 19-digit order id as a bare JSON number, then it survives exactly', async () => {
    const body = '{"success":true,"result":{"orderId":2541389503748032195,"totalSuccessAmount":2300,"postFee":800}}';
    const result = await createAlibaba1688Client(config, { fetch: answering(200, body) }).fastCreateOrder(ORDER);
    expect(result.orderId).toBe('2541389503748032195');
  });

  it.each([
    ['a gateway rate limit', 429, '{"error_code":"gw.QosAppFrequencyLimit","error_message":"App call limited"}', { code: 'gw.QosAppFrequencyLimit', retryable: true, outcomeUnknown: false }],
    ['a gateway signature error in error_code form', 401, '{"error_code":"gw.SignatureInvalid","error_message":"bad sign"}', { code: 'gw.SignatureInvalid', retryable: false, outcomeUnknown: false }],
    ['a business refusal', 200, '{"success":false,"code":"ADDRESS_ERROR","message":"地址不正确"}', { code: 'ADDRESS_ERROR', retryable: false, outcomeUnknown: false }],
    ['success without an order id', 200, '{"success":true,"result":{"failedOfferList":[{"offerId":"1","errorMessage":"库存不足"}]}}', { code: 'NO_ORDER', retryable: false }],
    ['an HTML error page from a proxy', 502, '<html>Bad Gateway</html>', { code: 'HTTP_502', retryable: false, outcomeUnknown: true }],
    ['a garbled success', 200, '{"success":"yes"}', { code: 'BAD_RESPONSE', outcomeUnknown: true }],
  ])('when 1688 answers with %s, then the error says whether a retry is safe', async (_what, status, body, expected) => {
    const call = createAlibaba1688Client(config, { fetch: answering(status, body) }).fastCreateOrder(ORDER);
    await expect(call).rejects.toBeInstanceOf(PurchaseApiError);
    await expect(call).rejects.toMatchObject(expected);
  });

  it('when the gateway does not answer in time, then the outcome is unknown and not retryable', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const call = createAlibaba1688Client(config, { fetch: hang, timeoutMs: 50 }).fastCreateOrder(ORDER);
    await expect(call).rejects.toMatchObject({ code: 'TIMEOUT', retryable: false, outcomeUnknown: true });
  });

  it('when nothing listens on the port, then the call certainly created nothing and is retryable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const call = createAlibaba1688Client({ ...config, baseUrl: `http://127.0.0.1:${port}` }).fastCreateOrder(ORDER);
    await expect(call).rejects.toMatchObject({ code: 'NETWORK', retryable: true, outcomeUnknown: false });
  });

  it('when the input has a zero quantity, then nothing is sent and the error says why', async () => {
    const seen: { url?: string } = {};
    const call = createAlibaba1688Client(config, { fetch: answering(200, ok, seen) }).fastCreateOrder({ ...ORDER, cargo: [{ offerId: '1', quantity: 0 }] });
    await expect(call).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(seen.url).toBeUndefined();
  });
});
