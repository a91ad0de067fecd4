/**
 * The PostgreSQL ingest buffer across processes: an append made elsewhere (an API process of its own, another
 * machine) wakes a consumer that LISTENs at once, long before its idle poll; one that does not listen waits for
 * the poll. The appender here is a second pool calling the append statement, as another process would.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../db/client';
import { appendToBuffer, INGEST_BUFFER_CHANNEL } from '../../db/queries/ingest-buffer';
import { createLogger } from '../../infra/logger';
import { createPgListener, type PgListener } from '../../infra/pg-listen';
import { startPgConsumer } from '../../ingest/pg-consumer';
import type { IngestProcessor } from '../../ingest/processor';
import type { IngestEntry } from '../../ingest/types';
import { sleep } from '../support/oms-process';
import { eventually, uniq } from '../support/stack';

const logger = createLogger('silent');
const IDLE_MS = 60_000;
let consumerSide: Database;
let appenderSide: Database;
const listeners: PgListener[] = [];

beforeAll(() => {
  consumerSide = connectDatabase(inject('databaseUrl'), { max: 3 });
  appenderSide = connectDatabase(inject('databaseUrl'), { max: 2 });
});
afterAll(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  await Promise.all([consumerSide?.close(), appenderSide?.close()]);
});

/** A processor that only notes when each order reached it. */
function recorder() {
  const seen = new Map<string, number>();
  const processor: IngestProcessor = {
    stats: { delivered: 0, ignored: 0, deadLettered: 0 },
    park: async () => {
      throw new Error('nothing is parked here');
    },
    process: async (entry) => {
      seen.set(entry.channelOrderId, Date.now());
      return { outcome: 'ignored', orderId: entry.channelOrderId, status: 'paid', why: 'test' };
    },
  };
  return { processor, seen };
}

const entry = (channelOrderId: string): IngestEntry => ({ source: 'push', platform: 'douyin', storeId: 'douyin-1', channelOrderId, kind: 'paid', receivedAt: new Date().toISOString() });

describe('PostgreSQL ingest buffer: waking consumers in other processes', () => {
  it.each([
    { when: 'LISTENs', listens: true, within: 2_000 },
    { when: 'does not listen', listens: false, within: undefined },
  ])('when another process appends and the consumer $when, then it looks at once only if it listens', async ({ listens, within }) => {
    const queue = uniq('q');
    const listener = listens ? createPgListener({ connection: inject('databaseUrl'), channel: INGEST_BUFFER_CHANNEL, logger }) : undefined;
    if (listener) listeners.push(listener);
    const { processor, seen } = recorder();
    const consumer = startPgConsumer({ db: consumerSide.db, queue, processor, logger, idleMs: IDLE_MS, listener });
    try {
      if (listener) await eventually(async () => (listener.listening ? true : undefined), 10_000, 'the LISTEN connection');
      await sleep(300); // the consumer's first look has found the queue empty: it is idle now
      const id = uniq('order');
      const appendedAt = Date.now();
      await appendToBuffer(appenderSide.db, queue, [entry(id)]);
      if (within !== undefined) {
        const at = await eventually(async () => seen.get(id), within, 'the consumer to take the entry');
        expect(at - appendedAt).toBeLessThan(within);
      } else {
        await sleep(2_000);
        expect(seen.has(id)).toBe(false); // asleep until its idle poll, a minute away
      }
    } finally {
      await Promise.race([consumer.stop(), sleep(5_000)]);
    }
  });
});
