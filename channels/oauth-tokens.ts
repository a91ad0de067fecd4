/**
 * The token keeper: hands out a store's credentials with an access token that is good for a while yet,
 * refreshing it ahead of expiry, and makes sure that only one process refreshes a store's token at a time.
 *
 * Why one at a time matters: refresh tokens are single-use on Douyin and rotate elsewhere, and WeChat's
 * `cgi-bin/token` retires the previous token. Two workers refreshing at once would have one of them end up
 * with a dead token (or burn the refresh token and lock the store out). So a refresh happens inside a
 * PostgreSQL transaction holding the store's advisory lock; whoever gets the lock second re-reads the row,
 * sees the fresh token and uses it. Within a process, concurrent callers share one attempt.
 *
 * When a token is due: `expiresAt - now <= min(REFRESH_MARGIN, lifetime / 2)`. With the margin above the
 * poll interval, the 5-minute poll of every store keeps tokens fresh even when nothing else calls.
 *
 * OAuth `state`: the store id, platform and an expiry sealed with the SecretBox (AES-GCM), so the callback
 * needs no server-side session and a forged or stale state is refused.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { credentialsOf, findStore, markStoreAuthError, saveStoreTokens, storeIdOf, type StoreRow } from '../db/queries/stores';
import { cachedCredentials, type StoreDirectory } from '../ingest/stores';
import type { Logger } from '../infra/logger';
import type { SecretBox } from '../infra/secrets';
import { ChannelApiError } from './errors';
import { isTokenRejected, oauthClientFor, type TokenSet } from './oauth';
import { PLATFORMS, type Platform, type StoreCredentials } from './types';

/** The store exists but we hold no usable token for it: someone has to (re)authorize it. */
export class StoreNotAuthorizedError extends Error {
  override readonly name = 'StoreNotAuthorizedError';
  constructor(
    readonly storeId: string,
    reason: string,
  ) {
    super(`store ${storeId} is not authorized: ${reason}`);
  }
}

/** The OAuth callback could not be completed (bad state, wrong platform, platform refused the code). */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationError';
}

export interface StoreTokensOptions {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  /** Refresh when the token expires within this (or within half its lifetime, whichever is sooner). */
  refreshMarginMs: number;
  /** How long an authorization link (its `state`) stays valid. Default 15 minutes. */
  stateTtlMs?: number;
  now?: () => Date;
}

export interface StoreTokens {
  /**
   * The store's credentials with a token good for a while (refreshed first if due). Undefined for an unknown
   * store. A store without a token (not authorized yet, refresh refused) gets its credentials as they are;
   * throws StoreNotAuthorizedError only when a refresh attempted now is refused for good.
   */
  credentials(storeId: string): Promise<StoreCredentials | undefined>;
  /**
   * Runs `call` with the store's credentials; when the platform rejects the token (revoked, replaced,
   * expired early), refreshes it once and runs `call` again. Throws StoreNotAuthorizedError when no
   * token the platform accepts can be had.
   */
  withCredentials<T>(storeId: string, call: (store: StoreCredentials) => Promise<T>): Promise<T>;
  /** Where to send the seller to authorize our app for this store. */
  authorizeUrl(storeId: string, redirectUri: string): Promise<{ authorizeUrl: string; state: string; expiresAt: Date }>;
  /** The platform sent the seller back with a code: trade it for tokens. Returns the store id. */
  completeAuthorization(platform: Platform, p: { code: string; state: string; redirectUri: string }): Promise<{ storeId: string; accessTokenExpiresAt: Date }>;
}

/** Two-key advisory lock namespace: (this, hashtext(store id)). */
const LOCK_NAMESPACE = 4_801_207;

