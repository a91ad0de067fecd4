/**
 * Kill the consumer mid-stream: a consumer in its own process is SIGKILLed while it holds entries it has read
 * but not acknowledged (some possibly already handed to Temporal). A second consumer reclaims them, and every
 * pushed order ends up exactly once — in PostgreSQL, in Temporal, and on its own timeline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { and, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { listDeadLetters } from '../../db/queries/ingest';
import { orderEvents, orders } from '../../db/schema';
import type { RunningConsumer } from '../../ingest';
import { connectShop, postPush, type ConnectedShop } from '../ingest/support';
import { eventually, FAST_TIMINGS, startStack, type Stack } from '../support/stack';

const ORDERS_PER_SHOP = 40;

let stack: Stack;
const shops: ConnectedShop[] = [];
let child: ChildProcess | undefined;
let survivor: RunningConsumer | undefined;
beforeAll(async () => {
  stack = await startStack({ ingest: { redis: true, consumer: false } });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await survivor?.stop();
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

function startDoomedConsumer(): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('../ingest/consumer-process.ts', import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASK_QUEUE: stack.taskQueue,
      PREFIX: `test:${stack.taskQueue}`,
      SECRETS_KEY: stack.secretsKey,
      TIMINGS: JSON.stringify(FAST_TIMINGS),
      CONSUMER_NAME: 'doomed',
      HANDOVER_DELAY_MS: '150',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (process.env.TEST_LOG_LEVEL) process.stdout.write(chunk);
      if (chunk.toString().includes('ready')) resolve(proc);
    });
    proc.once('exit', (code) => reject(new Error(`consumer process exited (${code}) before it was ready: ${stderr}`)));
  });
}

async function pendingOf(consumer: string): Promise<number> {
  const summary = (await stack.redis!.xpending(stack.ingest.keys!.stream, stack.ingest.keys!.group)) as [number, string, string, [string, string][] | null];
  return Number(summary[3]?.find(([name]) => name === consumer)?.[1] ?? 0);
}

it('when the consumer is killed mid-stream, then another one takes over its entries and every order exists exactly once', async () => {
  shops.push(await connectShop(stack, 'douyin'), await connectShop(stack, 'wechat'));
  const expected: string[] = [];
  for (const shop of shops) {
    for (let i = 0; i < ORDERS_PER_SHOP; i++) {
      const { channelOrderId, orderId } = shop.addOrder();
      expected.push(orderId);
      const res = await postPush(stack, shop.platform, shop.push('paid', channelOrderId));
      expect(res.status).toBe(200);
    }
  }
  const total = expected.length;
  expect(await stack.redis!.xlen(stack.ingest.keys!.stream)).toBe(total);

  child = await startDoomedConsumer();
  // Some entries handed over and acknowledged (acknowledged entries leave the stream), most still to go.
  await eventually(async () => ((await stack.redis!.xlen(stack.ingest.keys!.stream)) <= total - 8 ? true : undefined), 60_000, 'the first consumer to get going');
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  child = undefined;

  const heldByTheDead = await pendingOf('doomed');
  const left = await stack.redis!.xlen(stack.ingest.keys!.stream);
  expect(heldByTheDead).toBeGreaterThan(0); // it died holding entries it had read but not acknowledged
  expect(left).toBeLessThan(total);

  survivor = await stack.ingest.startConsumer({ name: 'survivor', reclaimAfterMs: 1_000, blockMs: 200, maxAttempts: 3 });
  await eventually(async () => {
    const { length, pending } = await stack.ingest.backlog();
    return length === 0 && pending === 0 ? true : undefined;
  }, 90_000, 'the survivor to drain the buffer, reclaimed entries included');

  // PostgreSQL: each order once, received once and paid once.
  const storeIds = shops.map((s) => s.storeId);
  const inDb = await eventually(
    async () => {
      const rows = await stack.db.select({ orderId: orders.orderId }).from(orders).where(inArray(orders.storeId, storeIds));
      return rows.length === total ? rows : undefined;
    },
    90_000,
    'every order in the read model',
  );
  expect(new Set(inDb.map((r) => r.orderId))).toEqual(new Set(expected));
  const perOrder = await eventually(
    async () => {
      const rows = await stack.db
        .select({ orderId: orderEvents.orderId, type: orderEvents.type, n: sql<number>`count(*)::int` })
        .from(orderEvents)
        .where(and(inArray(orderEvents.orderId, expected), inArray(orderEvents.type, ['ORDER_RECEIVED', 'PAYMENT_CONFIRMED'])))
        .groupBy(orderEvents.orderId, orderEvents.type);
      return rows.length === 2 * total ? rows : undefined;
    },
    90_000,
    'every order received and paid on its timeline',
  );
  expect(perOrder.filter((r) => r.type === 'ORDER_RECEIVED')).toHaveLength(total);
  expect(perOrder.filter((r) => r.type === 'PAYMENT_CONFIRMED')).toHaveLength(total);
  expect(perOrder.every((r) => r.n === 1)).toBe(true);

  // Temporal: one execution per order on this stack's task queue, no second run of any of them.
  const executions = await eventually(
    async () => {
      const n = (await stack.client.workflow.count(`TaskQueue = "${stack.taskQueue}"`)).count;
      return n >= total ? n : undefined;
    },
    60_000,
    'Temporal visibility to list every workflow',
  );
  expect(executions).toBe(total);
  for (const orderId of expected.slice(0, 5)) {
    const runs: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = "order-${orderId}"` })) runs.push(wf.runId);
    expect(runs).toHaveLength(1);
  }

  expect(await listDeadLetters(stack.db, { status: 'open', limit: 10, storeId: storeIds[0] })).toEqual([]);
  expect(await listDeadLetters(stack.db, { status: 'open', limit: 10, storeId: storeIds[1] })).toEqual([]);
});
