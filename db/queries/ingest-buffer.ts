/**
 * The PostgreSQL ingest buffer (used without Redis): append a batch of entries in one statement, skipping
 * messages already buffered; claim entries for a consumer; delete them once recorded.
 */
import { sql } from 'drizzle-orm';
import type { IngestEntry } from '../../ingest/types';
import type { DbOrTx } from '../client';
import { ingestBuffer, ingestMessages } from '../schema';

/**
 * Notified (payload: the queue) by every append that commits: consumers in other processes LISTEN and look at
 * once, instead of at their next idle poll.
 */
export const INGEST_BUFFER_CHANNEL = 'oms_ingest_buffer';

/** What identifies a platform message (undefined when the entry has no message id). */
export const messageKey = (e: Pick<IngestEntry, 'messageId'> & { platform: string }) => (e.messageId ? `${e.platform}\u241f${e.messageId}` : undefined);

/**
 * Appends the entries whose platform message id is new (or that have none), remembering the ids, in one
 * statement. Returns the message keys appended now (entries without a message id are always appended).
 */
export async function appendToBuffer(db: DbOrTx, queue: string, entries: readonly (Pick<IngestEntry, 'messageId'> & { platform: string })[]): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const key = messageKey;
  // The same message twice in one batch is one entry.
  const unique = [...new Map(entries.map((e, i) => [key(e) ?? `#${i}`, e])).values()];
  // One JSON document for the batch: a text[] parameter would escape every entry again for the array literal.
  const rows = await db.execute<{ n: number; fresh: string[] }>(sql`
    with incoming as (
      select v.entry, case when v.entry->>'messageId' <> '' then v.entry->>'platform' end as platform,
        nullif(v.entry->>'messageId', '') as message_id, v.n
      from jsonb_array_elements(${JSON.stringify(unique)}::jsonb) with ordinality as v(entry, n)
    ), fresh as (
      insert into ${ingestMessages} (platform, message_id)
      select platform, message_id from incoming where message_id is not null
      on conflict do nothing
      returning platform, message_id
    ), appended as (
      insert into ${ingestBuffer} (queue, entry)
      select ${queue}, i.entry from incoming i
      where i.message_id is null or exists (select 1 from fresh f where f.platform = i.platform and f.message_id = i.message_id)
      order by i.n
      returning 1
    )
    select (select count(*) from appended)::int as n, coalesce((select json_agg(platform || chr(9247) || message_id) from fresh), '[]'::json) as fresh,
      pg_notify(${INGEST_BUFFER_CHANNEL}, ${queue})`);
  return new Set(rows.rows[0]?.fresh ?? []);
}

export interface BufferedEntry {
  id: number;
  entry: unknown;
  /** Deliveries so far, this one included. */
  attempts: number;
}

/** Claims up to `limit` entries of the queue nobody holds (never claimed, or their claim ran out), oldest first. */
export async function claimBuffered(db: DbOrTx, queue: string, limit: number, claimMs: number): Promise<BufferedEntry[]> {
  if (limit <= 0) return [];
  const rows = await db.execute<{ id: string; entry: unknown; attempts: number }>(sql`
    update ${ingestBuffer} set claimed_until = now() + ${`${claimMs} milliseconds`}::interval, attempts = attempts + 1
    where id in (
      select id from ${ingestBuffer}
      where queue = ${queue} and (claimed_until is null or claimed_until < now())
      order by id
      limit ${limit}
      for update skip locked)
    returning id, entry, attempts`);
  return rows.rows.map((r) => ({ id: Number(r.id), entry: r.entry, attempts: r.attempts })).sort((a, b) => a.id - b.id);
}

/** The entries are settled (recorded, or parked as dead letters). */
export async function deleteBuffered(db: DbOrTx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`delete from ${ingestBuffer} where id = any(${sql.param(ids)}::bigint[])`);
}

/** Drops every entry of the queue, taken or not (a scratch queue, e.g. the API's warm-up). */
export async function discardQueue(db: DbOrTx, queue: string): Promise<void> {
  await db.execute(sql`delete from ${ingestBuffer} where queue = ${queue}`);
}

/** Entries waiting, and the oldest one's age. */
export async function bufferBacklog(db: DbOrTx, queue: string): Promise<{ length: number; pending: number; oldest: Date | null }> {
  const rows = await db.execute<{ length: number; pending: number; oldest: Date | null }>(sql`
    select count(*)::int as length, count(*) filter (where claimed_until > now())::int as pending, min(accepted_at) as oldest from ${ingestBuffer} where queue = ${queue}`);
  const row = rows.rows[0];
  return { length: row?.length ?? 0, pending: row?.pending ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null };
}

/** What the acknowledgement pacing reads (ingest/pacing.ts): how long the oldest untaken entry has waited, and whether consumers are taking entries. */
export async function bufferPressure(db: DbOrTx, queue: string): Promise<{ waitingAgeMs: number; draining: boolean }> {
  const rows = await db.execute<{ waiting_age_ms: number; draining: boolean }>(sql`
    select coalesce(extract(epoch from clock_timestamp() - min(accepted_at) filter (where claimed_until is null or claimed_until < now())) * 1000, 0)::float8 as waiting_age_ms,
      coalesce(bool_or(claimed_until >= now()), false) as draining
    from ${ingestBuffer} where queue = ${queue}`);
  const row = rows.rows[0];
  return { waitingAgeMs: Number(row?.waiting_age_ms ?? 0), draining: row?.draining ?? false };
}
