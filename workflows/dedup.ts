/**
 * Duplicate orders: the same buyer ordering the same SKUs twice within minutes, on two platforms or twice on
 * one. Right after the order is received it claims its fingerprint (phone + SKU set + creation time, see
 * domain/fingerprint.ts). The first order to claim is the primary; a later one tells the primary, ends
 * MERGED and reserves nothing. Money is never dropped: every payment and cancellation of either side is
 * recorded with the claim, and a paid duplicate opens a review task (docs/dedup.md).
 */
import { condition, getExternalWorkflowHandle, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { DEFAULT_DEDUP_WINDOW_MS, fingerprintOf } from '../domain/fingerprint';
import { duplicateMergedSignal, MergedIntoKey, orderWorkflowId, type ClaimOutcome } from './contract';
import type { OrderContext } from './order-context';

/** A primary accepted but not started yet is asked again after this long, doubling up to the maximum. */
const PRIMARY_START_WAIT_MS = 1_000;
const PRIMARY_START_WAIT_MAX_MS = 30_000;

/** Registers the phase's handlers (call before the first await) and returns its steps. */
export function dedupPhase(ctx: OrderContext) {
  const { state, orderId } = ctx;

  setHandler(duplicateMergedSignal, async (duplicate) => {
    if (state.merged.includes(duplicate.orderId)) return;
    state.merged.push(duplicate.orderId);
    await ctx.whenReceived();
    const { channel, channelOrderId, paid } = duplicate;
    await ctx.record('DUPLICATE_MERGED', undefined, { orderId: duplicate.orderId, channel, channelOrderId, paid });
  });

  /** From now on other orders may merge into this one: report its payment and its cancellation. */
  function actAsPrimary(): void {
    ctx.addCompensation(() => ctx.act.settleDuplicatePayments({ orderId, cancelled: true }));
    if (state.paidAt) return; // already recorded with the claim
    void (async () => {
      await condition(() => state.paidAt !== null);
      await ctx.act.settleDuplicatePayments({ orderId, paidAt: state.paidAt! });
    })();
  }

  /** The claim made now (orders accepted before the intake claimed); undefined when the fingerprint cannot match. */
  async function claimNow(): Promise<ClaimOutcome | undefined> {
    const fingerprint = fingerprintOf(ctx.input.order);
    if (!fingerprint.matchable) return undefined;
    return ctx.act.claimOrderFingerprint({
      orderId,
      fingerprintKey: fingerprint.key,
      orderedAt: state.createdAt,
      paidAt: state.paidAt,
      totalFen: state.totalFen,
      windowMs: ctx.timings.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS,
    });
  }

  /**
   * Tells the primary it has a duplicate. Its workflow may not run: closed (whether it was cancelled is decided
   * after), or — the order starter claims a round's orders, then starts them in parallel — accepted but not
   * started yet, in which case we wait for it.
   */
  async function tellPrimary(primaryOrderId: string): Promise<void> {
    const primary = getExternalWorkflowHandle(orderWorkflowId(primaryOrderId));
    for (let waitMs = PRIMARY_START_WAIT_MS; ; waitMs = Math.min(waitMs * 2, PRIMARY_START_WAIT_MAX_MS)) {
      try {
        await primary.signal(duplicateMergedSignal, { orderId, channel: state.channel, channelOrderId: state.channelOrderId, paid: state.paidAt !== null });
        return;
      } catch {
        // Orders claimed in their workflow (no claim in their input) found their primary running: it has closed.
        if (!ctx.input.intake?.claim || !(await ctx.act.awaitsStart({ orderId: primaryOrderId }))) return;
        await sleep(waitMs);
      }
    }
  }

  return {
    /**
     * True when the order is a duplicate and has been merged into its primary (status MERGED): it must not
     * reserve or ship anything. False when it is a primary, or has a fingerprint that cannot match.
     */
    async mergeIfDuplicate(): Promise<boolean> {
      const claim = ctx.input.intake?.claim ?? (await claimNow());
      if (!claim) return false;
      if (claim.role === 'duplicate') {
        const primaryOrderId = claim.primaryOrderId;
        await tellPrimary(primaryOrderId);
        if ((await ctx.act.confirmDuplicateMerge({ orderId })) === 'merged') {
          // A merged duplicate ships nothing: what was held for it at acceptance goes back on sale.
          if (ctx.input.intake?.held) await ctx.act.releaseAllocation({ orderId });
          state.mergedInto = primaryOrderId;
          upsertSearchAttributes([{ key: MergedIntoKey, value: primaryOrderId }]);
          await ctx.record('MERGED', 'MERGED', { primaryOrderId }, { mergedInto: primaryOrderId });
          return true;
        }
        await ctx.record('DUPLICATE_OF_CANCELLED', undefined, { primaryOrderId });
      }
      actAsPrimary();
      return false;
    },

    /** A merged duplicate still takes its payment (until the payment deadline), so a person can refund it. */
    async duplicatePaid(): Promise<void> {
      if (state.paidAt) await ctx.act.settleDuplicatePayments({ orderId, paidAt: state.paidAt });
    },
  };
}
