/**
 * The token keeper on real PostgreSQL against the simulators: tokens refreshed ahead of expiry, exactly one
 * refresh when several processes find a token due at the same moment, a refused token refreshed once, a
 * revoked authorization reported, and the OAuth state checked.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { adapterFor } from '../../channels';
import { AuthorizationError, createStoreTokens, StoreNotAuthorizedError, type StoreTokens } from '../../channels/oauth-tokens';
import { startSimulator, type RunningSimulator } from '../../channels/simulators';
import type { Platform, StoreCredentials } from '../../channels/types';
import { connectDatabase, type Database } from '../../db/client';
import { findStore, upsertStore } from '../../db/queries/stores';
import { createLogger } from '../../infra/logger';
import { createSecretBox } from '../../infra/secrets';
import { uniq } from '../support/stack';

const T0 = new Date('2024-05-01T12:00:00Z').getTime();
const MIN = 60_000;
const REDIRECT = 'http://oms.test/v1/oauth/callback';
const secrets = createSecretBox(randomBytes(32));
const logger = createLogger('silent');

let clock = T0;
const now = () => new Date(clock);
/** Separate pools, like separate worker processes. */
const pools: Database[] = [];
let running: RunningSimulator | undefined;

beforeAll(() => {
  for (let i = 0; i < 4; i += 1) pools.push(connectDatabase(inject('databaseUrl'), { max: 3 }));
});
afterAll(async () => {
  for (const p of pools) await p.close();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  clock = T0;
});

const keeper = (i = 0, marginMs = 10 * MIN): StoreTokens =>
  createStoreTokens({ db: pools[i]!.db, secrets, logger, refreshMarginMs: marginMs, now });

