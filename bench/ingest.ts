/**
 * Peak-load benchmark: `npm run bench:ingest -- [--sku mixed|hot] [--mode embedded|redis] [--temporal file|memory|HOST:PORT]
 *                                              [--pushes 30000] [--concurrency 64] [--workers 1] [--api-alone] [--ceiling 2000]
 *                                              [--client-warm-up 3000]`
 *
 * A live-stream burst of signed "paid" webhook pushes (five platforms interleaved: Taobao, Tmall, PDD, Douyin,
 * WeChat) against a real OMS started as a user starts it (`bin/start.ts` in child processes), measured end to end:
 *
 *   bench ── signed pushes (64 connections) ──▶ OMS API ──▶ intake: order rows + stock holds (PostgreSQL) ──▶ ack
 *   (platform simulators: order details,       order starter ──▶ Temporal ──▶ order workflows (allocate, pick task)
 *    and the stores told the stock)           stock sync ──▶ every store selling the SKU
 *
 * `--mode embedded` (default) is `npm start` without REDIS_URL: one process, the push acknowledged once its order
 * is recorded and held. `--mode redis` acknowledges after the Redis append; the worker's consumer records and
 * holds. `--temporal file` (default) lets the OMS start its own file-backed dev server as `npm start` does;
 * `memory` runs an in-memory one; `HOST:PORT` uses an existing server (e.g. `npm run temporal:server`).
 * `--sku hot`: every order is for one SKU whose stock runs out a third of the way through the burst (the
 * live-stream case: holds serialise on one SKU, and every store must be told 0). `--api-alone`: the workers
 * start only once the burst is over, so the acknowledgement rate is the API's own. Before the burst the load
 * generator warms up as the platforms' long-running senders are (`--client-warm-up`, default 3,000 pushes to a
 * stand-in server of its own, then its connections to the API opened); `--client-warm-up 0` starts it cold.
 *
 * Prints: pushes acknowledged per second and ack latency p50/p99; orders recorded with their stock held per
 * second; ack → held; ack → channel stock update (hot: the push that took the last unit → every store told 0;
 * all orders: accepted → all channels updated); workflows caught up (orders reaching ALLOCATED / PICKING /
 * BACKORDERED) per second, the engine's ceiling measured on the same server in the same run (a bare workflow
 * of the same shape, bench/temporal-ceiling) and the ratio; workflow and activity tasks per order from intake
 * to PICKING; orders lost, duplicated, oversold.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: only its default export is reliable under Node's ESM loader
import { Redis } from 'ioredis';
import pg from 'pg';
import { Pool } from 'undici';
import { START_ARGS } from '../bin/node-flags';
import { startSimulator, type RunningSimulator } from '../channels/simulators';
import type { Platform } from '../channels/types';
import { connectDatabase, migrateDatabase } from '../db/client';
import { orderIdOf } from '../domain/order';
import { orderWorkflowId } from '../workflows/contract';
import { adminQuery, freePort, withDatabase } from '../infra/net';
import { findTemporalCli, startDevServer } from '../temporal/dev-server';
import { progress } from '../infra/progress';
import { measureCeiling, type CeilingResult } from './temporal-ceiling/measure';
import { percentile } from './stats';

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '30000' },
    concurrency: { type: 'string', default: '64' },
    sku: { type: 'string', default: 'mixed' },
    mode: { type: 'string', default: 'embedded' },
    temporal: { type: 'string', default: 'file' },
    /** Worker processes (order workflows, the order starter and, with Redis, a consumer each). */
    workers: { type: 'string', default: '1' },
    /** API_PROCESSES of the OMS (default: npm start's own, 1). */
    'api-processes': { type: 'string' },
    'api-alone': { type: 'boolean', default: false },
    /** Pushes the load generator sends to a stand-in of its own before the burst, to warm up (0: starts cold). */
    'client-warm-up': { type: 'string', default: '3000' },
    /** Pushes per second at most (a paced stream instead of a flood); 0 = as fast as the connections go. */
    rate: { type: 'string', default: '0' },
    /** Units of the hot SKU in stock (default: a third of the pushes). */
    'hot-stock': { type: 'string' },
    /** Workflows for the ceiling measurement (0 skips it). */
    ceiling: { type: 'string', default: '2000' },
    'redis-db': { type: 'string', default: '15' },
    /** Seconds to wait for the workflows to catch up after the burst. */
    settle: { type: 'string', default: '3600' },
    verbose: { type: 'boolean', default: false },
  },
});
const PUSHES = Number(values.pushes);
const CONCURRENCY = Number(values.concurrency);
const HOT = values.sku === 'hot';
const REDIS = values.mode === 'redis';
const WORKERS = Math.max(1, Number(values.workers));
const API_ALONE = values['api-alone'];
const RATE = Number(values.rate);
/** Answers counted as the cold start (JIT, connection pools, caches) when the warm ack latency is printed. */
const COLD_START = 1_000;
const HOT_STOCK = Number(values['hot-stock'] ?? Math.floor(PUSHES / 3));
const SEED_ORDERS_PER_SECOND = 500;
const RUN_SEED = Date.now() % 1_000_000_007;
const PLATFORMS: readonly Platform[] = ['taobao', 'tmall', 'pdd', 'douyin', 'wechat'];
const HOT_SKU = 'LIVE-EARBUDS-X1';
const MIXED_SKUS = ['SKU-TEE-S', 'SKU-TEE-M', 'SKU-TEE-L', 'SKU-CUP-500', 'SKU-TEA-250', 'SKU-MASK-10', 'SKU-SOCK-3'];
const SKUS = HOT ? [HOT_SKU] : MIXED_SKUS;
const WAREHOUSES = [
  { id: 'HZ1', name: '杭州仓', province: '浙江省', city: '杭州市' },
  { id: 'GZ1', name: '广州仓', province: '广东省', city: '广州市' },
];
const ADMIN_KEY = `bench-admin-${randomBytes(8).toString('hex')}`;
const root = fileURLToPath(new URL('..', import.meta.url));
const { EventType } = proto.temporal.api.enums.v1;

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
  const q = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await database.pool.query<T>(text, params)).rows;

  const dataDir = mkdtempSync(join(tmpdir(), 'oms-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  // Temporal: the OMS's own file-backed dev server (as `npm start`), an in-memory one, or a given address.
  let temporalAddress: string;
  const devPort = await freePort();
  const ownServer = values.temporal === 'file';
  if (ownServer) temporalAddress = `127.0.0.1:${devPort}`;
  else if (values.temporal === 'memory') {
    const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    if (!cliPath) throw new Error('Temporal CLI not found (TEMPORAL_CLI_PATH)');
    const temporal = await startDevServer({ cliPath, port: devPort });
    cleanups.unshift(() => temporal.stop());
    temporalAddress = temporal.address;
  } else temporalAddress = values.temporal!;

  let redisUrl: string | undefined;
  if (REDIS) {
    redisUrl = withDatabase(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', values['redis-db']);
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    cleanups.unshift(async () => {
      await redis.flushdb();
      await redis.quit();
    });
  }

  // ── The OMS, started as a user starts it ──────────────────────────────────────────────────────────────
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const baseEnv: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ADMIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    POLL_INTERVAL: '1d',
    PORT: String(port),
    HOST: '127.0.0.1',
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(await freePort()),
  };
  if (!redisUrl) delete baseEnv.REDIS_URL;
  if (values['api-processes']) baseEnv.API_PROCESSES = values['api-processes'];
  if (!ownServer) baseEnv.TEMPORAL_ADDRESS = temporalAddress;
  const processes: ChildProcess[] = [];
  const launch = (roles: string, extra: Record<string, string> = {}) => {
    // OMS_CPU_PROF=<dir>: a V8 CPU profile of each OMS process, written when it stops.
    const profile = process.env.OMS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.OMS_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...profile, ...START_ARGS], {
      cwd: root,
      env: { ...baseEnv, ROLES: roles, ...extra },
      stdio: ['ignore', values.verbose ? 'inherit' : 'ignore', 'inherit'],
    });
    child.once('exit', (code, signal) => {
      if (!stopping) log(`ROLES=${roles} process exited early (${code ?? signal}); run with --verbose to see its log`);
    });
    processes.push(child);
    return child;
  };
  cleanups.unshift(() => Promise.all(processes.map((p) => stop(p))));
  const firstRoles = API_ALONE || REDIS ? 'api' : 'api,worker';
  launch(firstRoles);
  await waitFor(async () => (await fetch(`${apiUrl}/readyz`)).ok, 180_000, 'the OMS API to be ready');
  // Every other process talks to the Temporal server the first one runs (or was given).
  baseEnv.TEMPORAL_ADDRESS = temporalAddress;
  const startWorkers = async () => {
    const extra = firstRoles === 'api,worker' ? WORKERS - 1 : WORKERS;
    for (let i = 0; i < extra; i++) launch('worker', { PORT: '0' });
    // A worker is up once its starter claims; give the processes time to bundle and poll.
    await new Promise((r) => setTimeout(r, extra > 0 ? 8_000 : 0));
  };
  if (!API_ALONE) await startWorkers();

  const connection = await Connection.connect({ address: temporalAddress });
  cleanups.unshift(() => connection.close());
  const client = new Client({ connection, namespace: 'default' });
  const api = (method: string, path: string, body?: unknown) =>
    retry(() =>
      fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (res) => {
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
        return res.json() as Promise<unknown>;
      }),
    );

  // ── Stock, warehouses, and one simulator shop per platform selling the SKUs ───────────────────────────
  for (const w of WAREHOUSES) await api('POST', '/v1/warehouses', w);
  const stockOf = new Map<string, number>();
  for (const sku of SKUS) {
    const total = HOT ? HOT_STOCK : PUSHES * 2;
    stockOf.set(sku, total);
    const first = Math.ceil(total / 2);
    await api('PUT', `/v1/inventory/HZ1/${sku}`, { onHand: first });
    await api('PUT', `/v1/inventory/GZ1/${sku}`, { onHand: total - first });
  }
  const perPlatform = Math.ceil(PUSHES / PLATFORMS.length);
  const sims = new Map<Platform, RunningSimulator>();
  const queues: { platform: Platform; channelOrderId: string }[][] = [];
  for (const [i, platform] of PLATFORMS.entries()) {
    const credentials = { appKey: `bench-${platform}-key`, appSecret: `bench-${platform}-secret`, pushToken: `bench-${platform}-token` };
    const shopId = platform === 'wechat' ? 'gh_benchshop0001' : String(7_000_000 + i);
    // A seed per run: order ids (hence workflow ids) of one run never meet a previous run's on a server that keeps them.
    const running = await startSimulator(platform, { ...credentials, shopId, skus: SKUS, seed: RUN_SEED + i });
    sims.set(platform, running);
    cleanups.unshift(() => running.close());
    const store = (await api('POST', '/v1/stores', { platform, shopId, ...credentials, baseUrl: running.baseUrl })) as { storeId: string };
    await api('PUT', `/v1/stores/${store.storeId}/skus`, { skus: SKUS });
    const queue: { platform: Platform; channelOrderId: string }[] = [];
    for (let n = 0; n < perPlatform && queues.flat().length + queue.length < PUSHES; n++) {
      queue.push({ platform, channelOrderId: running.sim.idOf(running.sim.addOrder(running.sim.generateOrder({ skus: SKUS }))) });
    }
    queues.push(queue);
  }
  const work: { platform: Platform; channelOrderId: string }[] = [];
  for (let n = 0; n < perPlatform; n++) for (const queue of queues) if (queue[n]) work.push(queue[n]!);
  const expected = new Set(work.map((w) => orderIdOf(w.platform, w.channelOrderId)));
  // The stores have been told the starting stock: what comes after the burst starts is what we measure.
  await new Promise((r) => setTimeout(r, 3_000));
  const pushesBefore = new Map([...sims].map(([p, s]) => [p, s.sim.stockPushes.length]));
  log(
    `${work.length} orders (${HOT ? `all for ${HOT_SKU}, ${HOT_STOCK} in stock` : `${SKUS.length} SKUs`}) on ${PLATFORMS.length} platforms; ` +
      `${REDIS ? 'Redis buffer' : 'embedded (no Redis)'}, Temporal ${values.temporal}, ${WORKERS} worker process(es); ${CONCURRENCY} connections${API_ALONE ? ', API alone during the burst' : ''}`,
  );

  // ── The burst ─────────────────────────────────────────────────────────────────────────────────────────
  const ackAt = new Map<string, number>();
  const latencies: number[] = [];
  let retried = 0;
  const failures = new Map<string, number>();
  const persisted: { t: number; n: number }[] = [];
  let next = 0;
  // The platforms sign on their own machines: the pushes are signed before the burst (well inside the 5-minute
  // timestamp window), so the load generator spends its share of the two cores sending, not hashing.
  const signStarted = performance.now();
  const signed = work.map((item) => {
    const push = sims.get(item.platform)!.sim.signedPush({ kind: 'paid', channelOrderId: item.channelOrderId });
    const query = new URLSearchParams(push.query).toString();
    return { item, path: `/v1/webhooks/${item.platform}${query ? `?${query}` : ''}`, headers: push.headers, body: push.body };
  });
  log(`${signed.length} pushes signed in ${((performance.now() - signStarted) / 1000).toFixed(1)} s`);
  // The platforms' senders are long-running and warm, their connections open: so is the load generator before
  // the burst (its first pushes would otherwise measure its own start, not the API's).
  const warmUp = await warmLoadGenerator(apiUrl, signed, Number(values['client-warm-up']));
  if (warmUp.pushes > 0) log(`load generator warmed: ${warmUp.pushes} pushes to a stand-in of its own in ${(warmUp.ms / 1000).toFixed(1)} s, ${CONCURRENCY} connections to the API opened`);
  const started = Date.now();
  const sampler = setInterval(() => {
    void q<{ n: string }>('select count(*) as n from orders').then(([r]) => persisted.push({ t: Date.now(), n: Number(r!.n) }));
  }, 250);
  const sender = async () => {
    for (let n = next++, push = signed[n]; push !== undefined; n = next++, push = signed[n]) {
      // Paced: push n goes out no earlier than n / RATE seconds after the start.
      if (RATE > 0) {
        const due = started + (n * 1000) / RATE - Date.now();
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
      try {
        // A 503 (the intake is behind, or a dependency is down) is retried after its Retry-After, as platforms do.
        let status = 0;
        for (let attempt = 1; attempt <= 10; attempt++) {
          const t0 = performance.now();
          status = await post(apiUrl, push.path, push.headers, push.body);
          latencies.push(performance.now() - t0);
          if (status !== 503) break;
          retried += 1;
          await new Promise((r) => setTimeout(r, 1_000));
        }
        if (status === 200) ackAt.set(orderIdOf(push.item.platform, push.item.channelOrderId), Date.now());
        else failures.set(`HTTP ${status}`, (failures.get(`HTTP ${status}`) ?? 0) + 1);
      } catch (err) {
        failures.set((err as Error).message, (failures.get((err as Error).message) ?? 0) + 1);
      }
    }
  };
  // Whether the load generator kept up: its own event loop's delay during the burst.
  const generatorDelay = monitorEventLoopDelay({ resolution: 10 });
  generatorDelay.enable();
  const cpuBefore = cpuTimes(dataDir);
  const burstBar = progress('burst', signed.length, { unit: 'pushes' });
  const ticking = setInterval(() => burstBar.set(ackAt.size + [...failures.values()].reduce((a, b) => a + b, 0)), 100);
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  clearInterval(ticking);
  burstBar.set(signed.length);
  burstBar.finish();
  const burstMs = Date.now() - started;
  const burstCpu = cpuSpent(cpuBefore, cpuTimes(dataDir));
  generatorDelay.disable();
  const cpuPerPush = Object.entries(burstCpu).map(([who, ms]) => `${who} ${(ms / work.length).toFixed(2)} ms`).join(', ');
  // The tail over the burst: p99 of each tenth in the order the answers came (the first holds the cold start).
  const tenth = Math.ceil(latencies.length / 10);
  const p99ByTenth = Array.from({ length: 10 }, (_, i) => percentile(latencies.slice(i * tenth, (i + 1) * tenth), 0.99).toFixed(0)).join(' ');
  log(`ack p99 by tenth of the burst: ${p99ByTenth} ms`);
  // After the cold start (JIT, connection pools, caches): the answers after the first COLD_START.
  const warm = latencies.slice(COLD_START);
  log(`burst done: ${ackAt.size} acknowledged in ${(burstMs / 1000).toFixed(1)} s (${Math.round(ackAt.size / (burstMs / 1000))}/s; ack p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, after the first ${COLD_START}: p50 ${percentile(warm, 0.5).toFixed(1)} ms, p99 ${percentile(warm, 0.99).toFixed(1)} ms; CPU per push: ${cpuPerPush}; load generator's event-loop delay p99 ${(generatorDelay.percentile(99) / 1e6).toFixed(0)} ms)`);
  if (API_ALONE) await startWorkers();

  // ── Recorded and held ─────────────────────────────────────────────────────────────────────────────────
  await waitFor(async () => (persisted.at(-1)?.n ?? 0) >= expected.size, 3600_000, 'every order to be recorded', () => `${persisted.at(-1)?.n ?? 0} of ${expected.size}`);
  const persistedAllAt = persisted.find((s) => s.n >= expected.size)!.t;
  clearInterval(sampler);
  const heldRows = await q<{ order_id: string; held_at: Date }>(`select order_id, min(created_at) as held_at from stock_holds group by order_id`);
  const ackToHeld = heldRows.flatMap((h) => (ackAt.has(h.order_id) ? [Math.max(0, h.held_at.getTime() - ackAt.get(h.order_id)!)] : []));

  // ── Workflows catching up: every order allocated (or backordered, or merged as a duplicate) ────────────
  const settledStatuses = `('ALLOCATED','PICKING','BACKORDERED','AWAITING_TRANSFER','AWAITING_PURCHASE','MERGED')`;
  const countSettled = async () => Number((await q<{ n: string }>(`select count(*) as n from orders where status in ${settledStatuses}`))[0]!.n);
  const catchUpCpuBefore = cpuTimes(dataDir);
  const settledBefore = await countSettled();
  let caughtUp = 0;
  await waitFor(
    async () => {
      caughtUp = await countSettled();
      return caughtUp >= expected.size;
    },
    Number(values.settle) * 1000,
    'the workflows to catch up',
    () => `${caughtUp} of ${expected.size}`,
  ).catch((err: Error) => log(err.message));
  // Where the CPU goes while the workflows catch up (the burst is over: this is the per-order cost behind it).
  const catchUpCpu = cpuSpent(catchUpCpuBefore, cpuTimes(dataDir));
  const settledMeanwhile = caughtUp - settledBefore;
  const cpuPerOrder =
    settledMeanwhile >= 100
      ? `${Object.entries(catchUpCpu).map(([who, ms]) => `${who} ${(ms / settledMeanwhile).toFixed(1)} ms`).join(', ')} (${settledMeanwhile} orders)`
      : '— (too few orders caught up in --settle)';
  const reached = (await q<{ at: Date }>(`select min(at) as at from order_events where type in ('ALLOCATED','BACKORDERED','TRANSFER_CREATED','PURCHASE_CREATED','MERGED') group by order_id order by 1`)).map((r) => r.at.getTime());
  const catchUpRate = steadyRate(reached);

  // ── Channels: the push that took the last unit → every store told 0 (hot); accepted → all channels (all) ─
  await new Promise((r) => setTimeout(r, 3_000));
  let freeze: { ms: number; heldMs: number | undefined; stores: number; toldZero: number; positiveAfterZero: number } | undefined;
  if (HOT) {
    const [last] = await q<{ order_id: string }>(`select order_id from stock_holds where sku = $1 order by id desc limit 1`, [HOT_SKU]);
    const lastAck = last ? ackAt.get(last.order_id) : undefined;
    let worst = 0;
    let toldZero = 0;
    let positiveAfterZero = 0;
    for (const [platform, running] of sims) {
      const pushes = running.sim.stockPushes.slice(pushesBefore.get(platform)).filter((p) => p.sku === HOT_SKU);
      const zeroAt = pushes.findIndex((p) => p.quantity === 0);
      if (zeroAt < 0) continue;
      toldZero += 1;
      positiveAfterZero += pushes.slice(zeroAt).filter((p) => p.quantity > 0).length;
      if (lastAck !== undefined) worst = Math.max(worst, pushes[zeroAt]!.at - lastAck);
    }
    const lastHeld = last ? heldRows.find((h) => h.order_id === last.order_id)?.held_at.getTime() : undefined;
    const heldMs = lastHeld !== undefined && lastAck !== undefined ? lastHeld - lastAck : undefined;
    freeze = { ms: Math.max(0, worst), heldMs, stores: sims.size, toldZero, positiveAfterZero };
  }
  const channelLatency = (
    (await api('GET', `/v1/stock-sync/latency?since=${new Date(started - 60_000).toISOString()}`)) as {
      orderAcceptedToChannelsUpdated: { count: number; p50Ms: number | null; p99Ms: number | null };
    }
  ).orderAcceptedToChannelsUpdated;

  // ── Tasks per order (sampled histories), lost, duplicated, oversold ───────────────────────────────────
  // Orders whose workflow has reached allocation: their whole history so far is intake → PICKING (or BACKORDERED).
  const sample = (await q<{ order_id: string }>(`select order_id from orders where status in ${settledStatuses} order by random() limit 30`)).map((r) => r.order_id);
  const tasks = { workflowTasks: 0, activityTasks: 0, localActivities: 0, sampled: 0 };
  for (const orderId of sample) {
    const history = await client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory().catch(() => undefined);
    if (!history) continue;
    tasks.sampled += 1;
    for (const e of history.events ?? []) {
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) tasks.workflowTasks += 1;
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) tasks.activityTasks += 1;
      if (e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === 'core_local_activity') tasks.localActivities += 1;
    }
  }
  const pgOrders = await q<{ order_id: string; received: string }>(
    `select o.order_id, (select count(*) from order_events e where e.order_id = o.order_id and e.type = 'ORDER_RECEIVED') as received from orders o`,
  );
  const pgIds = new Set(pgOrders.map((r) => r.order_id));
  const lostPg = [...expected].filter((id) => !pgIds.has(id)).length;
  const duplicatedPg = pgOrders.reduce((sum, r) => sum + Math.max(0, Number(r.received) - 1), 0);
  const intake = await q<{ unstarted: string }>(`select count(*) filter (where started_at is null) as unstarted from order_intake`);
  let inTemporal = 0;
  for await (const wf of client.workflow.list({ query: 'WorkflowType = "orderWorkflow"', pageSize: 1000 })) if (expected.has(wf.workflowId.slice('order-'.length))) inTemporal += 1;
  const committed = await q<{ sku: string; on_hand: string; committed: string }>(`
    select i.sku, sum(i.on_hand) as on_hand,
      sum(i.reserved + i.held) + coalesce((select sum(quantity) from reservations r where r.sku = i.sku and r.status = 'consumed'), 0) as committed
    from inventory i group by i.sku`);
  const oversold = committed.reduce((sum, r) => sum + Math.max(0, Number(r.committed) - (stockOf.get(r.sku) ?? Number(r.on_hand))), 0);
  const promised = HOT ? Number((await q<{ n: string }>(`select count(*) as n from orders where status in ('ALLOCATED','PICKING')`))[0]!.n) : undefined;

  // ── The engine's ceiling, same server, same run ───────────────────────────────────────────────────────
  let ceiling: CeilingResult | undefined;
  if (Number(values.ceiling) > 0) {
    log('measuring the ceiling: a bare workflow of the same shape on the same server');
    ceiling = await measureCeiling({ address: temporalAddress, namespace: 'default', workflows: Number(values.ceiling), concurrency: 64, workerProcesses: WORKERS });
  }

  // ── Report ────────────────────────────────────────────────────────────────────────────────────────────
  latencies.sort((a, b) => a - b);
  const pct = (xs: number[], p: number) => percentile(xs, p / 100);
  const firstAck = Math.min(...ackAt.values());
  const persistedRate = expected.size / ((persistedAllAt - started) / 1000);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end`;
  const report: [string, string][] = [
    ['run', `${HOT ? `hot SKU (${HOT_STOCK} units for ${work.length} orders)` : 'mixed SKUs'}${RATE > 0 ? `, paced at ${RATE} pushes/s` : ''}, ${REDIS ? 'Redis buffer' : 'embedded, no Redis'}, Temporal ${values.temporal}, ${WORKERS} worker process(es), API_PROCESSES=${values['api-processes'] ?? '1'}${API_ALONE ? ', API alone during the burst' : ''}`],
    ['pushes acknowledged', `${ackAt.size} of ${work.length} (${[...failures].map(([k, v]) => `${v} × ${k}`).join(', ') || 'no failures'}; ${retried} retried after a 503)`],
    ['acknowledged per second', (ackAt.size / (burstMs / 1000)).toFixed(0)],
    ['ack latency p50 / p99', `${pct(latencies, 50).toFixed(1)} ms / ${pct(latencies, 99).toFixed(1)} ms (after the first ${COLD_START} answers: ${pct(warm, 50).toFixed(1)} ms / ${pct(warm, 99).toFixed(1)} ms)`],
    ['CPU per push during the burst', cpuPerPush],
    ['CPU per order while catching up', cpuPerOrder],
    ['recorded with stock held', `${persistedRate.toFixed(0)} orders/s (all ${expected.size} recorded ${((persistedAllAt - firstAck) / 1000).toFixed(1)} s after the first ack; the seed: ${SEED_ORDERS_PER_SECOND}/s)`],
    ['ack → held p50 / p99', `${pct(ackToHeld, 50).toFixed(0)} ms / ${pct(ackToHeld, 99).toFixed(0)} ms (${heldRows.length} orders held)`],
    ...(freeze
      ? [['ack of the last unit → every store told 0', `${freeze.ms} ms (its hold ${freeze.heldMs ?? '–'} ms after its ack; ${freeze.toldZero} of ${freeze.stores} stores told 0; ${freeze.positiveAfterZero} positive counts after a 0)`] as [string, string]]
      : []),
    ['accepted → all channels updated p50 / p99', `${channelLatency.p50Ms ?? '–'} ms / ${channelLatency.p99Ms ?? '–'} ms (${channelLatency.count} orders measured)`],
    ['workflows caught up', `${catchUpRate.toFixed(1)} orders/s (${caughtUp} of ${expected.size} allocated, backordered or merged)`],
    ...(ceiling
      ? [
          ['ceiling: bare workflow, same server', `${ceiling.perSecond.toFixed(1)} workflows/s (start, one local activity, wait for a signal; ${ceiling.workflows} workflows)`] as [string, string],
          ['catch-up / ceiling', `${((catchUpRate / ceiling.perSecond) * 100).toFixed(0)}%`] as [string, string],
        ]
      : []),
    [
      'tasks per order, intake → PICKING',
      `${(tasks.workflowTasks / tasks.sampled).toFixed(1)} workflow tasks, ${(tasks.activityTasks / tasks.sampled).toFixed(1)} activity tasks, ${(tasks.localActivities / tasks.sampled).toFixed(1)} local activities (${tasks.sampled} histories)`,
    ],
    ['lost', `${lostPg} in PostgreSQL, ${expected.size - inTemporal} not in Temporal (${intake[0]?.unstarted ?? 0} still waiting for their start)`],
    ['duplicated', `${duplicatedPg}`],
    ['oversold', `${oversold} units${promised !== undefined ? ` (${promised} orders allocated for ${HOT_STOCK} units)` : ''}`],
    ['machine', machine],
  ];
  console.log('\n' + report.map(([k, v]) => `  ${k.padEnd(42)} ${v}`).join('\n') + '\n');
  process.exitCode = lostPg + duplicatedPg + oversold === 0 && ackAt.size === work.length ? 0 : 1;
}

type CpuTimes = Record<string, number>;

/**
 * CPU milliseconds spent so far by: the OMS processes of this run (found by their DATA_DIR; the API processes
 * `npm start` forks apart from the rest), this load generator (with its simulators), PostgreSQL (every backend)
 * and the Temporal server — read from /proc, so only on Linux (empty elsewhere).
 */
function cpuTimes(dataDir: string): CpuTimes {
  if (!existsSync('/proc/self/stat')) return {};
  const read = (pid: string, file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return undefined; // gone meanwhile
    }
  };
  const ms = (stat: string) => {
    const fields = stat.replace(/^.*\) /s, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at 100 ticks a second
  };
  const own = process.cpuUsage();
  const out: CpuTimes = { 'load generator': (own.user + own.system) / 1000 };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const comm = read(pid, 'comm')?.trim();
    let who = comm === 'postgres' ? 'PostgreSQL' : comm === 'temporal' ? 'Temporal' : undefined;
    if (comm === 'node') {
      const environ = new Map((read(pid, 'environ') ?? '').split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      if (environ.get('DATA_DIR') !== dataDir) continue;
      // node:cluster marks the processes it forks.
      who = environ.has('NODE_UNIQUE_ID') ? 'OMS API processes' : `OMS ${environ.get('ROLES') ?? ''}`;
    }
    const stat = who ? read(pid, 'stat') : undefined;
    if (who && stat) out[who] = (out[who] ?? 0) + ms(stat);
  }
  return out;
}

function cpuSpent(before: CpuTimes, after: CpuTimes): CpuTimes {
  return Object.fromEntries(Object.entries(after).map(([who, ms]) => [who, ms - (before[who] ?? 0)]));
}

/** Events per second between the 10th and the 90th percentile of their times (the steady middle of a run). */
function steadyRate(times: number[]): number {
  if (times.length < 10) return NaN;
  const sorted = [...times].sort((a, b) => a - b);
  const lo = sorted[Math.floor(sorted.length * 0.1)]!;
  const hi = sorted[Math.floor(sorted.length * 0.9)]!;
  return hi === lo ? NaN : (sorted.length * 0.8) / ((hi - lo) / 1000);
}

/**
 * The platforms' push senders: one kept-alive connection per sender, through undici's pool. It costs the load
 * generator about half the CPU per request of `node:http` (measured here: 50–69 µs against 92–120 µs), and on
 * two cores whatever the load generator spends is taken from the API it measures.
 */
let pushPool: Pool | undefined;

function pushPoolFor(base: string): Pool {
  if (!pushPool) {
    const pool = (pushPool = new Pool(base, { connections: CONCURRENCY }));
    cleanups.unshift(() => pool.close());
  }
  return pushPool;
}

async function post(base: string, path: string, headers: Record<string, string>, body: string): Promise<number> {
  const res = await pushPoolFor(base).request({ path, method: 'POST', headers, body });
  await res.body.dump();
  return res.statusCode;
}

/**
 * Warms the load generator: `pushes` of the signed pushes sent through its HTTP client to a stand-in server of
 * its own that answers as the API does (the API sees none of them), then one request per connection to the
 * API's health check, so the burst starts on open connections. Measured (BENCHMARKS.md, 2026-12-06): cold, the
 * generator's event loop was blocked most of the burst's first second and the first tenth's p99 was 100–245 ms
 * against 41–73 ms warmed, with the API unchanged.
 */
async function warmLoadGenerator(apiUrl: string, signed: { path: string; headers: Record<string, string>; body: string }[], pushes: number): Promise<{ pushes: number; ms: number }> {
  if (pushes <= 0 || signed.length === 0) return { pushes: 0, ms: 0 };
  const started = performance.now();
  const standIn = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}'));
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const pool = new Pool(`http://127.0.0.1:${(standIn.address() as AddressInfo).port}`, { connections: CONCURRENCY });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < pushes; n = next++) {
          const push = signed[n % signed.length]!;
          const res = await pool.request({ path: push.path, method: 'POST', headers: push.headers, body: push.body });
          await res.body.dump();
        }
      }),
    );
  } finally {
    await pool.close();
    await new Promise((resolve) => standIn.close(resolve));
  }
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const res = await pushPoolFor(apiUrl).request({ path: '/healthz', method: 'GET' });
      await res.body.dump();
    }),
  );
  return { pushes, ms: performance.now() - started };
}

async function retry<T>(attempt: () => Promise<T>, times = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= times) throw err;
      await new Promise((r) => setTimeout(r, 200));
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
