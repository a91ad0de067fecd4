/**
 * The ingest consumer of the PostgreSQL buffer (no Redis): the same contract as the Redis consumer
 * (ingest/consumer.ts), on a table.
 *
 * - Claims entries nobody holds (`FOR UPDATE SKIP LOCKED`, for `reclaimAfterMs`), at most `concurrency` in flight,
 *   hands each to the processor (fetch, map, record and hold) and deletes it once settled — deletions batched.
 * - An entry whose consumer died, or whose processing failed, is claimed again when its claim runs out.
 * - An entry claimed more than `maxAttempts` times is poison: parked in the dead-letter list, then deleted.
 *
 * Recording twice is harmless (the order id is the channel's), which makes "at least once" from the table
 * "exactly once" in the orders.
 */
import type { Db } from '../db/client';
import { claimBuffered, deleteBuffered, type BufferedEntry } from '../db/queries/ingest-buffer';
import { createBatcher } from '../infra/batcher';
import type { Logger } from '../infra/logger';
import type { PgListener } from '../infra/pg-listen';
import type { RunningConsumer } from './consumer';
import { createWaker, deliverEntry, describeError, drain } from './drain';
import { readEntry } from './entry';
import type { IngestProcessor } from './processor';

export interface PgConsumerOptions {
  db: Db;
  /** The buffer's queue name (see `ingest_buffer.queue`). */
  queue: string;
  processor: IngestProcessor;
  logger: Logger;
  concurrency?: number;
  /** A claimed entry not settled this long is taken over (its consumer died) or retried. */
  reclaimAfterMs?: number;
  maxAttempts?: number;
  /** How long to wait for new entries when the table is empty (an append in this process wakes it at once). */
  idleMs?: number;
  /** Appends in other processes (API processes, other machines) wake this consumer through it. */
  listener?: PgListener | undefined;
}

export interface RunningPgConsumer extends RunningConsumer {
  /** Entries were appended in this process: look now. */
  wake(): void;
}

export function startPgConsumer(opts: PgConsumerOptions): RunningPgConsumer {
  const { db, processor, logger } = opts;
  const concurrency = opts.concurrency ?? 128;
  const reclaimAfterMs = opts.reclaimAfterMs ?? 30_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const idleMs = opts.idleMs ?? 500;
  const settle = createBatcher<number, void>(async (ids) => deleteBuffered(db, ids).then(() => ids.map(() => undefined)), { maxBatch: 1000 });
  const waker = createWaker(idleMs);
  let stopping = false;

  const handle = async ({ id, entry, attempts }: BufferedEntry): Promise<void> => {
    try {
      const settled = await deliverEntry(processor, logger, readEntry(JSON.stringify(entry)), { entryId: id, deliveries: attempts, maxAttempts, unreadableKey: `entry:pg-${id}` });
      if (settled) await settle.submit(id); // otherwise it stays claimed until the claim runs out, then comes back
    } catch (err) {
      logger.error({ err: describeError(err), entryId: id }, 'ingest entry could not be settled; will retry');
    }
  };

  const loop = () =>
    drain({
      concurrency,
      take: (room) => claimBuffered(db, opts.queue, room, reclaimAfterMs),
      handle,
      idle: waker.sleep,
      stopping: () => stopping,
      log: logger,
    });

  const unsubscribe = opts.listener?.subscribe(opts.queue, waker.wake);
  const running = loop();
  logger.info({ buffer: 'postgres', concurrency, reclaimAfterMs, maxAttempts }, 'ingest consumer started');
  return {
    name: `pg-${process.pid}`,
    wake: waker.wake,
    async stop() {
      stopping = true;
      unsubscribe?.();
      waker.wake();
      await running;
      logger.info('ingest consumer stopped');
    },
  };
}
