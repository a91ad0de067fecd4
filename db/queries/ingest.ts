import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { MappingRuleSet } from '../../domain/mapping';
import type { DbOrTx } from '../client';
import { fieldMappings, ingestDeadLetters, ingestMessages } from '../schema';

export type DeadLetterRow = typeof ingestDeadLetters.$inferSelect;

export interface DeadLetterInput {
  key: string;
  platform?: string | undefined;
  storeId?: string | undefined;
  channelOrderId?: string | undefined;
  source: string;
  reason: string;
  message: string;
  issues?: unknown;
  entry?: unknown;
  payload?: unknown;
  attempts: number;
}

/**
 * Parks a failed entry. The same platform order failing again (a redelivery, the next poll, a failed replay)
 * updates its one row and reopens it, so the list holds one line per order to fix, with the latest reason.
 */
export async function parkDeadLetter(db: DbOrTx, input: DeadLetterInput): Promise<DeadLetterRow> {
  const values = {
    platform: input.platform ?? null,
    storeId: input.storeId ?? null,
    channelOrderId: input.channelOrderId ?? null,
    source: input.source,
    reason: input.reason,
    message: input.message,
    issues: input.issues ?? null,
    entry: input.entry ?? null,
    payload: input.payload ?? null,
    attempts: input.attempts,
  };
  const [row] = await db
    .insert(ingestDeadLetters)
    .values({ key: input.key, ...values })
    .onConflictDoUpdate({
      target: ingestDeadLetters.key,
      set: {
        ...values,
        // A replayed entry failing again keeps the payload it was replayed with when the new attempt has none.
        payload: sql`coalesce(excluded.payload, ${ingestDeadLetters.payload})`,
        status: 'open',
        orderId: null,
        replayedAt: null,
        failures: sql`${ingestDeadLetters.failures} + 1`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export async function findDeadLetter(db: DbOrTx, id: number): Promise<DeadLetterRow | undefined> {
  const [row] = await db.select().from(ingestDeadLetters).where(eq(ingestDeadLetters.id, id));
  return row;
}

export interface DeadLetterFilter {
  status?: 'open' | 'replayed' | undefined;
  platform?: string | undefined;
  storeId?: string | undefined;
  limit: number;
}

export async function listDeadLetters(db: DbOrTx, f: DeadLetterFilter): Promise<DeadLetterRow[]> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(ingestDeadLetters.status, f.status));
  if (f.platform) where.push(eq(ingestDeadLetters.platform, f.platform));
  if (f.storeId) where.push(eq(ingestDeadLetters.storeId, f.storeId));
  return db
    .select()
    .from(ingestDeadLetters)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(ingestDeadLetters.updatedAt), desc(ingestDeadLetters.id))
    .limit(f.limit);
}

/** A replay succeeded: the letter is closed and points at the order it became. */
export async function markDeadLetterReplayed(db: DbOrTx, id: number, orderId: string): Promise<void> {
  await db
    .update(ingestDeadLetters)
    .set({ status: 'replayed', orderId, replayedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(ingestDeadLetters.id, id));
}

/**
 * These orders went through after all (a later push or poll mapped fine): their open letters, if any, are closed,
 * in one statement.
 */
export async function closeDeadLettersOf(db: DbOrTx, settled: readonly { key: string; orderId: string }[]): Promise<void> {
  if (settled.length === 0) return;
  await db.execute(sql`
    update ${ingestDeadLetters} d set status = 'replayed', order_id = s.order_id, replayed_at = now(), updated_at = now()
    from unnest(${sql.param(settled.map((s) => s.key))}::text[], ${sql.param(settled.map((s) => s.orderId))}::text[]) as s(key, order_id)
    where d.key = s.key and d.status = 'open'`);
}

export async function loadFieldMapping(db: DbOrTx, platform: string) {
  const [row] = await db.select().from(fieldMappings).where(eq(fieldMappings.platform, platform));
  return row;
}

export async function saveFieldMapping(db: DbOrTx, platform: string, rules: MappingRuleSet) {
  const [row] = await db
    .insert(fieldMappings)
    .values({ platform, rules })
    .onConflictDoUpdate({
      target: fieldMappings.platform,
      set: { rules, version: sql`${fieldMappings.version} + 1`, updatedAt: sql`now()` },
    })
    .returning();
  return row!;
}

/** True when this platform message was already buffered (PostgreSQL buffer). */
export async function messageSeen(db: DbOrTx, platform: string, messageId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(ingestMessages)
    .where(and(eq(ingestMessages.platform, platform), eq(ingestMessages.messageId, messageId)));
  return row !== undefined;
}
