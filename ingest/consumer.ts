/**
 * The ingest consumer: one member of the Redis consumer group that drains the buffer into Temporal.
 *
 * - Reads new entries (XREADGROUP) with at most `concurrency` in flight, and acknowledges each one (XACK, then
 *   XDEL so the stream only holds the backlog) only after its order workflow has it.
 * - Reclaims entries another consumer read but never acknowledged, because it crashed or was killed
 *   (XAUTOCLAIM, after `reclaimAfterMs` idle). The same path retries its own failures.
 * - An entry that has failed `maxAttempts` deliveries (Redis counts them, crashes included) is poison: it is
 *   parked in the dead-letter list with the last error, then acknowledged.
 *
 * Handing an order over twice is harmless (signal-with-start by the deterministic workflow id, idempotent
 * signals), which is what makes "at least once" from the stream "exactly once" in Temporal.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../infra/logger';
import { deliverEntry, describeError, drain } from './drain';
import { readEntry } from './entry';
import type { IngestProcessor } from './processor';
import { ensureGroup, infoRecord, type BufferKeys, type XInfoReply } from './redis-buffer';

export interface ConsumerOptions {
  /** Used for acknowledgements and claims; the consumer opens its own duplicate for blocking reads. */
  redis: Redis;
  keys: BufferKeys;
  processor: IngestProcessor;
  logger: Logger;
  /** Unique per process; default `<host>-<pid>-<random>`. */
  name?: string;
  /** Entries being handed over at once. */
  concurrency?: number;
  /** How long one read waits for new entries. */
  blockMs?: number;
  /** An entry unacknowledged this long is taken over (its consumer died) or retried. */
  reclaimAfterMs?: number;
  /** Deliveries before an entry is parked as poison. */
  maxAttempts?: number;
}

export interface RunningConsumer {
  readonly name: string;
  /** Finishes the entries in flight (acknowledging them), then stops reading. */
  stop(): Promise<void>;
}

interface StreamEntry {
  id: string;
  fields: string[] | null;
  /** Deliveries so far, this one included. */
  deliveries: number;
}

export async function startConsumer(opts: ConsumerOptions): Promise<RunningConsumer> {
  const { redis, keys, processor, logger } = opts;
  const name = opts.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const concurrency = opts.concurrency ?? 16;
  const blockMs = opts.blockMs ?? 1_000;
  const reclaimAfterMs = opts.reclaimAfterMs ?? 30_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const log = logger.child({ consumer: name });

  await ensureGroup(redis, keys);
  // The blocking reader waits out a Redis restart (queued, reconnecting), whatever the shared connection does.
  const reader = redis.duplicate({ enableOfflineQueue: true, lazyConnect: false, maxRetriesPerRequest: null });
  let stopping = false;
  let claimCursor = '0-0';
  let nextClaimAt = Date.now() + Math.min(reclaimAfterMs, 5_000);
  let nextHousekeepingAt = Date.now() + HOUSEKEEPING_EVERY_MS;

  const acknowledge = async (id: string) => {
    await redis.multi().xack(keys.stream, keys.group, id).xdel(keys.stream, id).exec();
  };

  const handle = async ({ id, fields, deliveries }: StreamEntry): Promise<void> => {
    try {
      const settled = await deliverEntry(processor, log, readEntry(fieldOf(fields, 'e')), { entryId: id, deliveries, maxAttempts, unreadableKey: `entry:${id}` });
      if (settled) await acknowledge(id); // otherwise it stays pending, reclaimed after reclaimAfterMs
    } catch (err) {
      // Parking or acknowledging failed (PostgreSQL or Redis trouble): the entry stays pending and comes back.
      log.error({ err: describeError(err), entryId: id }, 'ingest entry could not be settled; will retry');
    }
  };

  const readNew = async (count: number): Promise<StreamEntry[]> => {
    const reply = await reader.call('XREADGROUP', 'GROUP', keys.group, name, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', keys.stream, '>');
    return entriesOf(reply, keys.stream).map(([id, fields]) => ({ id, fields, deliveries: 1 }));
  };

  const reclaim = async (count: number): Promise<StreamEntry[]> => {
    const [next, claimed] = (await redis.call('XAUTOCLAIM', keys.stream, keys.group, name, reclaimAfterMs, claimCursor, 'COUNT', count)) as [
      string,
      [string, string[] | null][],
    ];
    claimCursor = next;
    if (next === '0-0') nextClaimAt = Date.now() + Math.min(reclaimAfterMs / 2, 5_000);
    if (claimed.length === 0) return [];
    const counts = await Promise.all(
      claimed.map(([id]) => redis.call('XPENDING', keys.stream, keys.group, id, id, 1) as Promise<[string, string, number, number][]>),
    );
    log.info({ entries: claimed.length }, 'reclaimed unacknowledged ingest entries');
    return claimed.map(([id, fields], i) => ({ id, fields, deliveries: Number(counts[i]?.[0]?.[3] ?? 1) }));
  };

  /** Forgets consumers that hold nothing and have been silent for long (old processes), so the group stays readable. */
  const housekeeping = async () => {
    nextHousekeepingAt = Date.now() + HOUSEKEEPING_EVERY_MS;
    const consumers = ((await redis.call('XINFO', 'CONSUMERS', keys.stream, keys.group)) as XInfoReply[]).map(infoRecord);
    for (const info of consumers) {
      if (Number(info.pending) === 0 && Number(info.idle) > FORGET_IDLE_CONSUMER_MS && info.name !== name) {
        await redis.call('XGROUP', 'DELCONSUMER', keys.stream, keys.group, String(info.name));
      }
    }
  };

  const take = async (room: number): Promise<StreamEntry[]> => {
    if (Date.now() >= nextHousekeepingAt) await housekeeping();
    const reclaimed = Date.now() >= nextClaimAt ? await reclaim(room) : [];
    return reclaimed.length > 0 || stopping ? reclaimed : readNew(room);
  };
  const loop = () => drain({ concurrency, take, handle, stopping: () => stopping, log });

  const running = loop();
  log.info({ stream: keys.stream, group: keys.group, concurrency, reclaimAfterMs, maxAttempts }, 'ingest consumer started');

  return {
    name,
    async stop() {
      stopping = true;
      await running;
      reader.disconnect();
      log.info('ingest consumer stopped');
    },
  };
}

const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
const FORGET_IDLE_CONSUMER_MS = 60 * 60_000;

type RawEntry = [id: string, fields: string[] | null];

/**
 * The entries of one stream in an XREADGROUP reply, whatever the connection's protocol: RESP2 answers
 * `[[key, entries]]`; RESP3 answers a map, which ioredis gives as `[key, entries]` (legacy mapping) or `{ key: entries }`.
 */
export function entriesOf(reply: unknown, stream: string): RawEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    if (reply[0] === stream) return (reply[1] as RawEntry[] | undefined) ?? [];
    const pair = (reply as [string, RawEntry[]][]).find((item) => Array.isArray(item) && item[0] === stream);
    return pair?.[1] ?? [];
  }
  return ((reply as Record<string, RawEntry[]>)[stream]) ?? [];
}

function fieldOf(fields: string[] | null, name: string): string | undefined {
  if (!fields) return undefined;
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
