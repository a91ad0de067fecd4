/**
 * Behaviour events (`behaviour_events`): stored from the API or drained from the ingest buffer, and read by the
 * pre-pack scoring run (which customer × SKU pairs have new behaviour, and each customer's behaviour).
 */
import { and, gte, inArray, sql } from 'drizzle-orm';
import type { BehaviourEvent, BehaviourType } from '../../domain/prepack-features';
import type { DbOrTx } from '../client';
import { behaviourEvents, ingestBuffer } from '../schema';

export interface StoredEvent {
  eventId: string;
  customerKey: string;
  customerLabel: string;
  sku: string;
  type: BehaviourType;
  at: string;
  dwellSeconds: number;
}

const insertEventsSql = (rows: readonly StoredEvent[]) => sql`
  insert into ${behaviourEvents} (event_id, customer_key, customer_label, sku, type, at, dwell_seconds)
  select * from unnest(${sql.param(rows.map((r) => r.eventId))}::text[], ${sql.param(rows.map((r) => r.customerKey))}::text[],
    ${sql.param(rows.map((r) => r.customerLabel))}::text[], ${sql.param(rows.map((r) => r.sku))}::text[], ${sql.param(rows.map((r) => r.type))}::text[],
    ${sql.param(rows.map((r) => r.at))}::timestamptz[], ${sql.param(rows.map((r) => r.dwellSeconds))}::int[])
  on conflict (event_id) do nothing`;

/** Stores events; an event id already stored is skipped. Returns how many were new. */
export async function insertEvents(db: DbOrTx, rows: readonly StoredEvent[]): Promise<number> {
  if (rows.length === 0) return 0;
  const unique = [...new Map(rows.map((r) => [r.eventId, r])).values()];
  const result = await db.execute(insertEventsSql(unique));
  return result.rowCount ?? 0;
}

/**
 * Moves up to `limit` buffered events of `queue` (the PostgreSQL buffer, without Redis) into `behaviour_events`
 * in one statement: taken and stored together or not at all. Returns the entries taken.
 */
export async function drainEventBuffer(db: DbOrTx, queue: string, limit: number): Promise<number> {
  const result = await db.execute<{ n: number }>(sql`
    with taken as (
      delete from ${ingestBuffer} where id in (
        select id from ${ingestBuffer} where queue = ${queue} order by id limit ${limit} for update skip locked)
      returning entry
    ), stored as (
      insert into ${behaviourEvents} (event_id, customer_key, customer_label, sku, type, at, dwell_seconds)
      select distinct on (e->>'eventId') e->>'eventId', e->>'customerKey', e->>'customerLabel', e->>'sku', e->>'type', (e->>'at')::timestamptz, (e->>'dwellSeconds')::int
      from (select entry->'event' as e from taken) t
      on conflict (event_id) do nothing
      returning 1
    )
    select (select count(*) from taken)::int as n`);
  return result.rows[0]?.n ?? 0;
}

/** Customer × SKU pairs with an event received after `since` (what the scoring run looks at), with their newest event. */
export async function pairsWithNewEvents(db: DbOrTx, since: Date, limit = 50_000): Promise<{ customerKey: string; customerLabel: string; sku: string; lastEventAt: Date }[]> {
  const rows = await db.execute<{ customer_key: string; customer_label: string; sku: string; last_at: Date }>(sql`
    select customer_key, max(customer_label) as customer_label, sku, max(at) as last_at from ${behaviourEvents}
    where received_at > ${since.toISOString()}::timestamptz group by customer_key, sku limit ${limit}`);
  return rows.rows.map((r) => ({ customerKey: r.customer_key, customerLabel: r.customer_label, sku: r.sku, lastEventAt: new Date(r.last_at) }));
}

/** Behaviour of these customers at or after `from`, by customer key. */
export async function eventsOf(db: DbOrTx, customerKeys: readonly string[], from: Date): Promise<Map<string, BehaviourEvent[]>> {
  const out = new Map<string, BehaviourEvent[]>();
  if (customerKeys.length === 0) return out;
  const rows = await db
    .select({ customerKey: behaviourEvents.customerKey, sku: behaviourEvents.sku, type: behaviourEvents.type, at: behaviourEvents.at, dwellSeconds: behaviourEvents.dwellSeconds })
    .from(behaviourEvents)
    .where(and(inArray(behaviourEvents.customerKey, [...customerKeys]), gte(behaviourEvents.at, from)));
  for (const r of rows) {
    const list = out.get(r.customerKey) ?? [];
    list.push({ sku: r.sku, type: r.type as BehaviourType, atMs: r.at.getTime(), dwellSeconds: r.dwellSeconds });
    out.set(r.customerKey, list);
  }
  return out;
}
