/**
 * Ingest benchmark: `npm run bench:ingest -- [--pushes 30000] [--concurrency 64] [--ingest-processes 1] [--settle 3600]`
 *
 * A flash-sale burst of signed webhook pushes (mixed platforms: Taobao, Tmall, PDD, Douyin, WeChat, one "paid"
 * push per order) against the real API with the Redis buffer, exactly as in production:
 *
 *   bench process ── signed pushes ──▶ API process (ROLES=api) ──XADD──▶ Redis stream
 *   (platform simulators, serving      worker process (ROLES=worker: order workflows + an ingest consumer)
 *    order details to the consumers)   N ingest processes (ROLES=ingest: consumers only)
 *
 * Everything is fresh and private to the run: a new PostgreSQL database, an in-memory Temporal dev server
 * on a free port, Redis logical database 15 (`--redis-db`). Prints pushes acknowledged per second, ack
 * latency p50/p99, the drain rate into running workflows (orders handed to Temporal per second, until the
 * buffer is empty), orders lost and duplicated counted in Temporal and in PostgreSQL, and the seed's 500
 * orders/s for comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startSimulator, type RunningSimulator } from '../channels/simulators';
import type { Platform } from '../channels/types';
import { connectDatabase, migrateDatabase } from '../db/client';
import { orderIdOf, workflowIdOf } from '../domain/order';
import { backlogOf, bufferKeys, ensureGroup } from '../ingest/redis-buffer';
import { findTemporalCli, startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { freePort, withDatabase } from '../infra/net';

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '30000' },
    concurrency: { type: 'string', default: '64' },
    'ingest-processes': { type: 'string', default: '1' },
    'ingest-concurrency': { type: 'string', default: '32' },
    'redis-db': { type: 'string', default: '15' },
    /** Seconds to wait for the workers to record every order in PostgreSQL after the buffer is drained. */
    settle: { type: 'string', default: '3600' },
    /** Start the worker and the consumers only once the burst is over: the API's own capacity, then the drain alone. */
    'drain-after': { type: 'boolean', default: false },
    /** Show the OMS processes' own log. */
    verbose: { type: 'boolean', default: false },
  },
});
const PUSHES = Number(values.pushes);
const CONCURRENCY = Number(values.concurrency);
const INGEST_PROCESSES = Number(values['ingest-processes']);
const SETTLE_MS = Number(values.settle) * 1000;
const SEED_ORDERS_PER_SECOND = 500;
const PLATFORMS: readonly Platform[] = ['taobao', 'tmall', 'pdd', 'douyin', 'wechat'];
const SKUS = ['SKU-TEE-S', 'SKU-TEE-M', 'SKU-TEE-L', 'SKU-CUP-500', 'SKU-TEA-250', 'SKU-MASK-10', 'SKU-SOCK-3'];
const ADMIN_KEY = `bench-admin-${randomBytes(8).toString('hex')}`;
const root = fileURLToPath(new URL('..', import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;
const log = (...args: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  // ── Fresh services ────────────────────────────────────────────────────────────────────────────────────
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `oms_bench_${Date.now().toString(36)}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
  cleanups.unshift(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  const databaseUrl = withDatabase(serverUrl, dbName);
  const database = connectDatabase(databaseUrl, { max: 4 });
  cleanups.unshift(() => database.close());
  await migrateDatabase(database.db);

  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
  if (!cliPath) throw new Error('Temporal CLI not found (TEMPORAL_CLI_PATH)');
  const temporal = await startDevServer({ cliPath, port: await freePort() });
  cleanups.unshift(() => temporal.stop());
  const connection = await Connection.connect({ address: temporal.address });
  cleanups.unshift(() => connection.close());
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection, namespace: 'default' });

  const redisUrl = withDatabase(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', values['redis-db']);
  const redis = new Redis(redisUrl);
  cleanups.unshift(() => redis.quit());
  const keys = bufferKeys();
  const clearRedis = async () => {
    const found = await redis.keys('oms:ingest:*');
    for (let i = 0; i < found.length; i += 1000) await redis.del(...found.slice(i, i + 1000));
  };
  await clearRedis();
  cleanups.unshift(clearRedis);
  await ensureGroup(redis, keys);

  // ── The OMS, as `npm start` runs it in production: separate API, worker and ingest processes ───────────
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const baseEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    TEMPORAL_ADDRESS: temporal.address,
    ADMIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    POLL_INTERVAL: '1d',
    INGEST_CONCURRENCY: values['ingest-concurrency'],
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const processes: ChildProcess[] = [];
  let consumersStarted = 0;
  let workersRunning = 0;
  const launch = (roles: string, extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin/start.ts')], {
      cwd: root,
      env: { ...baseEnv, ROLES: roles, ...extra },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Readiness from the processes' own log: each consumer and worker says when it runs.
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (values.verbose) process.stdout.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"msg":"ingest consumer started"')) consumersStarted += 1;
        if (line.includes('"msg":"worker running"')) workersRunning += 1;
      }
    });
    child.once('exit', (code, signal) => {
      if (!stopping) log(`ROLES=${roles} process exited early (${code ?? signal}); run with --verbose to see its log`);
    });
    processes.push(child);
    return child;
  };
  cleanups.unshift(() => Promise.all(processes.map((p) => stop(p))));
  launch('api');
  await waitFor(async () => (await fetch(`${apiUrl}/readyz`)).ok, 120_000, 'the API to be ready');
  const startDraining = async () => {
    launch('worker', { PORT: '0' });
    for (let i = 0; i < INGEST_PROCESSES; i++) launch('ingest', { PORT: '0' });
    await waitFor(async () => consumersStarted >= 1 + INGEST_PROCESSES && workersRunning >= 1, 300_000, 'the consumers and the worker to start');
  };
  // Normally every consumer and the worker run before the burst, as in production.
  if (!values['drain-after']) await startDraining();

  // ── Platforms: one simulator and one connected store each, orders generated up front ─────────────────
  const perPlatform = Math.ceil(PUSHES / PLATFORMS.length);
  const sims = new Map<Platform, RunningSimulator>();
  const work: { platform: Platform; channelOrderId: string }[] = [];
  const queues: { platform: Platform; channelOrderId: string }[][] = [];
  for (const [i, platform] of PLATFORMS.entries()) {
    const credentials = { appKey: `bench-${platform}-key`, appSecret: `bench-${platform}-secret`, pushToken: `bench-${platform}-token` };
    const shopId = platform === 'wechat' ? 'gh_benchshop0001' : String(7_000_000 + i);
    const running = await startSimulator(platform, { ...credentials, shopId, skus: SKUS, seed: 1000 + i });
    sims.set(platform, running);
    cleanups.unshift(() => running.close());
    // Retried: an idle keep-alive socket the API has just closed fails the first request on it.
    const res = await retry(() =>
      fetch(`${apiUrl}/v1/stores`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ platform, shopId, ...credentials, baseUrl: running.baseUrl }),
      }),
    );
    if (!res.ok) throw new Error(`store not connected: ${await res.text()}`);
    const queue: { platform: Platform; channelOrderId: string }[] = [];
    for (let n = 0; n < perPlatform && queues.flat().length + queue.length < PUSHES; n++) {
      queue.push({ platform, channelOrderId: running.sim.idOf(running.sim.addOrder(running.sim.generateOrder())) });
    }
    queues.push(queue);
  }
  // Mixed: the platforms' pushes interleaved, as a sale on every channel at once would send them.
  for (let n = 0; n < perPlatform; n++) for (const queue of queues) if (queue[n]) work.push(queue[n]!);
  const expected = new Set(work.map((w) => workflowIdOf(orderIdOf(w.platform, w.channelOrderId))));
  log(`${work.length} orders on ${PLATFORMS.length} platforms; ${1 + INGEST_PROCESSES} consumers; burst with ${CONCURRENCY} connections`);

  // ── The burst ─────────────────────────────────────────────────────────────────────────────────────────
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let acked = 0;
  let next = 0;
  const drain: { t: number; handed: number }[] = [];
  const started = performance.now();
  let burstEnded = 0;
  let drainedAt = 0;
  const sampler = setInterval(() => {
    void backlogOf(redis, keys).then(({ length }) => {
      const handed = acked - length;
      drain.push({ t: performance.now() - started, handed });
      if (burstEnded && length === 0 && !drainedAt) drainedAt = performance.now() - started;
    });
  }, 250);
  const sender = async () => {
    for (let item = work[next++]; item !== undefined; item = work[next++]) {
      const push = sims.get(item.platform)!.sim.signedPush({ kind: 'paid', channelOrderId: item.channelOrderId });
      const query = new URLSearchParams(push.query).toString();
      const t0 = performance.now();
      try {
        const res = await fetch(`${apiUrl}/v1/webhooks/${item.platform}${query ? `?${query}` : ''}`, { method: 'POST', headers: push.headers, body: push.body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status === 200) acked += 1;
        else failures.set(`HTTP ${res.status}`, (failures.get(`HTTP ${res.status}`) ?? 0) + 1);
      } catch (err) {
        failures.set((err as Error).message, (failures.get((err as Error).message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  burstEnded = performance.now() - started;
  log(`burst done: ${acked} acknowledged in ${(burstEnded / 1000).toFixed(1)} s`);
  let drainStarted = 0;
  if (values['drain-after']) {
    await startDraining();
    drainStarted = performance.now() - started;
    log('worker and consumers started; draining');
  }
  await waitFor(async () => drainedAt > 0, 6 * 3600_000, 'the buffer to drain', () => {
    const last = drain.at(-1);
    return last ? `${last.handed} of ${acked} handed to Temporal` : '';
  });
  clearInterval(sampler);
  log(`buffer drained at ${(drainedAt / 1000).toFixed(1)} s`);

  // ── Counting: Temporal ────────────────────────────────────────────────────────────────────────────────
  const runsById = new Map<string, number>();
  await waitFor(async () => (await client.workflow.count('WorkflowType = "orderWorkflow"')).count >= expected.size, 300_000, 'Temporal visibility to catch up');
  for await (const wf of client.workflow.list({ query: 'WorkflowType = "orderWorkflow"', pageSize: 1000 })) {
    runsById.set(wf.workflowId, (runsById.get(wf.workflowId) ?? 0) + 1);
  }
  const temporalLost = [...expected].filter((id) => !runsById.has(id)).length;
  const temporalDuplicated = [...runsById.values()].reduce((sum, n) => sum + n - 1, 0);
  const temporalUnexpected = [...runsById.keys()].filter((id) => !expected.has(id)).length;

  // ── Counting: PostgreSQL (the workflows record themselves; the worker may still be catching up) ───────
  const settleStart = performance.now();
  let recorded = 0;
  await waitFor(
    async () => {
      recorded = Number((await database.pool.query('SELECT count(*) FROM orders')).rows[0].count);
      return recorded >= expected.size;
    },
    SETTLE_MS,
    'the workers to record every order in PostgreSQL',
    () => `${recorded} of ${expected.size} recorded`,
  ).catch((err: Error) => log(err.message));
  const settledMs = performance.now() - settleStart;
  const settledAll = recorded >= expected.size;
  const rows = (await database.pool.query<{ workflow_id: string; received: string }>(
    `SELECT o.workflow_id, (SELECT count(*) FROM order_events e WHERE e.order_id = o.order_id AND e.type = 'ORDER_RECEIVED') AS received FROM orders o`,
  )).rows;
  const pgIds = new Set(rows.map((r) => r.workflow_id));
  const pgLost = [...expected].filter((id) => !pgIds.has(id)).length;
  const pgDuplicated = rows.length - pgIds.size + rows.reduce((sum, r) => sum + Math.max(0, Number(r.received) - 1), 0);

  // ── Report ────────────────────────────────────────────────────────────────────────────────────────────
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const steady = values['drain-after'] ? NaN : steadyDrainRate(drain, burstEnded);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end`;
  const report = [
    ['pushes sent', String(work.length)],
    ['pushes acknowledged', `${acked} (${[...failures].map(([k, v]) => `${v} × ${k}`).join(', ') || 'no failures'})`],
    ['acknowledged per second', (acked / (burstEnded / 1000)).toFixed(0)],
    ['ack latency p50 / p99 / max', `${pct(50).toFixed(1)} ms / ${pct(99).toFixed(1)} ms / ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`],
    [
      'drain into running workflows',
      values['drain-after']
        ? `${(expected.size / ((drainedAt - drainStarted) / 1000)).toFixed(0)} orders/s (consumers started after the burst; ${((drainedAt - drainStarted) / 1000).toFixed(1)} s to empty the buffer)`
        : `${(expected.size / (drainedAt / 1000)).toFixed(0)} orders/s overall (first push to empty buffer, ${(drainedAt / 1000).toFixed(1)} s); ${steady.toFixed(0)} orders/s during the burst`,
    ],
    [
      'orders lost (Temporal / PostgreSQL)',
      `${temporalLost} / ${settledAll ? pgLost : `not counted: ${pgLost} not recorded yet when --settle ran out (the workers were still running them)`}`,
    ],
    ['orders duplicated (Temporal / PostgreSQL)', `${temporalDuplicated} / ${pgDuplicated}`],
    ['unexpected workflows', String(temporalUnexpected)],
    ['recorded in PostgreSQL by the workflows', `${recorded} of ${expected.size}, ${(settledMs / 1000).toFixed(0)} s after the buffer drained`],
    ['the seed (old ERP + Redis queue)', `${SEED_ORDERS_PER_SECOND} orders/s persisted`],
    ['machine', machine],
  ];
  console.log('\n' + report.map(([k, v]) => `  ${k!.padEnd(42)} ${v}`).join('\n') + '\n');
  process.exitCode = temporalLost + (settledAll ? pgLost : 0) + temporalDuplicated + pgDuplicated === 0 && acked === work.length ? 0 : 1;
}

/** Orders handed to Temporal per second while pushes were still arriving (between 10% and 90% of the burst). */
function steadyDrainRate(samples: { t: number; handed: number }[], burstMs: number): number {
  const inside = samples.filter((s) => s.t >= burstMs * 0.1 && s.t <= burstMs * 0.9);
  const first = inside[0];
  const last = inside.at(-1);
  if (!first || !last || last.t === first.t) return NaN;
  return (last.handed - first.handed) / ((last.t - first.t) / 1000);
}

async function retry<T>(attempt: () => Promise<T>, times = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= times) throw err;
    }
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, progress?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${progress ? ` (${progress()})` : ''}`);
    if (progress && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`waiting for ${what}: ${progress()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function cleanup() {
  stopping = true;
  for (const step of cleanups) {
    try {
      await step();
    } catch (err) {
      console.error('cleanup:', (err as Error).message);
    }
  }
}

process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => void cleanup());
