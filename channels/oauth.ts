/**
 * OAuth2 on each platform: where to send the seller to authorize our app, how to trade the code for tokens,
 * how to refresh them, and (WeChat) how to buy a token with appid + secret. Pure HTTP, no storage: the
 * token keeper (channels/oauth-tokens.ts) decides when to call these and makes sure only one process does.
 *
 * | Platform | Seller consents at | Code → token | Refresh |
 * |---|---|---|---|
 * | Taobao/Tmall | `https://oauth.taobao.com/authorize` | `POST https://oauth.taobao.com/token` grant_type=authorization_code | same, grant_type=refresh_token |
 * | Pinduoduo | `https://mms.pinduoduo.com/open.html` | gateway `pdd.pop.auth.token.create` | `pdd.pop.auth.token.refresh` |
 * | Douyin | `https://fuwu.jinritemai.com/authorize` | `token.create` grant_type=authorization_code | `token.refresh` grant_type=refresh_token |
 * | WeChat | (none: appid + secret) | `GET /cgi-bin/token?grant_type=client_credential` | fetch a new one |
 *
 * A store's `baseUrl` (sandbox, simulator) replaces the OAuth host too: `{baseUrl}/authorize`, `{baseUrl}/token`.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { douyinCall } from './douyin/api';
import { ChannelApiError } from './errors';
import { exchange, expectShape } from './http';
import { parseJsonLossless } from './json';
import { pddCall } from './pdd/api';
import type { Platform, StoreCredentials } from './types';

export interface TokenSet {
  accessToken: string;
  expiresAt: Date;
  /** Absent for WeChat (client credentials: just fetch a new token). */
  refreshToken?: string | undefined;
  refreshExpiresAt?: Date | undefined;
}

export type GrantKind = 'authorization_code' | 'client_credential';

export interface OAuthClient {
  readonly platform: Platform;
  /** How this platform hands out tokens: the seller's consent (a code) or the app's own secret. */
  readonly grant: GrantKind;
  /** The page the seller is sent to. Only for `authorization_code`. */
  authorizeUrl(store: StoreCredentials, p: { redirectUri: string; state: string }): string;
  exchangeCode(store: StoreCredentials, p: { code: string; redirectUri: string }, now: Date): Promise<TokenSet>;
  refresh(store: StoreCredentials, refreshToken: string, now: Date): Promise<TokenSet>;
  /** Only for `client_credential`. */
  clientCredential(store: StoreCredentials, now: Date): Promise<TokenSet>;
}

const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/** A GET or POST whose JSON body is read even on 4xx: OAuth servers explain refusals in the body. */
async function fetchJson(
  target: { platform: Platform; method: string },
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; json: unknown }> {
  const { status, text } = await exchange(target, url, init);
  if (status >= 500 || status === 429) {
    throw new ChannelApiError({ ...target, code: `HTTP_${status}`, message: STATUS_CODES[status] ?? '', retryable: true });
  }
  try {
    return { status, json: parseJsonLossless(text) };
  } catch (cause) {
    throw new ChannelApiError({ ...target, code: status >= 200 && status < 300 ? 'INVALID_RESPONSE' : `HTTP_${status}`, message: 'body is not JSON', cause });
  }
}

function notSupported(platform: Platform, what: string): never {
  throw new ChannelApiError({ platform, method: 'oauth', code: 'NOT_SUPPORTED', message: `${platform} has no ${what}` });
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

// ---------------------------------------------------------------- Taobao / Tmall

const taobaoToken = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().optional(),
  re_expires_in: z.coerce.number().optional(),
});
const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

