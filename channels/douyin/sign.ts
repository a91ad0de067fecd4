/**
 * Douyin Shop (抖店) signing.
 *
 * API requests: s = app_secret + "app_key" + key + "method" + method + "param_json" + json
 *                   + "timestamp" + ts + "v" + "2" + app_secret,
 * where json is the business parameters serialized with keys sorted (at every level) and no whitespace;
 *   sign_method=hmac-sha256: hex(HMAC-SHA256(app_secret, s))   sign_method=md5: hex(MD5(s)), lowercase.
 *
 * Pushes: header event-sign = hex(MD5(app_key + raw_body + app_secret)).
 */
import { hmacHex, md5Hex } from '../signing';

export const DOUYIN_API_VERSION = '2';
export type DouyinSignMethod = 'md5' | 'hmac-sha256';

export interface DouyinSignParts {
  appKey: string;
  method: string;
  paramJson: string;
  timestamp: string;
}

/** JSON with object keys sorted at every depth, the form Douyin signs. */
export function douyinParamJson(params: unknown): string {
  return JSON.stringify(sortKeys(params));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, sortKeys(record[key])]));
}

export function douyinSignString(parts: DouyinSignParts, appSecret: string): string {
  const body = `app_key${parts.appKey}method${parts.method}param_json${parts.paramJson}timestamp${parts.timestamp}v${DOUYIN_API_VERSION}`;
  return `${appSecret}${body}${appSecret}`;
}

export function douyinSign(parts: DouyinSignParts, appSecret: string, signMethod: DouyinSignMethod): string {
  const text = douyinSignString(parts, appSecret);
  return signMethod === 'md5' ? md5Hex(text) : hmacHex('sha256', appSecret, text);
}

export function douyinEventSign(appKey: string, rawBody: string, appSecret: string): string {
  return md5Hex(`${appKey}${rawBody}${appSecret}`);
}
