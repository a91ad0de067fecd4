/**
 * The push path's warm-up (api/warmup.ts): signed pushes for every platform through the real webhook route,
 * pacing and buffer append — and afterwards nothing of it is left: no buffered entry, no remembered message id,
 * no order, in PostgreSQL or in Redis.
 */
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseApp } from '../../api/app';
import { WARMUP_QUEUE, warmUpPushPath } from '../../api/warmup';
import { connectDatabase, migrateDatabase, type Database } from '../../db/client';
import { adminQuery, withDatabase } from '../../infra/net';
import { createLogger } from '../../infra/logger';
import { createSecretBox } from '../../infra/secrets';
import { bufferKeys } from '../../ingest/redis-buffer';
import type { OrderClient } from '../../temporal/order-client';
import { uniq } from '../support/stack';

const logger = createLogger('silent');
const secrets = createSecretBox(Buffer.alloc(32, 7));
/** The warm-up never starts an order: any use of the order client fails the test. */
const orders = new Proxy({} as OrderClient, {
  get: (_, name) => () => {
    throw new Error(`the warm-up used the order client (${String(name)})`);
  },
});

// A database of its own: the test counts every row of the buffer tables.
const serverUrl = inject('databaseUrl');
const dbName = uniq('oms_warmup_').replace(/[^a-z0-9_]/g, '_');
let database: Database;
let redis: Redis;

beforeAll(async () => {
  await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
  database = connectDatabase(withDatabase(serverUrl, dbName), { max: 4 });
  await migrateDatabase(database.db);
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await database?.close();
  redis?.disconnect();
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

const count = async (table: string) => Number((await database.pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

describe('the push path warm-up', () => {
  it('when it runs on the PostgreSQL buffer, then every push is answered and nothing is left behind', async () => {
    const warm = await warmUpPushPath({
      base: () => baseApp(logger),
      ingest: { db: database.db, orders, secrets, logger, pacing: { maxLagMs: 100, maxWaitMs: 2_000 } },
      logger,
      pushes: 500,
    });

    expect(warm.pushes).toBe(500);
    expect(await count('ingest_buffer')).toBe(0);
    expect(await count('ingest_messages')).toBe(0);
    expect(await count('orders')).toBe(0);
  });

  it('when it runs on the Redis buffer, then every push is answered and its stream is gone', async () => {
    const keys = bufferKeys(WARMUP_QUEUE);
    const leftovers = await redis.keys(`${WARMUP_QUEUE}:*`);
    if (leftovers.length) await redis.del(...leftovers);

    const warm = await warmUpPushPath({
      base: () => baseApp(logger),
      ingest: { db: database.db, orders, secrets, logger, redis, pacing: { maxLagMs: 100, maxWaitMs: 2_000 } },
      logger,
      pushes: 250,
    });

    expect(warm.pushes).toBe(250);
    expect(await redis.exists(keys.stream)).toBe(0);
    expect(await redis.keys(`${keys.seen}:*`)).toEqual([]);
    expect(await count('ingest_messages')).toBe(0);
  });

  it('when the route does not accept the pushes, then the warm-up fails instead of warming nothing', async () => {
    const refusing = () => new Hono().use(async (c) => c.text('busy', 503));

    await expect(warmUpPushPath({ base: refusing, ingest: { db: database.db, orders, secrets, logger }, logger, pushes: 50 })).rejects.toThrow(/0 of 50 pushes answered 200/);
  });
});