/** A connected store on a fresh simulator; authorized through the consent page unless `authorize: false`. */
async function connectedStore(platform: Platform, { accessTtlSeconds = 3600, authorize = true } = {}) {
  running = await startSimulator(platform, { appKey: 'app-key', appSecret: 'app-secret', oauth: { accessTtlSeconds }, now, seed: 5 });
  const shopId = uniq('shop');
  const { storeId } = await upsertStore(pools[0]!.db, secrets, { platform, shopId, appKey: 'app-key', appSecret: 'app-secret', baseUrl: running.baseUrl });
  if (authorize) {
    const { authorizeUrl } = await keeper().authorizeUrl(storeId, REDIRECT);
    const back = new URL((await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    await keeper().completeAuthorization(platform, { code: back.searchParams.get('code')!, state: back.searchParams.get('state')!, redirectUri: REDIRECT });
  }
  return { storeId, sim: running.sim };
}

const refreshes = (sim: RunningSimulator['sim']) => sim.oauth.grants.filter((g) => g.grant !== 'authorization_code').length;

async function listOrders(store: StoreCredentials): Promise<number> {
  let n = 0;
  for await (const _ of adapterFor(store.platform).listChangedOrders(store, { from: new Date(clock - MIN), to: new Date(clock) })) n += 1;
  return n;
}

describe('refresh ahead of expiry', () => {
  it('when the token still has longer than the margin, then it is used as it is; inside the margin, it is refreshed before it expires', async () => {
    const { storeId, sim } = await connectedStore('taobao');
    const first = await keeper().credentials(storeId);
    expect(first?.accessToken).toBeTruthy();

    clock = T0 + 45 * MIN; // 15 minutes left, margin 10
    expect((await keeper().credentials(storeId))?.accessToken).toBe(first?.accessToken);
    expect(refreshes(sim)).toBe(0);

    clock = T0 + 51 * MIN; // 9 minutes left
    const renewed = await keeper().credentials(storeId);
    expect(renewed?.accessToken).not.toBe(first?.accessToken);
    expect(refreshes(sim)).toBe(1);
    await listOrders(renewed!);
    expect(sim.oauth.expiredCalls).toBe(0);

    const row = await findStore(pools[0]!.db, storeId);
    expect(row?.accessTokenExpiresAt?.getTime()).toBe(T0 + 111 * MIN);
    expect(row?.accessTokenSealed).not.toContain(renewed!.accessToken!);
  });

  it('when a token lives shorter than the margin, then it is refreshed at half its lifetime, not on every call', async () => {
    const { storeId, sim } = await connectedStore('pdd', { accessTtlSeconds: 600 });
    clock = T0 + 4 * MIN;
    await keeper().credentials(storeId);
    expect(refreshes(sim)).toBe(0);
    clock = T0 + 5 * MIN;
    await keeper().credentials(storeId);
    expect(refreshes(sim)).toBe(1);
  });
});

describe('one refresh at a time across processes', () => {
  it.each(['douyin', 'taobao', 'pdd'] as const)(
    'when four %s workers find the token due at the same moment, then the platform sees one refresh and all four use its token',
    async (platform) => {
      const { storeId, sim } = await connectedStore(platform);
      clock = T0 + 55 * MIN;
      const results = await Promise.all([0, 1, 2, 3].map((i) => keeper(i).credentials(storeId)));
      expect(refreshes(sim)).toBe(1);
      const tokens = new Set(results.map((r) => r?.accessToken));
      expect(tokens.size).toBe(1);
      expect([...tokens][0]).toBe(sim.oauth.grants.at(-1)?.accessToken);
      await listOrders(results[0]!);
    },
  );

  it('when four workers need a WeChat token at once, then one cgi-bin/token call is made', async () => {
    const { storeId, sim } = await connectedStore('wechat', { accessTtlSeconds: 7200, authorize: false });
    const results = await Promise.all([0, 1, 2, 3].map((i) => keeper(i).credentials(storeId)));
    expect(sim.oauth.grants.map((g) => g.grant)).toEqual(['client_credential']);
    expect(new Set(results.map((r) => r?.accessToken)).size).toBe(1);
    await listOrders(results[0]!);
  });
});

describe('refused tokens', () => {
  it('when the platform refuses a token that looked fine, then it is refreshed once and the call goes through', async () => {
    const { storeId, sim } = await connectedStore('douyin');
    sim.oauth.expireAccessTokens();
    let calls = 0;
    const n = await keeper().withCredentials(storeId, async (store) => {
      calls += 1;
      return listOrders(store);
    });
    expect(n).toBe(0);
    expect(calls).toBe(2);
    expect(refreshes(sim)).toBe(1);
  });

  it('when the seller revoked the app, then the store is marked not authorized and calls fail with the reason', async () => {
    const { storeId, sim } = await connectedStore('taobao');
    sim.oauth.revokeRefreshTokens();
    sim.oauth.expireAccessTokens();
    const err = await keeper()
      .withCredentials(storeId, listOrders)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreNotAuthorizedError);
    const row = await findStore(pools[0]!.db, storeId);
    expect(row?.authError).toMatch(/refresh refused/);
    // Until someone authorizes again, nothing more is asked of the platform.
    const grants = sim.oauth.grants.length;
    await expect(keeper().withCredentials(storeId, listOrders)).rejects.toBeInstanceOf(StoreNotAuthorizedError);
    expect(sim.oauth.grants.length).toBe(grants);
  });

  it('when a store was never authorized, then the platform refusal says so', async () => {
    const { storeId } = await connectedStore('pdd', { authorize: false });
    await expect(keeper().withCredentials(storeId, listOrders)).rejects.toThrow(/wants a token/);
  });
});

describe('authorization state', () => {
  it('when the state is forged, then the callback is refused', async () => {
    await connectedStore('taobao', { authorize: false });
    await expect(keeper().completeAuthorization('taobao', { code: 'c', state: 'v1.forged.state.x', redirectUri: REDIRECT })).rejects.toBeInstanceOf(AuthorizationError);
  });

  it('when the state was issued for another platform, then the callback is refused', async () => {
    const { storeId } = await connectedStore('pdd', { authorize: false });
    const { state } = await keeper().authorizeUrl(storeId, REDIRECT);
    await expect(keeper().completeAuthorization('douyin', { code: 'c', state, redirectUri: REDIRECT })).rejects.toThrow(/issued for pdd/);
  });

  it('when the authorization link is older than 15 minutes, then the callback is refused', async () => {
    const { storeId } = await connectedStore('douyin', { authorize: false });
    const { state } = await keeper().authorizeUrl(storeId, REDIRECT);
    clock = T0 + 16 * MIN;
    await expect(keeper().completeAuthorization('douyin', { code: 'c', state, redirectUri: REDIRECT })).rejects.toThrow(/expired/);
  });

  it('when the app key of a store changes, then its tokens from the old app are forgotten', async () => {
    const { storeId } = await connectedStore('taobao');
    const row = await findStore(pools[0]!.db, storeId);
    await upsertStore(pools[0]!.db, secrets, { platform: 'taobao', shopId: row!.shopId, appKey: 'app-key', appSecret: 'rotated', baseUrl: row!.baseUrl! });
    expect((await findStore(pools[0]!.db, storeId))?.refreshTokenSealed).toBeTruthy();
    await upsertStore(pools[0]!.db, secrets, { platform: 'taobao', shopId: row!.shopId, appKey: 'other-app', appSecret: 'x', baseUrl: row!.baseUrl! });
    const after = await findStore(pools[0]!.db, storeId);
    expect(after?.accessTokenSealed).toBeNull();
    expect(after?.refreshTokenSealed).toBeNull();
  });
});