export function createStoreTokens(opts: StoreTokensOptions): StoreTokens {
  const { db, secrets, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const stateTtlMs = opts.stateTtlMs ?? 15 * 60 * 1000;
  const inFlight = new Map<string, Promise<StoreCredentials | undefined>>();

  const usesRefreshToken = (row: StoreRow) => oauthClientFor(row.platform as Platform).grant === 'authorization_code';

  /** Whether the stored token should be replaced now (`stale`: a token the platform just refused). */
  function due(row: StoreRow, at: Date, stale?: string): boolean {
    const current = row.accessTokenSealed ? secrets.open(row.accessTokenSealed) : undefined;
    if (current === undefined) return true;
    if (stale !== undefined && current === stale) return true;
    if (!row.accessTokenExpiresAt) return false; // a token set by hand: we do not know when it ends
    const left = row.accessTokenExpiresAt.getTime() - at.getTime();
    const lifetime = row.tokenRefreshedAt ? row.accessTokenExpiresAt.getTime() - row.tokenRefreshedAt.getTime() : Number.POSITIVE_INFINITY;
    return left <= Math.min(opts.refreshMarginMs, lifetime / 2);
  }

  /** Whether this store's tokens are ours to obtain (OAuth / client credentials), as opposed to none or set by hand. */
  function canObtain(row: StoreRow): boolean {
    if (!usesRefreshToken(row)) return true; // WeChat: appid + secret are enough
    return row.refreshTokenSealed !== null;
  }

  /** Why a refused token cannot be replaced, in words for the store's status and logs. */
  function whyNot(row: StoreRow): string {
    if (row.authError) return row.authError;
    if (!row.refreshTokenSealed) return 'no refresh token: authorize the store (GET /v1/stores/:storeId/oauth/authorize)';
    return 'the refreshed token was refused too';
  }

  /** Obtains a new token under the store's lock; a process that waited for the lock finds it already done. */
  async function renew(storeId: string, stale?: string): Promise<StoreCredentials | undefined> {
    type Outcome = { row: StoreRow | undefined } | { failure: ChannelApiError; fatal: boolean };
    const outcome: Outcome = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${storeId}))`);
      const row = await findStore(tx, storeId);
      if (!row || row.authError || !canObtain(row)) return { row };
      const at = now();
      if (!due(row, at, stale)) return { row }; // another process refreshed while we waited for the lock
      const client = oauthClientFor(row.platform as Platform);
      const store = credentialsOf(row, secrets);
      let tokens: TokenSet;
      try {
        tokens =
          client.grant === 'client_credential'
            ? await client.clientCredential(store, at)
            : await client.refresh(store, secrets.open(row.refreshTokenSealed!), at);
      } catch (err) {
        if (!(err instanceof ChannelApiError)) throw err;
        // A refused refresh (revoked, expired refresh token, wrong secret) will not heal by itself.
        if (!err.retryable) await markStoreAuthError(tx, storeId, `token refresh refused: ${err.message}`);
        return { failure: err, fatal: !err.retryable };
      }
      logger.info({ storeId, platform: row.platform, expiresAt: tokens.expiresAt }, 'store access token refreshed');
      return { row: await saveStoreTokens(tx, secrets, storeId, tokens, at) };
    });
    if ('failure' in outcome) {
      logger.warn({ storeId, code: outcome.failure.code, fatal: outcome.fatal }, 'store access token refresh failed');
      if (outcome.fatal) throw new StoreNotAuthorizedError(storeId, outcome.failure.message);
      throw outcome.failure;
    }
    return outcome.row ? credentialsOf(outcome.row, secrets) : undefined;
  }

  /** One renewal per store per process at a time; callers arriving meanwhile share it. */
  function renewOnce(storeId: string, stale?: string): Promise<StoreCredentials | undefined> {
    const running = inFlight.get(storeId);
    if (running) return running;
    const attempt = renew(storeId, stale).finally(() => inFlight.delete(storeId));
    inFlight.set(storeId, attempt);
    return attempt;
  }

  async function credentials(storeId: string): Promise<StoreCredentials | undefined> {
    const row = await findStore(db, storeId);
    if (!row) return undefined;
    try {
      secrets.open(row.appSecretSealed);
    } catch {
      throw new StoreNotAuthorizedError(storeId, 'its credentials were sealed with another SECRETS_KEY: connect the store again');
    }
    if (!row.authError && canObtain(row) && due(row, now())) return renewOnce(storeId);
    // Without a usable token the call goes out as it is; the platform's refusal then says what is wrong.
    return credentialsOf(row, secrets);
  }

  return {
    credentials,

    async withCredentials(storeId, call) {
      const store = await credentials(storeId);
      if (!store) throw new StoreNotAuthorizedError(storeId, 'no such store');
      try {
        return await call(store);
      } catch (err) {
        if (!isTokenRejected(err)) throw err;
        if (store.accessToken === undefined) throw new StoreNotAuthorizedError(storeId, `the platform wants a token: ${(err as Error).message}`);
        logger.warn({ storeId, platform: store.platform }, 'platform refused the access token: refreshing once');
        const renewed = await renewOnce(storeId, store.accessToken);
        if (!renewed || renewed.accessToken === store.accessToken) {
          const row = await findStore(db, storeId);
          throw new StoreNotAuthorizedError(storeId, row ? whyNot(row) : 'no such store');
        }
        try {
          return await call(renewed);
        } catch (again) {
          if (isTokenRejected(again)) throw new StoreNotAuthorizedError(storeId, `the refreshed token was refused too: ${(again as Error).message}`);
          throw again;
        }
      }
    },

    async authorizeUrl(storeId, redirectUri) {
      const row = await findStore(db, storeId);
      if (!row) throw new AuthorizationError(`store ${storeId} not found`);
      const platform = row.platform as Platform;
      const client = oauthClientFor(platform);
      if (client.grant !== 'authorization_code') throw new AuthorizationError(`${platform} stores need no seller authorization: the token comes from appid and secret`);
      const expiresAt = new Date(now().getTime() + stateTtlMs);
      const state = secrets.seal(JSON.stringify({ s: storeId, p: platform, e: expiresAt.getTime() }));
      return { authorizeUrl: client.authorizeUrl(credentialsOf(row, secrets), { redirectUri, state }), state, expiresAt };
    },

    async completeAuthorization(platform, { code, state, redirectUri }) {
      const claim = openState(secrets, state);
      if (!claim) throw new AuthorizationError('state is not one we issued');
      if (claim.p !== platform) throw new AuthorizationError(`state was issued for ${claim.p}, not ${platform}`);
      if (claim.e < now().getTime()) throw new AuthorizationError('the authorization link has expired: start again');
      const row = await findStore(db, claim.s);
      if (!row) throw new AuthorizationError(`store ${claim.s} no longer exists`);
      const at = now();
      let tokens: TokenSet;
      try {
        tokens = await oauthClientFor(platform).exchangeCode(credentialsOf(row, secrets), { code, redirectUri }, at);
      } catch (err) {
        if (err instanceof ChannelApiError && !err.retryable) throw new AuthorizationError(`the platform refused the code: ${err.message}`);
        throw err;
      }
      await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${row.id}))`);
        await saveStoreTokens(tx, secrets, row.id, tokens, at);
      });
      logger.info({ storeId: row.id, platform, expiresAt: tokens.expiresAt }, 'store authorized');
      return { storeId: row.id, accessTokenExpiresAt: tokens.expiresAt };
    },
  };
}

