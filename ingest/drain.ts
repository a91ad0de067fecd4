/**
 * What every consumer of the ingest buffer does, whichever buffer it drains (the Redis stream in
 * ingest/consumer.ts, the PostgreSQL table in ingest/pg-consumer.ts): take entries with at most `concurrency` in
 * flight, hand each to the processor, and settle it — or leave it for a retry, or park it as poison.
 */
import type { Logger } from '../infra/logger';
import type { ReadEntry } from './entry';
import type { IngestProcessor } from './processor';

/**
 * One delivered entry: processed, or parked (unreadable; delivered more than `maxAttempts` times; failed on its
 * last allowed delivery). True when it is settled and may be removed from the buffer; false when it should come
 * back (it failed, and may be retried).
 */
export async function deliverEntry(
  processor: IngestProcessor,
  log: Logger,
  read: ReadEntry,
  d: { entryId: string | number; deliveries: number; maxAttempts: number; unreadableKey: string },
): Promise<boolean> {
  if (!read.ok) {
    await processor.park({ ...read.partial }, { reason: 'unreadable', message: read.message, attempts: d.deliveries }, d.unreadableKey);
    return true;
  }
  if (d.deliveries > d.maxAttempts) {
    // Delivered this often without being settled: it keeps killing or failing whoever takes it.
    await processor.park(read.entry, { reason: 'poison', message: `not recorded after ${d.deliveries - 1} deliveries`, attempts: d.deliveries - 1 });
    return true;
  }
  try {
    await processor.process(read.entry);
  } catch (err) {
    if (d.deliveries < d.maxAttempts) {
      const { storeId, channelOrderId } = read.entry;
      log.warn({ err: describeError(err), entryId: d.entryId, deliveries: d.deliveries, storeId, channelOrderId }, 'ingest entry failed; will retry');
      return false;
    }
    await processor.park(read.entry, { reason: 'poison', message: describeError(err), attempts: d.deliveries });
  }
  return true;
}

export interface DrainLoop<T> {
  concurrency: number;
  /** Up to `room` more entries; may block a while waiting for them. */
  take(room: number): Promise<T[]>;
  /** Settles one entry; never throws. */
  handle(entry: T): Promise<void>;
  /** Waits before looking again when `take` found nothing (it resolves early when woken). */
  idle?: () => Promise<void>;
  stopping(): boolean;
  log: Logger;
}

/** Runs until `stopping()`; then waits for the entries in flight. */
export async function drain<T>(loop: DrainLoop<T>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  while (!loop.stopping()) {
    try {
      if (inFlight.size >= loop.concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      const entries = await loop.take(loop.concurrency - inFlight.size);
      for (const entry of entries) {
        const running: Promise<void> = loop.handle(entry).finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
      if (entries.length === 0 && loop.idle && !loop.stopping()) await Promise.race([loop.idle(), ...inFlight]);
    } catch (err) {
      if (loop.stopping()) break;
      loop.log.error({ err: describeError(err) }, 'ingest consumer read failed; retrying in a second');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  await Promise.all(inFlight);
}

/** A sleep that `wake()` cuts short; a wake before the sleep makes the next sleep return at once. */
export function createWaker(idleMs: number) {
  let wakeUp: (() => void) | undefined;
  let woken = false;
  return {
    sleep(): Promise<void> {
      return new Promise<void>((resolve) => {
        if (woken) {
          woken = false;
          return resolve();
        }
        const timer = setTimeout(done, idleMs);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          woken = false;
          resolve();
        }
        wakeUp = done;
      });
    },
    wake(): void {
      woken = true;
      wakeUp?.();
    },
  };
}

export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
