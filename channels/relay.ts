/**
 * Taobao (TMC) and PDD deliver messages over a WebSocket, not HTTP. A small relay holds that socket and
 * forwards each message, unchanged, to our webhook. The relay signs every POST so the webhook can tell
 * it from a forgery (format documented in docs/platforms.md):
 *
 *   x-relay-app-key:   the store's app key (PDD client_id)
 *   x-relay-timestamp: unix seconds
 *   x-relay-sign:      HEX_UPPER(HMAC-SHA256(app_secret, "app_key" + key + "timestamp" + ts + raw_body))
 *
 * The string follows TOP's convention (parameters sorted by name, name+value concatenated), with the raw
 * body appended so any change to it breaks the signature.
 */
import { hmacHex, sameHex, staleReason } from './signing';
import { headerOf, type PushAck, type PushRequest, type PushVerdict, type StoreCredentials } from './types';

export const RELAY_HEADERS = {
  appKey: 'x-relay-app-key',
  timestamp: 'x-relay-timestamp',
  sign: 'x-relay-sign',
} as const;

export function relaySign(appSecret: string, appKey: string, timestamp: string, rawBody: string): string {
  return hmacHex('sha256', appSecret, `app_key${appKey}timestamp${timestamp}${rawBody}`).toUpperCase();
}

export function relayHeaders(creds: { appKey: string; appSecret: string }, rawBody: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'content-type': 'application/json',
    [RELAY_HEADERS.appKey]: creds.appKey,
    [RELAY_HEADERS.timestamp]: timestamp,
    [RELAY_HEADERS.sign]: relaySign(creds.appSecret, creds.appKey, timestamp, rawBody),
  };
}

export function verifyRelay(req: PushRequest, store: StoreCredentials, now: Date): PushVerdict {
  const appKey = headerOf(req, RELAY_HEADERS.appKey);
  if (appKey !== store.appKey) return { ok: false, reason: 'app key does not match the store' };
  const timestamp = headerOf(req, RELAY_HEADERS.timestamp) ?? '';
  if (!sameHex(headerOf(req, RELAY_HEADERS.sign), relaySign(store.appSecret, appKey, timestamp, req.rawBody))) {
    return { ok: false, reason: 'forged signature' };
  }
  const stale = staleReason(timestamp, now);
  return stale ? { ok: false, reason: stale } : { ok: true };
}

/** The relay only needs a 2xx; the JSON body makes failures and successes easy to tell apart in its logs. */
export const RELAY_ACK: PushAck = { status: 200, contentType: 'application/json', body: '{"success":true}' };
