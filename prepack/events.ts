/**
 * Behaviour events in: validated by the API, keyed (the phone never stored or buffered in clear), appended to
 * the same buffer orders use (ingest/redis-buffer.ts with REDIS_URL, the `ingest_buffer` table without), under
 * their own stream / queue, with the event id as the message id so a resent event is acknowledged and skipped.
 * A drainer moves them in batches into `behaviour_events` (whose primary key is the event id: a redelivery
 * after a crash stores nothing twice).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Db } from '../db/client';
import { appendToBuffer } from '../db/queries/ingest-buffer';
import { drainEventBuffer, insertEvents, type StoredEvent } from '../db/queries/behaviour-events';
import { BEHAVIOUR_TYPES } from '../domain/prepack-features';
import { createBatcher } from '../infra/batcher';
import type { Logger } from '../infra/logger';
import { entriesOf } from '../ingest/consumer';
import { appendEntries, bufferKeys, ensureGroup, type AppendResult, type BufferKeys } from '../ingest/redis-buffer';
import { buyerCustomer, phoneCustomer } from './customer';

/** One behaviour event as posted. */
export const behaviourEventSchema = z
  .object({
    eventId: z.string().min(1).max(128),
    customerPhone: z.string().min(5).max(32).optional(),
    customerId: z.string().min(1).max(128).optional(),
    sku: z.string().min(1).max(128),
    type: z.enum(BEHAVIOUR_TYPES),
    at: z.iso.datetime({ offset: true }),
    dwellSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .superRefine((e, ctx) => {
    if (!e.customerPhone && !e.customerId) ctx.addIssue({ code: 'custom', path: ['customerPhone'], message: 'customerPhone or customerId is required' });
    if (e.customerPhone && !phoneCustomer(e.customerPhone)) ctx.addIssue({ code: 'custom', path: ['customerPhone'], message: 'not a usable phone (masked, encrypted or invalid)' });
  });
export type BehaviourEventInput = z.infer<typeof behaviourEventSchema>;

export const behaviourEventsSchema = z.array(behaviourEventSchema).min(1).max(5_000);

/** The stored form: the customer as a key and a label, never the phone. */
export function storedEvent(e: BehaviourEventInput): StoredEvent {
  const customer = e.customerPhone ? phoneCustomer(e.customerPhone)! : buyerCustomer(e.customerId!);
  return {
    eventId: e.eventId,
    customerKey: customer.key,
    customerLabel: customer.label,
    sku: e.sku,
    type: e.type,
    at: new Date(e.at).toISOString(),
    dwellSeconds: e.dwellSeconds ?? 0,
  };
}

/** Buffer entries are told apart from orders by this "platform". */
const SOURCE = 'behaviour';

export interface EventBuffer {
  readonly mode: 'redis' | 'postgres';
  accept(events: readonly StoredEvent[]): Promise<AppendResult>;
  /** Moves what is buffered into `behaviour_events`; returns the events taken. */
  drainOnce(limit?: number): Promise<number>;
  /** Drains continuously until stopped. */
  start(opts?: { idleMs?: number }): { stop(): Promise<void> };
}

export function createEventBuffer(deps: { db: Db; redis?: Redis | undefined; prefix?: string | undefined; logger: Logger }): EventBuffer {
  const { db, redis, logger } = deps;
  const prefix = deps.prefix ?? 'oms:events';
  const keys: BufferKeys | undefined = redis ? { ...bufferKeys(prefix), group: 'events' } : undefined;
  const entry = (e: StoredEvent) => ({ platform: SOURCE, messageId: e.eventId, event: e });

  const pgAppend = createBatcher<StoredEvent[], number>(
    async (batches) => {
      const fresh = await appendToBuffer(db, prefix, batches.flat().map(entry));
      const taken = new Set<string>();
      return batches.map(
        (events) =>
          events.filter((e) => {
            const k = `${SOURCE}\u241f${e.eventId}`;
            if (!fresh.has(k) || taken.has(k)) return false;
            taken.add(k);
            return true;
          }).length,
      );
    },
    { maxBatch: 20, concurrency: 2 },
  );

  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  let groupReady: Promise<void> | undefined;

  async function drainRedis(limit: number, blockMs: number): Promise<number> {
    if (!redis || !keys) return 0;
    groupReady ??= ensureGroup(redis, keys);
    await groupReady;
    // Entries another drainer read and never acknowledged (it died) come first.
    const [, reclaimed] = (await redis.call('XAUTOCLAIM', keys.stream, keys.group, consumer, 30_000, '0-0', 'COUNT', limit)) as [string, [string, string[] | null][]];
    const fresh = reclaimed.length > 0 ? [] : entriesOf(await reader().call('XREADGROUP', 'GROUP', keys.group, consumer, 'COUNT', limit, 'BLOCK', blockMs, 'STREAMS', keys.stream, '>'), keys.stream);
    const got = [...reclaimed, ...fresh];
    if (got.length === 0) return 0;
    const rows: StoredEvent[] = [];
    for (const [, fields] of got) {
      const i = fields?.indexOf('e') ?? -1;
      const parsed = i >= 0 ? (JSON.parse(fields![i + 1]!) as { event?: StoredEvent }) : {};
      if (parsed.event) rows.push(parsed.event);
    }
    await insertEvents(db, rows);
    const ids = got.map(([id]) => id);
    await redis.multi().xack(keys.stream, keys.group, ...ids).xdel(keys.stream, ...ids).exec();
    return got.length;
  }

  let blocking: Redis | undefined;
  const reader = () => (blocking ??= redis!.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null }));

  const drainOnce = (limit = 5_000, blockMs = 1) => (redis ? drainRedis(limit, blockMs) : drainEventBuffer(db, prefix, limit));

  return {
    mode: redis ? 'redis' : 'postgres',
    accept: async (events) => {
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      if (redis && keys) return appendEntries(redis, keys, events.map(entry));
      const accepted = await pgAppend.submit([...events]);
      return { accepted, duplicates: events.length - accepted };
    },
    drainOnce: (limit) => drainOnce(limit),
    start(opts = {}) {
      const idleMs = opts.idleMs ?? 1_000;
      let stopping = false;
      const loop = (async () => {
        while (!stopping) {
          try {
            const n = await (redis ? drainRedis(5_000, idleMs) : drainEventBuffer(db, prefix, 5_000));
            if (n === 0 && !redis) await new Promise((r) => setTimeout(r, idleMs));
          } catch (err) {
            logger.error({ err }, 'behaviour events could not be drained; retrying');
            await new Promise((r) => setTimeout(r, 1_000));
          }
        }
      })();
      return {
        async stop() {
          stopping = true;
          await loop;
          blocking?.disconnect();
          blocking = undefined;
        },
      };
    },
  };
}
