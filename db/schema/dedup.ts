import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per order with a matchable fingerprint (docs/dedup.md). The first order to claim a fingerprint
 * within the window is a primary (`primaryOrderId` null); a later one points at its primary and, once the
 * merge is confirmed, has `mergedAt`. Payment and cancellation are recorded here so that whichever side
 * learns the last fact opens the review task.
 */
export const dedupClaims = pgTable(
  'dedup_claims',
  {
    orderId: text().primaryKey(),
    /** SHA-256 of the normalised phone and the SKU set: the fingerprint without personal data in clear. */
    fingerprint: text().notNull(),
    /** The platform's order creation time. */
    orderedAt: timestamp({ withTimezone: true }).notNull(),
    primaryOrderId: text(),
    mergedAt: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    totalFen: integer().notNull(),
    claimedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dedup_claims_fingerprint_idx').on(t.fingerprint, t.orderedAt), index('dedup_claims_primary_idx').on(t.primaryOrderId)],
);
