/**
 * Calls to the WeChat Channels shop API. Requests are not signed; the access token is the credential.
 * Stores without a fixed token get one from /cgi-bin/stable_token (appid + secret), cached until shortly
 * before it expires.
 */
import { ChannelApiError } from '../errors';
import { expectShape, postForJson } from '../http';
import type { StoreCredentials } from '../types';
import { tokenResponse, wechatErrorFields } from './wire';

export const WECHAT_DEFAULT_BASE_URL = 'https://api.weixin.qq.com';

/** 40001 invalid credential, 40014 invalid token, 42001 token expired: the cached token is no good. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

const tokens = new Map<string, { token: string; expiresAt: number }>();

export function baseUrlOf(store: StoreCredentials): string {
  return store.baseUrl ?? WECHAT_DEFAULT_BASE_URL;
}

/** Returns the whole response JSON once errcode says success. `tryLater`: the call's own errcodes that mean "retry later". */
export async function wechatCall(store: StoreCredentials, path: string, body: object, tryLater?: ReadonlySet<number>): Promise<unknown> {
  const token = await accessTokenOf(store);
  const target = { platform: 'wechat' as const, method: path };
  const url = `${baseUrlOf(store)}${path}?access_token=${encodeURIComponent(token)}`;
  const json = await postForJson(target, url, JSON.stringify(body), 'application/json');
  const { errcode, errmsg } = expectShape(target, wechatErrorFields, json);
  if (errcode !== undefined && errcode !== 0) {
    const stale = TOKEN_ERRORS.has(errcode) && store.accessToken === undefined;
    if (stale) tokens.delete(tokenKey(store));
    throw new ChannelApiError({ ...target, code: errcode, message: errmsg ?? 'error', retryable: stale || (tryLater?.has(errcode) ?? false) });
  }
  return json;
}

async function accessTokenOf(store: StoreCredentials): Promise<string> {
  if (store.accessToken) return store.accessToken;
  const key = tokenKey(store);
  const cached = tokens.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.token;

  const target = { platform: 'wechat' as const, method: '/cgi-bin/stable_token' };
  const body = JSON.stringify({ grant_type: 'client_credential', appid: store.appKey, secret: store.appSecret });
  const json = await postForJson(target, `${baseUrlOf(store)}${target.method}`, body, 'application/json');
  const { errcode, errmsg } = expectShape(target, wechatErrorFields, json);
  if (errcode !== undefined && errcode !== 0) throw new ChannelApiError({ ...target, code: errcode, message: errmsg ?? 'error' });
  const { access_token, expires_in } = expectShape(target, tokenResponse, json);
  tokens.set(key, { token: access_token, expiresAt: Date.now() + expires_in * 1000 - REFRESH_MARGIN_MS });
  return access_token;
}

/** Keyed by the secret too, so a rotated secret is never served a token fetched with the old one. */
function tokenKey(store: StoreCredentials): string {
  return `${baseUrlOf(store)}\n${store.appKey}\n${store.appSecret}`;
}
