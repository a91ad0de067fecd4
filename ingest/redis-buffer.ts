/**
 * The Redis side of the buffer: one stream of ingest entries, read by a consumer group. Appending is one Lua
 * script per batch, so "remember the platform message id" and "append the entry" happen together or not at
 * all: a redelivered push is skipped, and a push whose append failed is not mistaken for a redelivery.
 *
 * Durability is Redis's: run it with `appendonly yes` (fsync every second) so an acknowledged push survives a
 * Redis restart.
 */
import type { Redis } from 'ioredis';
import type { IngestEntry } from './types';

export interface BufferKeys {
  stream: string;
  group: string;
  /** Prefix of the "message id seen" keys. */
  seen: string;
  /** Prefix of the per-second counters of appended entries. */
  accepted: string;
}

/** Key names under one prefix (tests and benchmarks use their own prefix on a shared Redis). */
export function bufferKeys(prefix = 'oms:ingest'): BufferKeys {
  return { stream: `${prefix}:stream`, group: 'ingest', seen: `${prefix}:seen`, accepted: `${prefix}:accepted` };
}

const acceptedKey = (keys: BufferKeys, second: number) => `${keys.accepted}:${second}`;

/** Entries appended per second over the last `seconds` full seconds. */
export async function acceptedPerSecond(redis: Redis, keys: BufferKeys, seconds = 10): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const counts = await redis.mget(...Array.from({ length: seconds }, (_, i) => acceptedKey(keys, now - 1 - i)));
  return counts.reduce((sum, c) => sum + Number(c ?? 0), 0) / seconds;
}

/** Age of the oldest entry still in the stream (stream ids start with their append time in ms), or null when empty. */
export async function oldestEntryAgeMs(redis: Redis, keys: BufferKeys): Promise<number | null> {
  const [first] = (await redis.xrange(keys.stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
  return first ? Math.max(0, Date.now() - Number(first[0].split('-')[0])) : null;
}

/** How long a message id is remembered: Douyin redelivers for hours, TMC for up to three days. */
export const SEEN_TTL_SECONDS = 3 * 24 * 60 * 60;

/** KEYS: stream, this second's accepted counter. ARGV: ttl, then (seenKey or "", entry JSON) pairs. Returns how many entries were appended. */
const APPEND_SCRIPT = `
local appended = 0
for i = 2, #ARGV, 2 do
  local seen = ARGV[i]
  local fresh = true
  if seen ~= '' then fresh = redis.call('SET', seen, '1', 'NX', 'EX', ARGV[1]) end
  if fresh then
    redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
    appended = appended + 1
  end
end
if appended > 0 then
  redis.call('INCRBY', KEYS[2], appended)
  redis.call('EXPIRE', KEYS[2], 120)
end
return appended
`;

/** What the buffer needs of an entry: who sent it and, for replay protection, its message id. */
export type BufferableEntry = Pick<IngestEntry, 'messageId'> & { platform: string };

export interface AppendResult {
  /** Entries appended to the stream. */
  accepted: number;
  /** Entries skipped because their message id was already buffered (redeliveries). */
  duplicates: number;
}

/** Appends ingest entries (or any entries of the same shape: a `platform` and an optional `messageId` that dedups them). */
export async function appendEntries(redis: Redis, keys: BufferKeys, entries: readonly BufferableEntry[]): Promise<AppendResult> {
  if (entries.length === 0) return { accepted: 0, duplicates: 0 };
  const argv: string[] = [String(SEEN_TTL_SECONDS)];
  for (const entry of entries) {
    argv.push(entry.messageId ? `${keys.seen}:${entry.platform}:${entry.messageId}` : '', JSON.stringify(entry));
  }
  const accepted = Number(await redis.eval(APPEND_SCRIPT, 2, keys.stream, acceptedKey(keys, Math.floor(Date.now() / 1000)), ...argv));
  return { accepted, duplicates: entries.length - accepted };
}

/** Creates the consumer group (and the stream) unless it exists; new groups read from the start of the stream. */
export async function ensureGroup(redis: Redis, keys: BufferKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
  }
}

/** Entries not yet handed to Temporal: never read, or read and not acknowledged. */
export async function backlogOf(redis: Redis, keys: BufferKeys): Promise<{ length: number; pending: number }> {
  const [length, pending] = await Promise.all([
    redis.xlen(keys.stream),
    redis.xpending(keys.stream, keys.group).catch(() => [0]) as Promise<unknown[]>,
  ]);
  return { length, pending: Number(pending[0] ?? 0) };
}

/**
 * What the acknowledgement pacing reads (ingest/pacing.ts): the age of the oldest entry the group has not read
 * yet, and whether consumers hold entries (read, not yet acknowledged).
 */
export async function streamPressure(redis: Redis, keys: BufferKeys): Promise<{ waitingAgeMs: number; draining: boolean }> {
  const groups = (await redis.call('XINFO', 'GROUPS', keys.stream).catch(() => [])) as XInfoReply[];
  const group = groups.map(infoRecord).find((g) => g.name === keys.group);
  // Without a group nobody has read anything yet: the first entry is the oldest waiting.
  const from = group ? `(${String(group['last-delivered-id'])}` : '-';
  const [next] = (await redis.xrange(keys.stream, from, '+', 'COUNT', 1)) as [string, string[]][];
  return {
    waitingAgeMs: next ? Math.max(0, Date.now() - Number(next[0].split('-')[0])) : 0,
    draining: Number(group?.pending ?? 0) > 0,
  };
}

/** One item of an XINFO reply: a flat `[name, value, …]` list (RESP2), or a map (RESP3). */
export type XInfoReply = (string | number)[] | Record<string, string | number>;

/** An XINFO item as a record, whatever the connection's protocol. */
export function infoRecord(info: XInfoReply): Record<string, string | number> {
  if (!Array.isArray(info)) return info;
  const out: Record<string, string | number> = {};
  for (let i = 0; i + 1 < info.length; i += 2) out[String(info[i])] = info[i + 1]!;
  return out;
}
