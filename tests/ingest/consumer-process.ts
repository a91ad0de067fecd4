/**
 * An ingest consumer in a process of its own, for the test that kills one mid-stream (SIGKILL: no chance to
 * finish, acknowledge or say goodbye). Everything comes from the environment the test passes:
 * DATABASE_URL, REDIS_URL, TEMPORAL_ADDRESS, TASK_QUEUE, PREFIX, SECRETS_KEY (base64), TIMINGS (JSON),
 * CONSUMER_NAME, and HANDOVER_DELAY_MS, a pause before each hand-over so the kill lands mid-stream.
 * Prints "ready" once it is reading.
 */
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { connectDatabase } from '../../db/client';
import { createLogger } from '../../infra/logger';
import { createSecretBox } from '../../infra/secrets';
import { createIngest } from '../../ingest';
import { startConsumer } from '../../ingest/consumer';
import { createIntake } from '../../ingest/intake';
import { createOrderClient } from '../../temporal/order-client';
import { startOrderStarter } from '../../temporal/order-starter';
import type { OrderTimings } from '../../workflows/contract';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const database = connectDatabase(env('DATABASE_URL'), { max: 4 });
const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
const client = new Client({ connection, namespace: 'default' });
const timings = JSON.parse(env('TIMINGS')) as OrderTimings;
const intake = createIntake({ db: database.db, taskQueue: env('TASK_QUEUE'), logger, onAccepted: () => starter.wake() });
const orders = createOrderClient({ client, db: database.db, taskQueue: env('TASK_QUEUE'), timings, intake });
const starter = startOrderStarter({ db: database.db, taskQueue: env('TASK_QUEUE'), start: orders.startAccepted, logger, dedupWindowMs: timings.dedupWindowMs });
const redis = new Redis(env('REDIS_URL'));
const ingest = createIngest({ db: database.db, orders, secrets: createSecretBox(Buffer.from(env('SECRETS_KEY'), 'base64')), logger, redis, prefix: env('PREFIX') });

const delayMs = Number(process.env.HANDOVER_DELAY_MS ?? 0);
const slowed = {
  ...ingest.processor,
  async process(entry: Parameters<typeof ingest.processor.process>[0]) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return ingest.processor.process(entry);
  },
};
await startConsumer({ redis, keys: ingest.keys!, processor: slowed, logger, name: env('CONSUMER_NAME'), concurrency: 4, blockMs: 200, reclaimAfterMs: 600_000 });
console.log('ready');
