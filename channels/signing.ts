/** Hashing helpers shared by the platform signers, plus the freshness rule every timestamped push follows. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export function hmacHex(algorithm: 'md5' | 'sha256', key: string, text: string): string {
  return createHmac(algorithm, key).update(text, 'utf8').digest('hex');
}

/** Compares hex signatures case-insensitively in constant time, so timing reveals nothing about the expected value. */
export function sameHex(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(received.toLowerCase(), 'utf8');
  const b = Buffer.from(expected.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Pushes older than this, or this far in the future, are refused: a captured push cannot be replayed later. */
const MAX_PUSH_SKEW_MS = 5 * 60 * 1000;

/** `undefined` when the unix-seconds timestamp is acceptable, otherwise why not. */
export function staleReason(unixSeconds: string | undefined, now: Date): string | undefined {
  if (unixSeconds === undefined || !/^\d{1,12}$/.test(unixSeconds)) return 'missing or malformed timestamp';
  const skew = Number(unixSeconds) * 1000 - now.getTime();
  if (skew < -MAX_PUSH_SKEW_MS) return 'stale timestamp (older than 5 minutes)';
  if (skew > MAX_PUSH_SKEW_MS) return 'timestamp more than 5 minutes in the future';
  return undefined;
}
