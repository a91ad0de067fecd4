import { and, desc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { reviewTasks } from '../schema';

export type ReviewTaskRow = typeof reviewTasks.$inferSelect;

export interface NewReviewTask {
  /** Deterministic (derived from the workflow), so a retried activity opens the task once. */
  id: string;
  kind: string;
  orderId?: string | undefined;
  reason: string;
  data?: Record<string, unknown> | undefined;
}

export async function openReviewTask(db: DbOrTx, task: NewReviewTask): Promise<void> {
  await db
    .insert(reviewTasks)
    .values({ id: task.id, kind: task.kind, orderId: task.orderId ?? null, reason: task.reason, data: task.data ?? null })
    .onConflictDoNothing();
}

export async function listReviewTasks(
  db: DbOrTx,
  filter: { state: 'open' | 'resolved' | 'all'; kind?: string | undefined; orderId?: string | undefined; limit: number },
) {
  const conditions: (SQL | undefined)[] = [
    filter.state === 'open' ? isNull(reviewTasks.resolvedAt) : filter.state === 'resolved' ? isNotNull(reviewTasks.resolvedAt) : undefined,
    filter.kind ? eq(reviewTasks.kind, filter.kind) : undefined,
    filter.orderId ? eq(reviewTasks.orderId, filter.orderId) : undefined,
  ];
  return db
    .select()
    .from(reviewTasks)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(reviewTasks.createdAt))
    .limit(filter.limit);
}

export async function reviewTaskExists(db: DbOrTx, id: string): Promise<boolean> {
  const [row] = await db.select({ id: reviewTasks.id }).from(reviewTasks).where(eq(reviewTasks.id, id));
  return row !== undefined;
}

/** Marks the task resolved; undefined when it does not exist or was already resolved. */
export async function resolveReviewTask(db: DbOrTx, id: string, resolution: string) {
  const [row] = await db
    .update(reviewTasks)
    .set({ resolvedAt: new Date(), resolution })
    .where(and(eq(reviewTasks.id, id), isNull(reviewTasks.resolvedAt)))
    .returning();
  return row;
}
