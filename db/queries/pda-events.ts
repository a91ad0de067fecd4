/**
 * The PDA event log: what each warehouse's handhelds are told, in order. Appending in the transaction that
 * creates the task or wave makes the event exactly as durable as what it announces; `pg_notify` (delivered at
 * commit) wakes the open streams at once.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { pdaEvents } from '../schema';

export const PDA_EVENTS_CHANNEL = 'pda_events';

export type PdaEventKind = 'task' | 'wave';

export interface PdaEvent {
  id: number;
  warehouseId: string;
  kind: PdaEventKind;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Appends an event for the warehouse's PDAs; the notification carries the warehouse id. */
export async function appendPdaEvent(db: DbOrTx, event: { warehouseId: string; kind: PdaEventKind; data: Record<string, unknown> }): Promise<number> {
  const [row] = await db.insert(pdaEvents).values(event).returning({ id: pdaEvents.id });
  await db.execute(sql`select pg_notify(${PDA_EVENTS_CHANNEL}, ${event.warehouseId})`);
  return row!.id;
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