function openState(secrets: SecretBox, state: string): { s: string; p: Platform; e: number } | undefined {
  try {
    const claim = JSON.parse(secrets.open(state)) as { s?: unknown; p?: unknown; e?: unknown };
    if (typeof claim.s !== 'string' || typeof claim.e !== 'number' || !PLATFORMS.includes(claim.p as Platform)) return undefined;
    return { s: claim.s, p: claim.p as Platform, e: claim.e };
  } catch {
    return undefined;
  }
}

/**
 * The ingest's store lookup with tokens kept fresh: credentials come from the token keeper (refreshed ahead
 * of expiry, one process at a time), cached for a few seconds so a burst of pushes reads each store once.
 * Tokens are refreshed minutes before they expire, so a few seconds of caching never hands out a dead one.
 */
export function tokenRefreshingDirectory(base: StoreDirectory, tokens: StoreTokens, { ttlMs = 5_000 }: { ttlMs?: number } = {}): StoreDirectory {
  const credentials = cachedCredentials(async (storeId) => {
    try {
      return await tokens.credentials(storeId);
    } catch (err) {
      if (!(err instanceof StoreNotAuthorizedError)) throw err;
      return base.credentials(storeId, { fresh: true }); // the fetch will fail and say why
    }
  }, ttlMs);
  return {
    credentials,
    byShop: (platform, shopId, opts) => credentials(storeIdOf(platform, shopId), opts),
    ofPlatform: (platform) => base.ofPlatform(platform),
  };
}
