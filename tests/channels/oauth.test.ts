/**
 * The platforms' OAuth, client side, against the simulators over real HTTP: the consent redirect, code →
 * token, refresh (single-use refresh tokens), expired tokens refused with the platform's own code, and
 * WeChat's client-credential token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adapterFor, ChannelApiError } from '../../channels';
import { isTokenRejected, oauthClientFor } from '../../channels/oauth';
import { startSimulator, type RunningSimulator } from '../../channels/simulators';
import type { Platform, StoreCredentials } from '../../channels/types';

const T0 = new Date('2024-05-01T12:00:00Z');
const REDIRECT = 'https://oms.example.com/v1/oauth/x/callback';
let clock = T0;
let running: RunningSimulator | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
  clock = T0;
});

async function simulator(platform: Platform, accessTtlSeconds = 3600) {
  running = await startSimulator(platform, { appKey: `${platform}-key`, appSecret: `${platform}-secret`, oauth: { accessTtlSeconds }, skus: ['SKU-1'], seed: 3, now: () => clock });
  const store: StoreCredentials = { storeId: 's1', platform, shopId: 'shop', appKey: `${platform}-key`, appSecret: `${platform}-secret`, baseUrl: running.baseUrl };
  return { sim: running.sim, store };
}

/** Follows the consent page the way the seller's browser would, up to the redirect back to us. */
async function consent(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

/** A cheap authenticated call: the changed-orders query over one minute. */
async function someCall(platform: Platform, store: StoreCredentials): Promise<void> {
  for await (const _ of adapterFor(platform).listChangedOrders(store, { from: new Date(T0.getTime() - 60_000), to: T0 })) void _;
}

describe.each(['taobao', 'pdd', 'douyin'] as const)('%s OAuth', (platform) => {
  const client = oauthClientFor(platform);

  it('when the seller approves on the consent page, then the code comes back with our state and buys a working token', async () => {
    const { store, sim } = await simulator(platform);
    const back = await consent(client.authorizeUrl(store, { redirectUri: REDIRECT, state: 'st-1' }));
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');

    const tokens = await client.exchangeCode(store, { code: back.searchParams.get('code')!, redirectUri: REDIRECT }, clock);
    expect(tokens.expiresAt).toEqual(new Date(T0.getTime() + 3600_000));
    expect(tokens.refreshToken).toBeTruthy();
    await expect(someCall(platform, store)).rejects.toSatisfy(isTokenRejected);
    await someCall(platform, { ...store, accessToken: tokens.accessToken });
    expect(sim.oauth.grants.map((g) => g.grant)).toEqual(['authorization_code']);
  });

  it('when a code is used twice, then the second exchange is refused and not retryable', async () => {
    const { store } = await simulator(platform);
    const code = (await consent(client.authorizeUrl(store, { redirectUri: REDIRECT, state: 's' }))).searchParams.get('code')!;
    await client.exchangeCode(store, { code, redirectUri: REDIRECT }, clock);
    const second = await client.exchangeCode(store, { code, redirectUri: REDIRECT }, clock).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(ChannelApiError);
    expect((second as ChannelApiError).retryable).toBe(false);
  });

  it('when the token has expired, then calls are refused as a token problem, and a refresh gives a new token once per refresh token', async () => {
    const { store, sim } = await simulator(platform, 60);
    const code = (await consent(client.authorizeUrl(store, { redirectUri: REDIRECT, state: 's' }))).searchParams.get('code')!;
    const first = await client.exchangeCode(store, { code, redirectUri: REDIRECT }, clock);

    clock = new Date(T0.getTime() + 61_000);
    const expired = await someCall(platform, { ...store, accessToken: first.accessToken }).catch((err: unknown) => err);
    expect(isTokenRejected(expired)).toBe(true);
    expect(sim.oauth.expiredCalls).toBe(1);

    const second = await client.refresh(store, first.refreshToken!, clock);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await someCall(platform, { ...store, accessToken: second.accessToken });

    const reused = await client.refresh(store, first.refreshToken!, clock).catch((err: unknown) => err);
    expect(reused).toBeInstanceOf(ChannelApiError);
    expect((reused as ChannelApiError).retryable).toBe(false);
  });
});

describe('WeChat client credentials', () => {
  const client = oauthClientFor('wechat');

  it('when a token is fetched with appid and secret, then it works, and a newer one retires it after five minutes', async () => {
    const { store, sim } = await simulator('wechat', 7200);
    const first = await client.clientCredential(store, clock);
    expect(first.expiresAt).toEqual(new Date(T0.getTime() + 7200_000));
    await someCall('wechat', { ...store, accessToken: first.accessToken });

    const second = await client.clientCredential(store, clock);
    clock = new Date(T0.getTime() + 4 * 60_000);
    await someCall('wechat', { ...store, accessToken: first.accessToken });
    clock = new Date(T0.getTime() + 6 * 60_000);
    await expect(someCall('wechat', { ...store, accessToken: first.accessToken })).rejects.toSatisfy(isTokenRejected);
    await someCall('wechat', { ...store, accessToken: second.accessToken });
    expect(sim.oauth.grants.map((g) => g.grant)).toEqual(['client_credential', 'client_credential']);
  });

  it('when the secret is wrong, then the refusal is not retryable and names WeChat\'s code', async () => {
    const { store } = await simulator('wechat');
    const err = await client.clientCredential({ ...store, appSecret: 'wrong' }, clock).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '40125', retryable: false });
  });

  it('when asked for a consent page, then it says WeChat needs none', async () => {
    const { store } = await simulator('wechat');
    expect(() => client.authorizeUrl(store, { redirectUri: REDIRECT, state: 's' })).toThrow(/appid and secret/);
  });
});

describe('token rejection', () => {
  it.each([
    ['taobao', '27', undefined, true],
    ['tmall', '26', undefined, true],
    ['taobao', '15', 'isv.trade-not-exist', false],
    ['pdd', '10019', undefined, true],
    ['pdd', '10017', undefined, false],
    ['douyin', '30005', undefined, true],
    ['douyin', '30001', 'isv.access-token-expired', true],
    ['douyin', '30002', undefined, false],
    ['wechat', '42001', undefined, true],
    ['wechat', '40001', undefined, true],
    ['wechat', '100002', undefined, false],
  ] as const)('when %s answers code %s (%s), then token rejected is %s', (platform, code, subCode, expected) => {
    expect(isTokenRejected(new ChannelApiError({ platform, method: 'm', code, subCode, message: 'x' }))).toBe(expected);
  });

  it('when the error is not a platform error, then it is not a token rejection', () => {
    expect(isTokenRejected(new Error('27'))).toBe(false);
  });
});
