import type { PlatformStatus } from './types';

/**
 * An open refund or after-sale matters more than "paid" or "shipped": the order may be coming back.
 * It does not override "unpaid" or "cancelled", where there is nothing to return.
 */
export function withOpenRefund(base: PlatformStatus, refundOpen: boolean): PlatformStatus {
  return refundOpen && (base === 'paid' || base === 'shipped' || base === 'completed') ? 'refund_requested' : base;
}

/** Looks a platform status code up in its table; an unknown code is a bug in the table, not a guess to make. */
export function lookupStatus(platform: string, table: Readonly<Record<string, PlatformStatus>>, code: string | number): PlatformStatus {
  const status = table[String(code)];
  if (status === undefined) throw new Error(`${platform}: unknown order status ${String(code)}`);
  return status;
}
