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
import type { RunningConsumer } from './consumer';
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
  const inFlight = new Set<Promise<void>>();
  const settle = createBatcher<number, void>(async (ids) => deleteBuffered(db, ids).then(() => ids.map(() => undefined)), { maxBatch: 1000 });
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const handle = async ({ id, entry, attempts }: BufferedEntry): Promise<void> => {
    const read = readEntry(JSON.stringify(entry));
    try {
      if (!read.ok) {
        await processor.park({ ...read.partial }, { reason: 'unreadable', message: read.message, attempts }, `entry:pg-${id}`);
      } else if (attempts > maxAttempts) {
        await processor.park(read.entry, { reason: 'poison', message: `not recorded after ${attempts - 1} deliveries`, attempts: attempts - 1 });
      } else {
        try {
          await processor.process(read.entry);
        } catch (err) {
          if (attempts < maxAttempts) {
            logger.warn({ err: describe(err), entryId: id, attempts, storeId: read.entry.storeId, channelOrderId: read.entry.channelOrderId }, 'ingest entry failed; will retry');
            return; // stays claimed until the claim runs out, then comes back
          }
          await processor.park(read.entry, { reason: 'poison', message: describe(err), attempts });
        }
      }
      await settle.submit(id);
    } catch (err) {
      logger.error({ err: describe(err), entryId: id }, 'ingest entry could not be settled; will retry');
    }
  };

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(done, idleMs);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const loop = async () => {
    while (!stopping) {
      try {
        if (inFlight.size >= concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        woken = false;
        const claimed = await claimBuffered(db, opts.queue, concurrency - inFlight.size, reclaimAfterMs);
        for (const entry of claimed) {
          const running: Promise<void> = handle(entry).finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        if (claimed.length === 0 && !stopping) await (inFlight.size ? Promise.race([sleep(), ...inFlight]) : sleep());
      } catch (err) {
        if (stopping) break;
        logger.error({ err: describe(err) }, 'ingest consumer read failed; retrying in a second');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    await Promise.all(inFlight);
  };

  const running = loop();
  logger.info({ buffer: 'postgres', concurrency, reclaimAfterMs, maxAttempts }, 'ingest consumer started');
  return {
    name: `pg-${process.pid}`,
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await running;
      logger.info('ingest consumer stopped');
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
