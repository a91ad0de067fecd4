/**
 * The ingest pipeline: how platform orders (webhook pushes, polls, dead-letter replays) become order workflows.
 *
 * `enqueue` appends to the buffer and returns at once (the webhook answers the platform within milliseconds):
 * a Redis stream with REDIS_URL, otherwise a PostgreSQL table (group-committed appends). Consumers started with
 * `startConsumer` drain it: fetch the platform order, map it, record it and hold its stock (ingest/intake.ts).
 * Either way, the same entry twice is one order.
 */
import type { Redis } from 'ioredis';
import type { Db } from '../db/client';
import { findDeadLetter, markDeadLetterReplayed, type DeadLetterRow } from '../db/queries/ingest';
import { appendToBuffer, bufferBacklog, bufferPressure, messageKey } from '../db/queries/ingest-buffer';
import { createBatcher } from '../infra/batcher';
import { startPgConsumer, type RunningPgConsumer } from './pg-consumer';
import type { Logger } from '../infra/logger';
import type { PgListener } from '../infra/pg-listen';
import type { SecretBox } from '../infra/secrets';
import type { OrderClient } from '../temporal/order-client';
import { startConsumer, type ConsumerOptions, type RunningConsumer } from './consumer';
import { readEntry } from './entry';
import { createMappingStore, type MappingStore } from './mappings';
import { createIngestProcessor, type IngestProcessor, type ProcessOutcome } from './processor';
import { intakeStatus } from '../db/queries/intake';
import { createPacing, type PacingOptions } from './pacing';
import { acceptedPerSecond, appendEntries, backlogOf, bufferKeys, ensureGroup, oldestEntryAgeMs, streamPressure, type AppendResult, type BufferKeys } from './redis-buffer';
import { createStoreDirectory, type StoreDirectory } from './stores';
import type { IngestEntry, IngestPipeline } from './types';

export interface IngestDeps {
  db: Db;
  orders: OrderClient;
  secrets: SecretBox;
  logger: Logger;
  /** The buffer; without it, a PostgreSQL table is. */
  redis?: Redis | undefined;
  /** Key prefix in Redis (default `oms:ingest`). */
  prefix?: string | undefined;
  /** Without Redis: LISTENs for appends made by other processes, so this process's consumers look at once. */
  listener?: PgListener | undefined;
  /** Overrides the cached store lookup (e.g. one that refreshes OAuth tokens before they expire). */
  stores?: StoreDirectory | undefined;
  /** Acknowledgements paced to the intake (ingest/pacing.ts); unset: pushes are acknowledged at once. */
  pacing?: Pick<PacingOptions, 'maxLagMs' | 'maxWaitMs' | 'sampleMs'> | undefined;
}

export interface Ingest {
  readonly mode: 'redis' | 'postgres';
  /** What pollers and other producers are given. */
  readonly pipeline: IngestPipeline;
  /** Waits while the buffer is deeper than the pacing allows; false: it stayed too deep, refuse the push (503). */
  admit(): Promise<boolean>;
  /** `pipeline.enqueue`, telling how many entries were new and how many were redeliveries (already buffered or handed over). */
  accept(entries: IngestEntry[]): Promise<AppendResult>;
  readonly processor: IngestProcessor;
  /** The stores' credentials for calling their platforms: access tokens renewed when due. */
  readonly stores: StoreDirectory;
  /**
   * The stores' secrets, for verifying their pushes. A push needs no access token: it is never held up by a
   * token renewal (a WeChat store's first push after start would otherwise wait for the platform's token API).
   */
  readonly signers: StoreDirectory;
  readonly mappings: MappingStore;
  /** Redis mode only. */
  readonly keys: BufferKeys | undefined;
  /** Starts a consumer of the buffer. */
  startConsumer(opts?: Partial<Pick<ConsumerOptions, 'name' | 'concurrency' | 'blockMs' | 'reclaimAfterMs' | 'maxAttempts'>>): Promise<RunningConsumer>;
  /** Entries in the buffer, not yet recorded as orders (`pending`: taken by a consumer right now). */
  backlog(): Promise<{ length: number; pending: number }>;
  /** What ops watch during a burst: the buffer, the rates, the workflows behind, and when they will have caught up. */
  report(): Promise<BacklogReport>;
  /** Hands a dead letter's entry (and the payload that failed) to the processor again. */
  replay(deadLetterId: number): Promise<ReplayResult>;
}

