/**
 * When transfers are due and late. Apart from domain/allocation.ts (rules, schemas, geography), because workflow
 * code needs only these and the workflow sandbox evaluates a workflow's imports for every workflow it loads.
 */

/** One transfer day (TRANSFER_ETA) unless configured: T+1 means due a day after the transfer is made. */
export const DEFAULT_TRANSFER_DAY_MS = 86_400_000;
/** How long past its ETA a transfer may be before a review task opens (TRANSFER_GRACE), unless configured. */
export const DEFAULT_TRANSFER_GRACE_MS = 12 * 3_600_000;

/** When a transfer made at `madeAtMs` with the rule's `etaDays` is due (epoch ms). */
export function transferEtaMs(madeAtMs: number, etaDays: number, transferDayMs: number = DEFAULT_TRANSFER_DAY_MS): number {
  return madeAtMs + etaDays * transferDayMs;
}

/** When a transfer due at `eta` (ISO) counts as late (epoch ms): a review task opens, the order keeps waiting. */
export function transferLateAtMs(eta: string, graceMs: number = DEFAULT_TRANSFER_GRACE_MS): number {
  return Date.parse(eta) + graceMs;
}
