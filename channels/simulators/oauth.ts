/**
 * The simulators' authorization server: the seller's consent page (auto-approved), authorization codes,
 * access tokens with a lifetime, single-use refresh tokens and WeChat's client-credential tokens. Each
 * platform simulator serves it in its own wire format; this class only keeps the state and the rules.
 *
 * Rules modelled on the platforms (stricter where they differ, so our client is tested against the worst):
 * - an authorization code works once, for 10 minutes;
 * - a refresh token works once: refreshing returns a new one and the old one is dead (Douyin documents this,
 *   the others at least rotate them), so two processes refreshing with the same refresh token cannot both win;
 * - an expired access token is refused with the platform's "expired" error;
 * - WeChat `cgi-bin/token`: a new token leaves the previous one valid for 5 more minutes at most.
 */
import type { Hono } from 'hono';
import { createRng, digits } from './fake-data';

export interface OAuthSimulatorOptions {
  /** Lifetime of issued access tokens in seconds (default one day). */
  accessTtlSeconds?: number;
  /** Lifetime of refresh tokens in seconds (default 30 days). */
  refreshTtlSeconds?: number;
}

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credential';

export interface IssuedToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
  /** Seconds. */
  refreshExpiresIn?: number;
}

export interface GrantRecord {
  grant: GrantType;
  at: Date;
  accessToken: string;
}

export type TokenVerdict = 'ok' | 'missing' | 'invalid' | 'expired';
export type GrantRefusal = { error: 'invalid_client' | 'invalid_grant'; description: string };

const CODE_TTL_MS = 10 * 60 * 1000;
const WECHAT_OVERLAP_MS = 5 * 60 * 1000;

export class SimulatedOAuth {
  /** Every token handed out, oldest first: a test counts refreshes here. */
  readonly grants: GrantRecord[] = [];
  /** API calls refused because their token had expired (a client refreshing ahead of expiry keeps this at 0). */
  expiredCalls = 0;
  private readonly codes = new Map<string, number>();
  private readonly access = new Map<string, number>();
  private readonly refresh = new Map<string, number>();
  private readonly rng = createRng(Math.floor(Math.random() * 2 ** 31));
  private lastClientCredential: string | undefined;

  constructor(
    private readonly opts: OAuthSimulatorOptions,
    private readonly now: () => Date,
    /** A token accepted without OAuth (SimulatorOptions.accessToken). */
    private readonly fixedToken?: string,
  ) {}

  get accessTtlSeconds(): number {
    return this.opts.accessTtlSeconds ?? 24 * 60 * 60;
  }

  get refreshTtlSeconds(): number {
    return this.opts.refreshTtlSeconds ?? 30 * 24 * 60 * 60;
  }

  /** The seller approved the app on the consent page: a fresh authorization code. */
  authorize(): string {
    const code = `code${digits(this.rng, 16)}`;
    this.codes.set(code, this.now().getTime() + CODE_TTL_MS);
    return code;
  }

  exchangeCode(code: string | undefined): IssuedToken | GrantRefusal {
    const expiresAt = code === undefined ? undefined : this.codes.get(code);
    if (code !== undefined) this.codes.delete(code);
    if (expiresAt === undefined || expiresAt <= this.now().getTime()) {
      return { error: 'invalid_grant', description: 'authorization code is invalid, used or expired' };
    }
    return this.issue('authorization_code', true);
  }

  refreshToken(token: string | undefined): IssuedToken | GrantRefusal {
    const expiresAt = token === undefined ? undefined : this.refresh.get(token);
    if (token !== undefined) this.refresh.delete(token);
    if (expiresAt === undefined || expiresAt <= this.now().getTime()) {
      return { error: 'invalid_grant', description: 'refresh token is invalid, already used or expired' };
    }
    return this.issue('refresh_token', true);
  }

  /** WeChat: appid + secret buy a token; the previous one stays valid for 5 more minutes at most. */
  clientCredential(): IssuedToken {
    const previous = this.lastClientCredential;
    const nowMs = this.now().getTime();
    if (previous !== undefined) {
      const until = this.access.get(previous);
      if (until !== undefined) this.access.set(previous, Math.min(until, nowMs + WECHAT_OVERLAP_MS));
    }
    const issued = this.issue('client_credential', false);
    this.lastClientCredential = issued.accessToken;
    return issued;
  }

  /** Whether an API call's token is good. Counts calls refused for an expired token. */
  check(token: string | undefined): TokenVerdict {
    if (token === undefined || token === '') return 'missing';
    if (this.fixedToken !== undefined && token === this.fixedToken) return 'ok';
    const until = this.access.get(token);
    if (until === undefined) return 'invalid';
    if (until <= this.now().getTime()) {
      this.expiredCalls += 1;
      return 'expired';
    }
    return 'ok';
  }

  /** Test helper: every access token issued so far expires now (refresh tokens stay good). */
  expireAccessTokens(): void {
    const nowMs = this.now().getTime();
    for (const token of this.access.keys()) this.access.set(token, nowMs);
  }

  /** Test helper: every refresh token stops working, as when the seller revokes the app. */
  revokeRefreshTokens(): void {
    this.refresh.clear();
  }

  private issue(grant: GrantType, withRefresh: boolean): IssuedToken {
    const nowMs = this.now().getTime();
    const accessToken = `at${digits(this.rng, 24)}`;
    this.access.set(accessToken, nowMs + this.accessTtlSeconds * 1000);
    this.grants.push({ grant, at: new Date(nowMs), accessToken });
    if (!withRefresh) return { accessToken, expiresIn: this.accessTtlSeconds };
    const refreshToken = `rt${digits(this.rng, 24)}`;
    this.refresh.set(refreshToken, nowMs + this.refreshTtlSeconds * 1000);
    return { accessToken, expiresIn: this.accessTtlSeconds, refreshToken, refreshExpiresIn: this.refreshTtlSeconds };
  }
}

export function isRefusal(result: IssuedToken | GrantRefusal): result is GrantRefusal {
  return 'error' in result;
}

/**
 * The seller's consent page, approved at once: `GET /authorize?client_id|app_key=…&redirect_uri=…&state=…`
 * answers 302 to `redirect_uri?code=…&state=…`, as the platform does after the seller clicks "authorize".
 */
export function serveConsentPage(app: Hono, appKey: string, oauth: SimulatedOAuth): void {
  app.get('/authorize', (c) => {
    const clientId = c.req.query('client_id') ?? c.req.query('app_key');
    const redirectUri = c.req.query('redirect_uri');
    if (clientId !== appKey) return c.text('unknown app', 400);
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return c.text('redirect_uri missing or not http(s)', 400);
    const target = new URL(redirectUri);
    target.searchParams.set('code', oauth.authorize());
    const state = c.req.query('state');
    if (state !== undefined) target.searchParams.set('state', state);
    return c.redirect(target.toString(), 302);
  });
}

/** Whether API calls must carry a token, and which ones pass. */
export function tokenRequired(opts: { accessToken?: string | undefined; oauth?: OAuthSimulatorOptions | undefined }): boolean {
  return opts.accessToken !== undefined || opts.oauth !== undefined;
}