export interface BacklogReport {
  mode: 'redis' | 'postgres';
  /** Pushes acknowledged but not yet recorded as orders. */
  buffered: number;
  /** Age of the oldest thing not yet in a workflow: a buffered push, or an accepted order whose workflow has not started. */
  oldestAgeMs: number;
  /** Pushes (or orders) accepted per second over the last 10 s. */
  acceptedPerSec: number;
  /** Orders recorded, with their stock held, per second over the last 10 s. */
  persistedPerSec: number;
  /** Accepted orders whose workflow has not started, plus paid ones whose workflow has not allocated them yet. */
  workflowsBehind: number;
  /** Workflows reaching allocation per second over the last 10 s. */
  catchUpPerSec: number;
  /** When, at the current rates, the buffer is drained and the workflows have caught up; null when they are not moving. */
  etaSeconds: number | null;
  /** The buffer's own counts: entries, and those a consumer holds right now. */
  length: number;
  pending: number;
}

const RATE_WINDOW_MS = 10_000;

export type ReplayResult =
  | { found: false }
  | { found: true; replayable: false; letter: DeadLetterRow; why: string }
  | { found: true; replayable: true; letter: DeadLetterRow; outcome: ProcessOutcome };

export function createIngest(deps: IngestDeps): Ingest {
  const { db, orders, logger, redis } = deps;
  const stores = deps.stores ?? createStoreDirectory(db, deps.secrets);
  // Without an override of `stores`, the plain cached directory serves both.
  const signers = deps.stores ? createStoreDirectory(db, deps.secrets) : stores;
  const mappings = createMappingStore(db);
  const processor = createIngestProcessor({ db, orders, stores, mappings, logger });
  const keys = redis ? bufferKeys(deps.prefix) : undefined;
  /** Without Redis, the buffer table's queue name (the same prefix). */
  const queue = deps.prefix ?? 'oms:ingest';

  // Without Redis: appends are group-committed into the table, and this process's consumer is woken at once.
  const consumers: RunningPgConsumer[] = [];
  const appended = { at: [] as { t: number; n: number }[] };
  const pgAppend = createBatcher<IngestEntry[], number>(
    async (batches) => {
      const fresh = await appendToBuffer(db, queue, batches.flat());
      // Per caller: its entries appended now (the first of a message id in the batch, or without one).
      const taken = new Set<string>();
      const counts = batches.map(
        (entries) =>
          entries.filter((e) => {
            const k = messageKey(e);
            if (k === undefined) return true;
            if (!fresh.has(k) || taken.has(k)) return false;
            taken.add(k);
            return true;
          }).length,
      );
      appended.at.push({ t: Date.now(), n: counts.reduce((a, b) => a + b, 0) });
      if (appended.at.length > 1000) appended.at.splice(0, appended.at.length - 1000);
      for (const c of consumers) c.wake();
      return counts;
    },
    { maxBatch: 200, concurrency: 2 },
  );

  const accept: Ingest['accept'] =
    redis && keys
      ? (entries) => appendEntries(redis, keys, entries)
      : async (entries) => {
          if (entries.length === 0) return { accepted: 0, duplicates: 0 };
          const accepted = await pgAppend.submit(entries);
          return { accepted, duplicates: entries.length - accepted };
        };

  const pacing = deps.pacing
    ? createPacing({ ...deps.pacing, read: () => (redis && keys ? streamPressure(redis, keys) : bufferPressure(db, queue)) })
    : { admit: async () => true };

  return {
    mode: redis ? 'redis' : 'postgres',
    admit: () => pacing.admit(),
    pipeline: {
      async enqueue(entries) {
        await accept(entries);
      },
    },
    accept,
    processor,
    stores,
    signers,
    mappings,
    keys,

    async startConsumer(opts = {}) {
      if (redis && keys) return startConsumer({ redis, keys, processor, logger, ...opts });
      const consumer = startPgConsumer({ db, queue, processor, logger, listener: deps.listener, ...opts });
      consumers.push(consumer);
      return {
        name: consumer.name,
        stop: async () => {
          consumers.splice(consumers.indexOf(consumer), 1);
          await consumer.stop();
        },
      };
    },

    async backlog() {
      if (!redis || !keys) {
        const { length, pending } = await bufferBacklog(db, queue);
        return { length, pending };
      }
      await ensureGroup(redis, keys);
      return backlogOf(redis, keys);
    },

    async report() {
      const now = Date.now();
      const [buffer, oldestBuffered, redisAccepted, status] = await Promise.all([
        this.backlog(),
        redis && keys ? oldestEntryAgeMs(redis, keys) : bufferBacklog(db, queue).then((b) => (b.oldest ? now - b.oldest.getTime() : null)),
        // Without Redis, this process's own appends (the API that answers is the one that appended).
        redis && keys
          ? acceptedPerSecond(redis, keys, RATE_WINDOW_MS / 1000)
          : appended.at.filter((a) => a.t >= now - RATE_WINDOW_MS).reduce((sum, a) => sum + a.n, 0) / (RATE_WINDOW_MS / 1000),
        intakeStatus(db, RATE_WINDOW_MS),
      ]);
      const persistedPerSec = status.accepted / (RATE_WINDOW_MS / 1000);
      const catchUpPerSec = status.caughtUp / (RATE_WINDOW_MS / 1000);
      const workflowsBehind = status.unstarted + status.paidWaiting;
      const buffered = buffer.length;
      const drainS = buffered === 0 ? 0 : persistedPerSec > 0 ? buffered / persistedPerSec : null;
      const catchUpS = workflowsBehind + buffered === 0 ? 0 : catchUpPerSec > 0 ? (workflowsBehind + buffered) / catchUpPerSec : null;
      return {
        mode: redis ? 'redis' : 'postgres',
        buffered,
        oldestAgeMs: Math.max(oldestBuffered ?? 0, status.oldest ? now - status.oldest.getTime() : 0),
        acceptedPerSec: redisAccepted ?? persistedPerSec,
        persistedPerSec,
        workflowsBehind,
        catchUpPerSec,
        etaSeconds: drainS === null || catchUpS === null ? null : Math.ceil(Math.max(drainS, catchUpS)),
        length: buffer.length,
        pending: buffer.pending,
      };
    },

    async replay(deadLetterId) {
      const letter = await findDeadLetter(db, deadLetterId);
      if (!letter) return { found: false };
      if (letter.status !== 'open') return { found: true, replayable: false, letter, why: `dead letter ${deadLetterId} was already replayed` };
      const read = readEntry(
        JSON.stringify({
          ...(letter.entry as object | null),
          source: 'replay',
          receivedAt: new Date().toISOString(),
          ...(letter.payload ? { raw: letter.payload } : {}),
        }),
      );
      if (!read.ok) return { found: true, replayable: false, letter, why: `the entry cannot be replayed (${read.message})` };
      const outcome = await processor.process(read.entry);
      if (outcome.outcome !== 'dead-lettered') await markDeadLetterReplayed(db, deadLetterId, outcome.orderId);
      return { found: true, replayable: true, letter: (await findDeadLetter(db, deadLetterId)) ?? letter, outcome };
    },
  };
}

export type { IngestEntry, IngestPipeline } from './types';
export type { RunningConsumer } from './consumer';
export type { ProcessOutcome } from './processor';
export { bufferKeys, type BufferKeys } from './redis-buffer';
