/**
 * Order fingerprints: who bought what, reduced to a form two platforms agree on, so the same purchase made
 * twice (two platforms, or one submitted twice) can be recognised. Pure: workflow code imports it.
 *
 * - The phone is normalised (country code, spaces, dashes, dots, parentheses, full-width characters). A
 *   phone the platform masked (`138****8000`), encrypted (Taobao `$…$`, Pinduoduo `~…~`, Douyin `#…#`) or
 *   replaced by a virtual number with an extension (`…转1234`) says nothing about the buyer: it is
 *   `unmatchable` and never matches anything, not even an identical string.
 * - The SKU set is the sorted, unique SKUs; quantities do not count.
 * - Two orders are suspected duplicates when phone and SKU set are equal and their creation times lie
 *   within the window of each other (see docs/dedup.md).
 */
import type { Address, CanonicalOrder, OrderLine } from './order';

/** Two orders of one buyer created this close together are suspected duplicates, unless configured otherwise (DEDUP_WINDOW). */
export const DEFAULT_DEDUP_WINDOW_MS = 3 * 60_000;

export type UnmatchableReason = 'masked' | 'encrypted' | 'virtual' | 'invalid';

export type NormalizedPhone = { matchable: true; phone: string } | { matchable: false; reason: UnmatchableReason };

const CHINA_MOBILE = /^1[3-9]\d{9}$/;
/** Characters people and platforms put between digits. */
const SEPARATORS = /[\s\-().·/_]/g;

/**
 * The phone in one canonical form: a Chinese mobile as its 11 digits, a Chinese landline with its leading
 * 0 and area code (`057188888888`), any other country as `+` and digits. Anything else is unmatchable.
 */
export function normalizePhone(raw: string): NormalizedPhone {
  // NFKC turns full-width digits, plus signs, parentheses and asterisks into their ASCII forms.
  const text = raw.normalize('NFKC').trim();
  if (text === '') return { matchable: false, reason: 'invalid' };
  if (/[*•●]|[xX]{2,}/.test(text)) return { matchable: false, reason: 'masked' };
  if (/^[$~#].*[$~#]$/.test(text) && text.length > 2) return { matchable: false, reason: 'encrypted' };
  if (/转|ext|分机|[,;#]\s*\d+$/i.test(text)) return { matchable: false, reason: 'virtual' };
  // A mobile number followed by "-1234" is a platform virtual number with its extension.
  if (/^(?:\+?86|0086)?1[3-9]\d{9}\s*-\s*\d{1,6}$/.test(text.replace(/\s+/g, ''))) return { matchable: false, reason: 'virtual' };

  const compact = text.replace(SEPARATORS, '');
  if (/[A-Za-z]/.test(compact)) return { matchable: false, reason: 'encrypted' };
  let digits: string;
  let domestic: boolean;
  if (compact.startsWith('+86')) [digits, domestic] = [compact.slice(3), true];
  else if (compact.startsWith('0086')) [digits, domestic] = [compact.slice(4), true];
  else if (compact.startsWith('+')) [digits, domestic] = [compact.slice(1), false];
  else if (/^861[3-9]\d{9}$/.test(compact)) [digits, domestic] = [compact.slice(2), true];
  else [digits, domestic] = [compact, true];
  if (!/^\d+$/.test(digits)) return { matchable: false, reason: 'invalid' };

  if (!domestic) return digits.length >= 7 && digits.length <= 15 ? { matchable: true, phone: `+${digits}` } : { matchable: false, reason: 'invalid' };
  if (CHINA_MOBILE.test(digits)) return { matchable: true, phone: digits };
  // Landlines: area code (2–3 digits after the 0) and a 7–8 digit number. International form drops the 0.
  const landline = digits.startsWith('0') ? digits : compact.startsWith('+86') || compact.startsWith('0086') ? `0${digits}` : digits;
  if (/^0[1-9]\d{8,10}$/.test(landline)) return { matchable: true, phone: landline };
  return { matchable: false, reason: 'invalid' };
}

/** The SKUs of an order as a set: trimmed, unique, sorted (by code unit, independent of locale). */
export function skuSet(lines: readonly Pick<OrderLine, 'sku'>[]): string[] {
  return [...new Set(lines.map((l) => l.sku.trim()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export type Fingerprint =
  | { matchable: true; phone: string; skus: string[]; key: string; createdAtMs: number }
  | { matchable: false; reason: UnmatchableReason };

/** The order's fingerprint; `key` is equal for two orders exactly when phone and SKU set are. */
export function fingerprintOf(order: Pick<CanonicalOrder, 'customer' | 'lines' | 'createdAt'>): Fingerprint {
  const phone = normalizePhone(order.customer.phone);
  if (!phone.matchable) return phone;
  const skus = skuSet(order.lines);
  return { matchable: true, phone: phone.phone, skus, key: JSON.stringify([phone.phone, skus]), createdAtMs: Date.parse(order.createdAt) };
}

/** Same phone, same SKU set, created within `windowMs` of each other (inclusive). Unmatchable never matches. */
export function isSuspectedDuplicate(a: Fingerprint, b: Fingerprint, windowMs: number): boolean {
  if (!a.matchable || !b.matchable) return false;
  return a.key === b.key && Math.abs(a.createdAtMs - b.createdAtMs) <= windowMs;
}

const squash = (s: string | undefined) => (s ?? '').normalize('NFKC').replace(/[\s,，。.、]/g, '').toLowerCase();

/**
 * Who the parcel goes to, for shipment merge: name, phone and full address, normalised. A phone that
 * cannot be normalised is compared as written (the same ciphertext on one store's orders is the same buyer).
 */
export function receiverKeyOf(customer: CanonicalOrder['customer'], address: Address): string {
  const phone = normalizePhone(customer.phone);
  return JSON.stringify([
    squash(customer.name),
    phone.matchable ? phone.phone : customer.phone.normalize('NFKC').trim(),
    squash(address.province),
    squash(address.city),
    squash(address.district),
    squash(address.detail),
  ]);
}

/** A live primary order already holding the fingerprint (same phone and SKU set), as the claim sees it. */
export interface PrimaryCandidate {
  orderId: string;
  orderedAtMs: number;
  claimedAtMs: number;
}

/**
 * Which primary a new order with this fingerprint is a duplicate of: the candidate created closest to it
 * within ±`windowMs` (inclusive, as isSuspectedDuplicate), earlier claim first on a tie, then order id.
 * Undefined: none is close enough, the order is a primary itself. The caller narrows candidates to live
 * primaries with the same fingerprint key (in SQL); this decides.
 */
export function closestPrimary(orderedAtMs: number, candidates: readonly PrimaryCandidate[], windowMs: number): PrimaryCandidate | undefined {
  let best: PrimaryCandidate | undefined;
  for (const c of candidates) {
    const distance = Math.abs(c.orderedAtMs - orderedAtMs);
    if (distance > windowMs) continue;
    if (!best) {
      best = c;
      continue;
    }
    const bestDistance = Math.abs(best.orderedAtMs - orderedAtMs);
    if (distance < bestDistance || (distance === bestDistance && (c.claimedAtMs < best.claimedAtMs || (c.claimedAtMs === best.claimedAtMs && c.orderId < best.orderId)))) best = c;
  }
  return best;
}
