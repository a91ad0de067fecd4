/**
 * Duplicate-order claims (docs/dedup.md). Every statement about one fingerprint runs inside a transaction
 * holding that fingerprint's advisory lock, so claims and settlements of suspected duplicates are serialised:
 * two orders arriving in the same millisecond still produce exactly one primary, and whichever side learns
 * the last fact (paid, cancelled, merged) sees all the others and opens the review task.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import { closestPrimary, type PrimaryCandidate } from '../../domain/fingerprint';
import { DUPLICATE_PAYMENT, DUPLICATE_PRIMARY_CANCELLED, type ClaimOutcome } from '../../workflows/contract';
import type { Db, DbOrTx } from '../client';
import { dedupClaims } from '../schema';
import { openReviewTask, type NewReviewTask } from './review-tasks';

export type Claim = typeof dedupClaims.$inferSelect;
export type { ClaimOutcome };

/** The fingerprint key holds a phone number: only its hash is stored. */
export const fingerprintHash = (key: string): string => createHash('sha256').update(key).digest('hex');

async function lockFingerprint(tx: DbOrTx, fingerprint: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`dedup:${fingerprint}`}, 0))`);
}

const outcomeOf = (claim: Pick<Claim, 'primaryOrderId'>): ClaimOutcome =>
  claim.primaryOrderId ? { role: 'duplicate', primaryOrderId: claim.primaryOrderId } : { role: 'primary' };

/**
 * Check-and-claim: the closest live primary with this fingerprint created within ±window becomes ours, or
 * we become a primary. Idempotent: a retried claim returns what the first one decided.
 */
export async function claimFingerprint(
  db: Db,
  c: { orderId: string; fingerprint: string; orderedAt: Date; paidAt: Date | null; totalFen: number; windowMs: number },
): Promise<ClaimOutcome> {
  return db.transaction(async (tx) => {
    await lockFingerprint(tx, c.fingerprint);
    const [mine] = await tx.select().from(dedupClaims).where(eq(dedupClaims.orderId, c.orderId));
    if (mine) return outcomeOf(mine);
    // The live primaries with this fingerprint within ±window; closestPrimary picks one (closest in time,
    // then earliest claim, then order id). claimedAt is read in fractional milliseconds: PostgreSQL keeps
    // microseconds, and a Date would round two claims of the same millisecond into a tie.
    const candidates = await tx
      .select({
        orderId: dedupClaims.orderId,
        orderedAt: dedupClaims.orderedAt,
        claimedAtMs: sql<number>`extract(epoch from ${dedupClaims.claimedAt}) * 1000`.mapWith(Number),
      })
      .from(dedupClaims)
      .where(
        and(
          eq(dedupClaims.fingerprint, c.fingerprint),
          isNull(dedupClaims.primaryOrderId),
          isNull(dedupClaims.cancelledAt),
          ne(dedupClaims.orderId, c.orderId),
          gte(dedupClaims.orderedAt, new Date(c.orderedAt.getTime() - c.windowMs)),
          lte(dedupClaims.orderedAt, new Date(c.orderedAt.getTime() + c.windowMs)),
        ),
      );
    const primary = closestPrimary(
      c.orderedAt.getTime(),
      candidates.map((r) => ({ orderId: r.orderId, orderedAtMs: r.orderedAt.getTime(), claimedAtMs: r.claimedAtMs })),
      c.windowMs,
    );
    const claim = {
      orderId: c.orderId,
      fingerprint: c.fingerprint,
      orderedAt: c.orderedAt,
      primaryOrderId: primary?.orderId ?? null,
      paidAt: c.paidAt,
      totalFen: c.totalFen,
    };
    await tx.insert(dedupClaims).values(claim);
    return primary ? { role: 'duplicate', primaryOrderId: primary.orderId } : { role: 'primary' };
  });
}

/** A claim to make: the order, its fingerprint (hashed) and what settling it later needs. */
export interface NewClaim {
  orderId: string;
  fingerprint: string;
  orderedAt: Date;
  paidAt: Date | null;
  totalFen: number;
}

/**
 * The claims of a batch of orders (a round of the order starter), in batch order: for each order the decision
 * `claimFingerprint` makes, with a later order of the batch able to be a duplicate of an earlier one. Four
 * statements for the whole batch, under the advisory locks of all its fingerprints (taken in one order, so two
 * batches never deadlock). An order claimed before keeps its claim.
 */
export async function claimFingerprints(tx: DbOrTx, batch: readonly NewClaim[], windowMs: number): Promise<Map<string, ClaimOutcome>> {
  let claims = batch;
  const outcomes = new Map<string, ClaimOutcome>();
  if (claims.length === 0) return outcomes;
  const fingerprints = [...new Set(claims.map((c) => c.fingerprint))].sort();
  // unnest() yields its rows in array order, so the locks are taken in sorted order.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('dedup:' || f, 0)) from unnest(${sql.param(fingerprints)}::text[]) as f`);
  // Claimed before (a retried round, or a workflow that claimed itself): that decision stands.
  const known = await tx
    .select({ orderId: dedupClaims.orderId, primaryOrderId: dedupClaims.primaryOrderId })
    .from(dedupClaims)
    .where(inArray(dedupClaims.orderId, claims.map((c) => c.orderId)));
  for (const k of known) outcomes.set(k.orderId, outcomeOf(k));
  claims = claims.filter((c) => !outcomes.has(c.orderId));
  if (claims.length === 0) return outcomes;
  const times = claims.map((c) => c.orderedAt.getTime());
  const { rows } = await tx.execute<{ order_id: string; fingerprint: string; ordered_at: Date; claimed_at_ms: number }>(sql`
    select order_id, fingerprint, ordered_at, extract(epoch from claimed_at) * 1000 as claimed_at_ms
    from ${dedupClaims}
    where fingerprint = any(${sql.param(fingerprints)}::text[]) and primary_order_id is null and cancelled_at is null
      and ordered_at between ${new Date(Math.min(...times) - windowMs).toISOString()}::timestamptz and ${new Date(Math.max(...times) + windowMs).toISOString()}::timestamptz`);
  const live = new Map<string, PrimaryCandidate[]>();
  for (const r of rows) live.set(r.fingerprint, [...(live.get(r.fingerprint) ?? []), { orderId: r.order_id, orderedAtMs: new Date(r.ordered_at).getTime(), claimedAtMs: Number(r.claimed_at_ms) }]);
  // The batch claims after everything already stored, one after the other.
  let claimedAtMs = Math.max(Date.now(), ...rows.map((r) => Number(r.claimed_at_ms))) + 1;
  const primaryOf = claims.map((c) => {
    const candidates = live.get(c.fingerprint) ?? [];
    const primary = closestPrimary(c.orderedAt.getTime(), candidates, windowMs);
    if (primary) outcomes.set(c.orderId, { role: 'duplicate', primaryOrderId: primary.orderId });
    else {
      outcomes.set(c.orderId, { role: 'primary' });
      live.set(c.fingerprint, [...candidates, { orderId: c.orderId, orderedAtMs: c.orderedAt.getTime(), claimedAtMs: claimedAtMs++ }]);
    }
    return primary?.orderId ?? null;
  });
  const col = <V>(pick: (c: NewClaim, i: number) => V) => sql.param(claims.map(pick));
  // claimed_at follows the batch order (a microsecond apart) and comes after every claim stored before the locks.
  await tx.execute(sql`
    insert into ${dedupClaims} (order_id, fingerprint, ordered_at, primary_order_id, paid_at, total_fen, claimed_at)
    select v.order_id, v.fingerprint, v.ordered_at, v.primary_order_id, v.paid_at, v.total_fen, clock_timestamp() + v.n * interval '1 microsecond'
    from unnest(${col((c) => c.orderId)}::text[], ${col((c) => c.fingerprint)}::text[], ${col((c) => c.orderedAt.toISOString())}::timestamptz[],
      ${col((_, i) => primaryOf[i])}::text[], ${col((c) => c.paidAt?.toISOString() ?? null)}::timestamptz[], ${col((c) => c.totalFen)}::int[])
      with ordinality as v(order_id, fingerprint, ordered_at, primary_order_id, paid_at, total_fen, n)`);
  return outcomes;
}

