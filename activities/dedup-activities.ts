/**
 * Side effects of duplicate detection (docs/dedup.md): claim the order's fingerprint, confirm a merge, and
 * record payments and cancellations so that paid duplicates always reach a person as a review task.
 */
import type { Db } from '../db/client';
import { claimFingerprint, confirmMerge, fingerprintHash, settleClaim, type ClaimOutcome } from '../db/queries/dedup';
import type { NewReviewTask } from '../db/queries/review-tasks';
import type { Logger } from '../infra/logger';

export interface DedupActivityDeps {
  db: Db;
  logger: Logger;
}

export function createDedupActivities({ db, logger }: DedupActivityDeps) {
  const opened = (tasks: NewReviewTask[]) => {
    for (const t of tasks) logger.warn({ taskId: t.id, kind: t.kind, orderId: t.orderId }, 'review task due for a duplicate order');
  };

  return {
    /** Atomic check-and-claim: this order is the primary of its fingerprint, or a duplicate of the one returned. */
    async claimOrderFingerprint(params: {
      orderId: string;
      fingerprintKey: string;
      orderedAt: string;
      paidAt: string | null;
      totalFen: number;
      windowMs: number;
    }): Promise<ClaimOutcome> {
      const outcome = await claimFingerprint(db, {
        orderId: params.orderId,
        fingerprint: fingerprintHash(params.fingerprintKey),
        orderedAt: new Date(params.orderedAt),
        paidAt: params.paidAt ? new Date(params.paidAt) : null,
        totalFen: params.totalFen,
        windowMs: params.windowMs,
      });
      if (outcome.role === 'duplicate') logger.info({ orderId: params.orderId, primaryOrderId: outcome.primaryOrderId }, 'suspected duplicate order');
      return outcome;
    },

    /** 'merged', or 'promoted' when the primary was cancelled before the merge could be confirmed. */
    async confirmDuplicateMerge(params: { orderId: string }): Promise<'merged' | 'promoted'> {
      const result = await confirmMerge(db, params.orderId);
      opened(result.opened);
      return result.outcome;
    },

    /** The order was paid or cancelled: records it and opens the review tasks now due. Idempotent. */
    async settleDuplicatePayments(params: { orderId: string; paidAt?: string; cancelled?: boolean }): Promise<void> {
      opened(await settleClaim(db, { orderId: params.orderId, paidAt: params.paidAt ? new Date(params.paidAt) : undefined, cancelled: params.cancelled }));
    },
  };
}
