import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../db/client';
import { behaviourEvents } from '../../db/schema';
import { createLogger } from '../../infra/logger';
import { behaviourEventsSchema, createEventBuffer, storedEvent } from '../../prepack/events';
import { uniq } from '../support/stack';

let database: Database;
let redis: Redis;
const logger = createLogger('silent');
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 4 });
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis?.quit();
  await database?.close();
});

const body = (sku: string, n: number, tag = uniq('e')) =>
  behaviourEventsSchema.parse(
    Array.from({ length: n }, (_, i) => ({ eventId: `${tag}-${i}`, customerPhone: '+86 139 0000 1001', sku, type: 'view', at: new Date().toISOString(), dwellSeconds: i })),
  );

describe.each(['redis', 'postgres'] as const)('behaviour events through the %s buffer', (mode) => {
  it('when events are appended twice and drained, then each is stored once, keyed, with nothing left in the buffer', async () => {
    const prefix = `test:events:${uniq('q')}`;
    const buffer = createEventBuffer({ db: database.db, logger, prefix, ...(mode === 'redis' ? { redis } : {}) });
    const sku = uniq('SKU');
    const events = body(sku, 50).map(storedEvent);
    expect(await buffer.accept(events)).toEqual({ accepted: 50, duplicates: 0 });
    expect(await buffer.accept(events.slice(0, 10))).toEqual({ accepted: 0, duplicates: 10 });
    let drained = 0;
    for (let n = 1; n > 0; ) {
      n = await buffer.drainOnce();
      drained += n;
    }
    expect(drained).toBe(50);
    const rows = await database.db.select().from(behaviourEvents).where(eq(behaviourEvents.sku, sku));
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.customerKey)).size).toBe(1);
    expect(rows[0]!.customerKey).toMatch(/^p:[0-9a-f]{40}$/);
    expect(rows[0]!.customerLabel).toBe('139****1001');
    expect(await buffer.drainOnce()).toBe(0);
    if (mode === 'redis') {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
  });

  it('when the drainer runs in the background, then posted events reach the table without a call', async () => {
    const prefix = `test:events:${uniq('q')}`;
    const buffer = createEventBuffer({ db: database.db, logger, prefix, ...(mode === 'redis' ? { redis } : {}) });
    const running = buffer.start({ idleMs: 50 });
    try {
      const sku = uniq('SKU');
      await buffer.accept(body(sku, 5).map(storedEvent));
      const deadline = Date.now() + 10_000;
      let n = 0;
      while (Date.now() < deadline && (n = (await database.db.select().from(behaviourEvents).where(eq(behaviourEvents.sku, sku))).length) < 5) await new Promise((r) => setTimeout(r, 50));
      expect(n).toBe(5);
    } finally {
      await running.stop();
      const keys = mode === 'redis' ? await redis.keys(`${prefix}*`) : [];
      if (keys.length) await redis.del(...keys);
    }
  });
});