/**
 * The duplicate has told its primary: the merge is final, unless the primary was cancelled meanwhile, in
 * which case the duplicate is promoted to a primary of its own and carries on as a normal order.
 */
export async function confirmMerge(db: Db, orderId: string): Promise<{ outcome: 'merged' | 'promoted'; opened: NewReviewTask[] }> {
  const result = await withClaim(db, orderId, async (tx, mine): Promise<{ outcome: 'merged' | 'promoted'; opened: NewReviewTask[] }> => {
    if (!mine.primaryOrderId) return { outcome: 'promoted', opened: [] };
    const [primary] = await tx.select().from(dedupClaims).where(eq(dedupClaims.orderId, mine.primaryOrderId));
    if (!primary || primary.cancelledAt) {
      await tx.update(dedupClaims).set({ primaryOrderId: null, mergedAt: null }).where(eq(dedupClaims.orderId, orderId));
      return { outcome: 'promoted', opened: [] };
    }
    const [merged] = await tx
      .update(dedupClaims)
      .set({ mergedAt: sql`coalesce(${dedupClaims.mergedAt}, now())` })
      .where(eq(dedupClaims.orderId, orderId))
      .returning();
    return { outcome: 'merged', opened: await openDueTasks(tx, [[primary, merged!]]) };
  });
  return result ?? { outcome: 'promoted', opened: [] };
}