function taobaoOAuth(platform: 'taobao' | 'tmall'): OAuthClient {
  const base = (store: StoreCredentials) => store.baseUrl ?? 'https://oauth.taobao.com';
  async function token(store: StoreCredentials, params: Record<string, string>, now: Date): Promise<TokenSet> {
    const target = { platform, method: `oauth/token ${params.grant_type}` };
    const body = new URLSearchParams({ client_id: store.appKey, client_secret: store.appSecret, ...params });
    const { status, json } = await fetchJson(target, `${base(store)}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: body.toString(),
    });
    const refused = oauthError.safeParse(json);
    if (status >= 400 || refused.success) {
      const error = refused.success ? refused.data : { error: `HTTP_${status}`, error_description: undefined };
      throw new ChannelApiError({ ...target, code: error.error, message: error.error_description ?? error.error });
    }
    const t = expectShape(target, taobaoToken, json);
    return {
      accessToken: t.access_token,
      expiresAt: after(now, t.expires_in),
      refreshToken: t.refresh_token,
      refreshExpiresAt: t.re_expires_in ? after(now, t.re_expires_in) : undefined,
    };
  }
  return {
    platform,
    grant: 'authorization_code',
    authorizeUrl: (store, { redirectUri, state }) =>
      withQuery(`${base(store)}/authorize`, { response_type: 'code', client_id: store.appKey, redirect_uri: redirectUri, state, view: 'web' }),
    exchangeCode: (store, { code, redirectUri }, now) => token(store, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, now),
    refresh: (store, refreshToken, now) => token(store, { grant_type: 'refresh_token', refresh_token: refreshToken }, now),
    clientCredential: () => notSupported(platform, 'client-credential tokens'),
  };
}

// ---------------------------------------------------------------- Pinduoduo

const pddToken = (key: string) =>
  z.object({
    [key]: z.object({
      access_token: z.string().min(1),
      expires_in: z.coerce.number().positive(),
      refresh_token: z.string().optional(),
      refresh_token_expires_in: z.coerce.number().optional(),
    }),
  });

const pddOAuth: OAuthClient = (() => {
  async function token(store: StoreCredentials, type: string, key: string, params: Record<string, string>, now: Date): Promise<TokenSet> {
    // The token calls are signed with the client secret; no access_token goes with them.
    const { accessToken: _ignored, ...app } = store;
    const json = await pddCall(app, type, params);
    const t = expectShape({ platform: 'pdd', method: type }, pddToken(key), json)[key]!;
    return {
      accessToken: t.access_token,
      expiresAt: after(now, t.expires_in),
      refreshToken: t.refresh_token,
      refreshExpiresAt: t.refresh_token_expires_in ? after(now, t.refresh_token_expires_in) : undefined,
    };
  }
  return {
    platform: 'pdd',
    grant: 'authorization_code',
    authorizeUrl: (store, { redirectUri, state }) =>
      withQuery(store.baseUrl ? `${store.baseUrl}/authorize` : 'https://mms.pinduoduo.com/open.html', {
        response_type: 'code',
        client_id: store.appKey,
        redirect_uri: redirectUri,
        state,
      }),
    exchangeCode: (store, { code }, now) => token(store, 'pdd.pop.auth.token.create', 'pop_auth_token_create_response', { code }, now),
    refresh: (store, refreshToken, now) =>
      token(store, 'pdd.pop.auth.token.refresh', 'pop_auth_token_refresh_response', { refresh_token: refreshToken }, now),
    clientCredential: () => notSupported('pdd', 'client-credential tokens'),
  };
})();

// ---------------------------------------------------------------- Douyin

const douyinToken = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().optional(),
});
/** Douyin does not say; its documentation gives refresh tokens 14 days. */
const DOUYIN_REFRESH_TTL_S = 14 * 24 * 60 * 60;

const douyinOAuth: OAuthClient = (() => {
  async function token(store: StoreCredentials, method: string, params: object, now: Date): Promise<TokenSet> {
    const { accessToken: _ignored, ...app } = store;
    const t = expectShape({ platform: 'douyin', method }, douyinToken, await douyinCall(app, method, params));
    return {
      accessToken: t.access_token,
      expiresAt: after(now, t.expires_in),
      refreshToken: t.refresh_token,
      refreshExpiresAt: t.refresh_token ? after(now, DOUYIN_REFRESH_TTL_S) : undefined,
    };
  }
  return {
    platform: 'douyin',
    grant: 'authorization_code',
    authorizeUrl: (store, { redirectUri, state }) =>
      withQuery(store.baseUrl ? `${store.baseUrl}/authorize` : 'https://fuwu.jinritemai.com/authorize', {
        response_type: 'code',
        app_key: store.appKey,
        redirect_uri: redirectUri,
        state,
      }),
    exchangeCode: (store, { code }, now) => token(store, 'token.create', { code, grant_type: 'authorization_code' }, now),
    refresh: (store, refreshToken, now) => token(store, 'token.refresh', { refresh_token: refreshToken, grant_type: 'refresh_token' }, now),
    clientCredential: () => notSupported('douyin', 'client-credential tokens'),
  };
})();

// ---------------------------------------------------------------- WeChat

const wechatToken = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const wechatError = z.object({ errcode: z.number(), errmsg: z.string().optional() });

const wechatOAuth: OAuthClient = {
  platform: 'wechat',
  grant: 'client_credential',
  authorizeUrl: () => notSupported('wechat', 'seller authorization: the token comes from appid and secret'),
  exchangeCode: () => notSupported('wechat', 'authorization codes'),
  refresh: () => notSupported('wechat', 'refresh tokens'),
  async clientCredential(store, now) {
    const target = { platform: 'wechat' as const, method: '/cgi-bin/token' };
    const url = withQuery(`${store.baseUrl ?? 'https://api.weixin.qq.com'}/cgi-bin/token`, {
      grant_type: 'client_credential',
      appid: store.appKey,
      secret: store.appSecret,
    });
    const { json } = await fetchJson(target, url, { method: 'GET' });
    const refused = wechatError.safeParse(json);
    if (refused.success && refused.data.errcode !== 0) {
      // -1 is "system busy".
      throw new ChannelApiError({ ...target, code: refused.data.errcode, message: refused.data.errmsg ?? 'error', retryable: refused.data.errcode === -1 });
    }
    const t = expectShape(target, wechatToken, json);
    return { accessToken: t.access_token, expiresAt: after(now, t.expires_in) };
  },
};

const CLIENTS: Readonly<Record<Platform, OAuthClient>> = {
  taobao: taobaoOAuth('taobao'),
  tmall: taobaoOAuth('tmall'),
  pdd: pddOAuth,
  douyin: douyinOAuth,
  wechat: wechatOAuth,
};

export function oauthClientFor(platform: Platform): OAuthClient {
  return CLIENTS[platform];
}

/**
 * The platform refused a call because of its access token (expired, revoked, replaced): worth one forced
 * refresh and one more try. Codes: TOP 26/27 (missing/invalid session), PDD 10019, Douyin 30005 or an
 * `isv.access-token-*` sub-code, WeChat 40001/40014/42001.
 */
export function isTokenRejected(err: unknown): boolean {
  if (!(err instanceof ChannelApiError)) return false;
  switch (err.platform) {
    case 'taobao':
    case 'tmall':
      return err.code === '26' || err.code === '27';
    case 'pdd':
      return err.code === '10019';
    case 'douyin':
      return err.code === '30005' || /access[-_]token/.test(err.subCode ?? '');
    case 'wechat':
      return err.code === '40001' || err.code === '40014' || err.code === '42001';
  }
}
