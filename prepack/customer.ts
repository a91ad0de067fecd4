/**
 * How a customer is known to the pre-pack model without keeping the phone in clear: the phone normalised the
 * way order dedup does it (domain/fingerprint.ts) and HMAC-SHA-256'd into `p:<hex>`; a platform buyer id is
 * kept as `b:<id>`. The same phone on a behaviour event and on a paid order gives the same key, which is how
 * an order finds its pre-pack.
 */
import { createHmac } from 'node:crypto';
import { normalizePhone } from '../domain/fingerprint';
import { maskPhone } from '../domain/phone';

/**
 * Domain separation for the HMAC. It is a pseudonym, not encryption: whoever has the code can test a phone
 * against a key, but a key alone (a dump of the events) does not show the number.
 */
const KEY = Buffer.from('oms/prepack/customer-key/v1');

export interface CustomerRef {
  key: string;
  /** What people may see: the masked phone or the buyer id. */
  label: string;
}

/** The key of a phone; undefined when the phone says nothing about the buyer (masked, encrypted, virtual, invalid). */
export function phoneCustomer(phone: string): CustomerRef | undefined {
  const normalized = normalizePhone(phone);
  if (!normalized.matchable) return undefined;
  return { key: `p:${createHmac('sha256', KEY).update(normalized.phone).digest('hex').slice(0, 40)}`, label: maskPhone(normalized.phone) };
}

export function buyerCustomer(buyerId: string): CustomerRef {
  return { key: `b:${buyerId}`, label: buyerId };
}
