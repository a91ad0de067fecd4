/**
 * The PDA event log: what each warehouse's handhelds are told, in order. Appending in the transaction that
 * creates the task or wave makes the event exactly as durable as what it announces; `pg_notify` (delivered at
 * commit) wakes the open streams at once.
 *
 * Readers resume "after the last id sent", which is only safe if a warehouse's ids become visible in id
 * order. A bigserial alone does not promise that: two transactions take ids 101 and 102, 102 commits first, a
 * stream sends it and moves past 101 for good. So appends of one warehouse are serialised by an advisory lock
 * taken before the id is drawn and held to commit: the next append of that warehouse draws its id only after
 * the previous one committed. Callers should append last in their transaction, to hold the lock briefly.
 */
import { and, asc, eq, gt, gte, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { pdaEvents, warehouseTasks } from '../schema';

export const PDA_EVENTS_CHANNEL = 'pda_events';

export type PdaEventKind = 'task' | 'wave';

/** A row of the log, as stored (its `kind` and `data` narrowed to what appends write). */
export type PdaEvent = Omit<typeof pdaEvents.$inferSelect, 'kind' | 'data'> & { kind: PdaEventKind; data: Record<string, unknown> };

/** Two-key advisory lock namespace: (this, hashtext(warehouse id)). */
const APPEND_LOCK_NAMESPACE = 5_022_611;

/** Appends an event for the warehouse's PDAs; the notification carries the warehouse id. */
export async function appendPdaEvent(db: DbOrTx, event: { warehouseId: string; kind: PdaEventKind; data: Record<string, unknown> }): Promise<number> {
  // One statement, so the lock is taken before the id is drawn also when `db` is not a transaction, and the
  // lock is held for one round trip fewer (the notification is queued by the same statement).
  const { rows } = await db.execute<{ id: string }>(sql`
    with serialised as (select pg_advisory_xact_lock(${APPEND_LOCK_NAMESPACE}, hashtext(${event.warehouseId}))),
    appended as (
      insert into ${pdaEvents} (warehouse_id, kind, data)
      select ${event.warehouseId}, ${event.kind}, ${JSON.stringify(event.data)}::jsonb from serialised
      returning id)
    select id, pg_notify(${PDA_EVENTS_CHANNEL}, ${event.warehouseId}) from appended`);
  return Number(rows[0]!.id);
}

/** The warehouse's events after `afterId`, oldest first. */
export async function pdaEventsAfter(db: DbOrTx, warehouseId: string, afterId: number, limit = 500): Promise<PdaEvent[]> {
  const rows = await db
    .select()
    .from(pdaEvents)
    .where(and(eq(pdaEvents.warehouseId, warehouseId), gt(pdaEvents.id, afterId)))
    .orderBy(asc(pdaEvents.id))
    .limit(limit);
  return rows as PdaEvent[];
}

/** The newest event id of each warehouse given (0 for one without events); one index probe each. */
export async function latestPdaEventIds(db: DbOrTx, warehouseIds: readonly string[]): Promise<Map<string, number>> {
  if (warehouseIds.length === 0) return new Map();
  const { rows } = await db.execute<{ warehouse_id: string; latest: string }>(sql`
    select w.id as warehouse_id,
           coalesce((select max(e.id) from ${pdaEvents} e where e.warehouse_id = w.id), 0) as latest
    from unnest(${sql.param([...warehouseIds])}::text[]) as w(id)`);
  return new Map(rows.map((r) => [r.warehouse_id, Number(r.latest)]));
}

/** The newest event id of any warehouse (0 when there is none): ids above it were never handed out. */
export async function latestPdaEventId(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ latest: sql<string | null>`max(${pdaEvents.id})` }).from(pdaEvents);
  return Number(row?.latest ?? 0);
}

/**
 * The warehouse's events up to `upToId` created since `since` that still concern open work: a `task` event
 * whose task (`taskId`) or a `wave` event one of whose tasks (`taskIds`) is still open. What a device that
 * has never connected (no Last-Event-ID) is shown first.
 */
export async function openWorkPdaEvents(db: DbOrTx, warehouseId: string, p: { upToId: number; since: Date; limit: number }): Promise<PdaEvent[]> {
  const rows = await db
    .select()
    .from(pdaEvents)
    .where(
      and(
        eq(pdaEvents.warehouseId, warehouseId),
        lte(pdaEvents.id, p.upToId),
        gte(pdaEvents.createdAt, p.since),
        sql`exists (
          select 1 from ${warehouseTasks}
          where ${warehouseTasks.warehouseId} = ${pdaEvents.warehouseId} and ${warehouseTasks.status} = 'open'
            and (${warehouseTasks.id} = ${pdaEvents.data} ->> 'taskId'
                 or (jsonb_typeof(${pdaEvents.data} -> 'taskIds') = 'array' and ${pdaEvents.data} -> 'taskIds' ? ${warehouseTasks.id})))`,
      ),
    )
    .orderBy(asc(pdaEvents.id))
    .limit(p.limit);
  return rows as PdaEvent[];
}