/**
 * Records that the order was paid or cancelled, then opens the review tasks now due for it and the orders
 * merged with it. Orders without a claim (unmatchable fingerprint) have nothing to settle.
 */
export async function settleClaim(db: Db, f: { orderId: string; paidAt?: Date | undefined; cancelled?: boolean | undefined }): Promise<NewReviewTask[]> {
  const opened = await withClaim(db, f.orderId, async (tx, mine) => {
    const [updated] = await tx
      .update(dedupClaims)
      .set({
        ...(f.paidAt ? { paidAt: sql`coalesce(${dedupClaims.paidAt}, ${f.paidAt.toISOString()}::timestamptz)` } : {}),
        ...(f.cancelled ? { cancelledAt: sql`coalesce(${dedupClaims.cancelledAt}, now())` } : {}),
      })
      .where(eq(dedupClaims.orderId, f.orderId))
      .returning();
    const me = updated ?? mine;
    if (me.primaryOrderId) {
      if (!me.mergedAt) return [];
      const [primary] = await tx.select().from(dedupClaims).where(eq(dedupClaims.orderId, me.primaryOrderId));
      return primary ? openDueTasks(tx, [[primary, me]]) : [];
    }
    const duplicates = await tx
      .select()
      .from(dedupClaims)
      .where(and(eq(dedupClaims.primaryOrderId, me.orderId), isNotNull(dedupClaims.mergedAt)));
    return openDueTasks(
      tx,
      duplicates.map((d) => [me, d] as const),
    );
  });
  return opened ?? [];
}

/** The orders merged into this one, oldest first. */
export async function mergedOrderIds(db: DbOrTx, primaryOrderId: string): Promise<string[]> {
  const rows = await db
    .select({ orderId: dedupClaims.orderId })
    .from(dedupClaims)
    .where(and(eq(dedupClaims.primaryOrderId, primaryOrderId), isNotNull(dedupClaims.mergedAt)))
    .orderBy(asc(dedupClaims.orderedAt), asc(dedupClaims.orderId));
  return rows.map((r) => r.orderId);
}

async function withClaim<T>(db: Db, orderId: string, work: (tx: DbOrTx, mine: Claim) => Promise<T>): Promise<T | undefined> {
  const [found] = await db.select({ fingerprint: dedupClaims.fingerprint }).from(dedupClaims).where(eq(dedupClaims.orderId, orderId));
  if (!found) return undefined;
  return db.transaction(async (tx) => {
    await lockFingerprint(tx, found.fingerprint);
    const [mine] = await tx.select().from(dedupClaims).where(eq(dedupClaims.orderId, orderId));
    return work(tx, mine!);
  });
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * Money is never dropped silently: a paid duplicate whose primary was cancelled must be shipped or refunded;
 * a paid duplicate of a paid primary is a double payment to refund. Idempotent (deterministic task ids).
 */
async function openDueTasks(tx: DbOrTx, pairs: readonly (readonly [primary: Claim, duplicate: Claim])[]): Promise<NewReviewTask[]> {
  const opened: NewReviewTask[] = [];
  for (const [primary, duplicate] of pairs) {
    if (!duplicate.paidAt) continue;
    const data = {
      primaryOrderId: primary.orderId,
      duplicateOrderId: duplicate.orderId,
      primaryTotalFen: primary.totalFen,
      duplicateTotalFen: duplicate.totalFen,
    };
    let task: NewReviewTask | undefined;
    if (primary.cancelledAt) {
      task = {
        id: `${DUPLICATE_PRIMARY_CANCELLED}-${duplicate.orderId}`,
        kind: DUPLICATE_PRIMARY_CANCELLED,
        orderId: duplicate.orderId,
        reason: `order ${duplicate.orderId} (paid ${yuan(duplicate.totalFen)}) was merged into ${primary.orderId}, which was then cancelled: ship ${duplicate.orderId} or refund it`,
        data,
      };
    } else if (primary.paidAt) {
      task = {
        id: `${DUPLICATE_PAYMENT}-${duplicate.orderId}`,
        kind: DUPLICATE_PAYMENT,
        orderId: duplicate.orderId,
        reason: `order ${duplicate.orderId} was merged into ${primary.orderId} as a duplicate and both were paid: decide whether to refund ${yuan(duplicate.totalFen)} on ${duplicate.orderId}`,
        data,
      };
    }
    if (!task) continue;
    await openReviewTask(tx, task);
    opened.push(task);
  }
  return opened;
}
