/**
 * Acknowledgement pacing against the real buffers: what `bufferPressure` (PostgreSQL) and `streamPressure`
 * (Redis) read while a real consumer drains them, and what the pacing decides from it. The consumer's
 * processor is held at a gate, as an intake that cannot keep up would be.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../db/client';
import { appendToBuffer, bufferPressure } from '../../db/queries/ingest-buffer';
import { createLogger } from '../../infra/logger';
import { startConsumer } from '../../ingest/consumer';
import { createPacing, type BufferPressure } from '../../ingest/pacing';
import { startPgConsumer } from '../../ingest/pg-consumer';
import type { IngestProcessor } from '../../ingest/processor';
import { appendEntries, bufferKeys, streamPressure } from '../../ingest/redis-buffer';
import type { IngestEntry } from '../../ingest/types';
import { sleep } from '../support/oms-process';
import { eventually, uniq } from '../support/stack';

const logger = createLogger('silent');
let database: Database;
let redis: Redis;

beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 4 });
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await database?.close();
  redis?.disconnect();
});

/** A processor that holds every entry until the gate opens. */
function gatedProcessor() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const processed: string[] = [];
  const processor: IngestProcessor = {
    stats: { delivered: 0, ignored: 0, deadLettered: 0 },
    park: async () => {
      throw new Error('nothing is parked here');
    },
    process: async (entry) => {
      await gate;
      processed.push(entry.channelOrderId);
      return { outcome: 'ignored', orderId: entry.channelOrderId, status: 'paid', why: 'test' };
    },
  };
  return { processor, processed, open };
}

const entry = (channelOrderId: string): IngestEntry => ({ source: 'push', platform: 'douyin', storeId: 'douyin-1', channelOrderId, kind: 'paid', messageId: uniq('m'), receivedAt: new Date().toISOString() });

interface BufferUnderTest {
  append(entries: IngestEntry[]): Promise<void>;
  read(): Promise<BufferPressure>;
  consume(processor: IngestProcessor): Promise<{ stop(): Promise<void> }>;
}

const buffers: Record<'postgres' | 'redis', () => BufferUnderTest> = {
  postgres: () => {
    const queue = uniq('pacing');
    return {
      append: async (entries) => void (await appendToBuffer(database.db, queue, entries)),
      read: () => bufferPressure(database.db, queue),
      consume: async (processor) => startPgConsumer({ db: database.db, queue, processor, logger, concurrency: 1, idleMs: 50, reclaimAfterMs: 60_000 }),
    };
  },
  redis: () => {
    const keys = bufferKeys(uniq('test:pacing'));
    return {
      append: async (entries) => void (await appendEntries(redis, keys, entries)),
      read: () => streamPressure(redis, keys),
      consume: (processor) => startConsumer({ redis, keys, processor, logger, concurrency: 1, blockMs: 100, reclaimAfterMs: 60_000 }),
    };
  },
};

describe.each(['postgres', 'redis'] as const)('acknowledgement pacing on the %s buffer', (kind) => {
  it('when nothing drains the buffer, pushes go on; while a consumer is stuck behind, they wait and are refused; once it catches up, they go on at once', async () => {
    const buffer = buffers[kind]();
    // A pacing of its own for each look, so no reading of an earlier phase is reused.
    const pacing = () => createPacing({ read: buffer.read, maxLagMs: 100, maxWaitMs: 400, sampleMs: 20 });
    const ids = [uniq('o'), uniq('o'), uniq('o')];
    await buffer.append(ids.map(entry));
    await sleep(250);

    // No consumer: the entries wait, and the buffer absorbs whatever comes.
    const idle = await buffer.read();
    expect(idle.draining).toBe(false);
    expect(idle.waitingAgeMs).toBeGreaterThanOrEqual(200);
    expect(await pacing().admit()).toBe(true);

    // A consumer holds the first entry and cannot go on: the other two wait, and they are older than the lag.
    const { processor, processed, open } = gatedProcessor();
    const consumer = await buffer.consume(processor);
    try {
      const stuck = await eventually(async () => ((await buffer.read()).draining ? buffer.read() : undefined), 10_000, 'the consumer to take an entry');
      expect(stuck.waitingAgeMs).toBeGreaterThanOrEqual(200);
      const started = Date.now();
      expect(await pacing().admit()).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);

      // It catches up: nothing waits, and pushes go on without waiting.
      open();
      await eventually(async () => (processed.length === ids.length ? true : undefined), 10_000, 'the consumer to drain the buffer');
      await eventually(async () => ((await buffer.read()).waitingAgeMs === 0 ? true : undefined), 10_000, 'nothing waiting');
      const again = Date.now();
      expect(await pacing().admit()).toBe(true);
      expect(Date.now() - again).toBeLessThan(200);
    } finally {
      open();
      await consumer.stop();
    }
  });
});
