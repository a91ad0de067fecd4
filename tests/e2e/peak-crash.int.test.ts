/**
 * Crashes during a live-stream peak, against the OMS as a user runs it (`bin/start.ts` in a child process,
 * ROLES=api,worker) and driven over HTTP only: a Douyin simulator shop pushes a burst of signed "paid" webhooks
 * for one hot SKU (40 units in two warehouses, 200 orders of one unit), and re-pushes whatever was not
 * acknowledged, as the platforms do. Mid-burst one piece of the stack dies:
 *
 *   1. the whole stack (kill -9 of its process group, the embedded file-backed Temporal dev server included),
 *      restarted on the same data directory and database;
 *   2. PostgreSQL (a private cluster, `pg_ctl stop -m immediate`, started again a few seconds later);
 *   3. Redis, the ingest buffer (a private `appendfsync always` server, SIGKILLed and restarted on its files);
 *   4. the Temporal server (a file-backed dev server, SIGKILLed and restarted on the same file and port).
 *
 * Whatever dies, an acknowledged push is never lost: every order is in PostgreSQL exactly once (one row, one
 * ORDER_RECEIVED, one PAYMENT_CONFIRMED), has exactly one workflow run, settles (PICKING, BACKORDERED or
 * MERGED), and the stock ledger adds up: nothing oversold, every hold ended, `inventory.held` = the held
 * holds, `inventory.reserved` = the active reservations = the units of the PICKING orders.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, expect, inject, it } from 'vitest';
import { startSimulator, type DouyinOrder, type RunningSimulator } from '../../channels/simulators';
import { orderIdOf } from '../../domain/order';
import { orderWorkflowId } from '../../workflows/contract';
import { freePort, withDatabase } from '../../infra/net';
import { findTemporalCli, startDevServer, type DevServer } from '../../temporal/dev-server';
import { launchOms, sleep, waitPortClosed, type OmsProcess } from '../support/oms-process';
import { eventually } from '../support/stack';
import { outcomesOf, startBurst, type Burst, type PushAttempt, type PushWork } from '../support/platform-pushes';
import {
  devServerPid,
  privatePostgresUnavailable,
  privateRedisUnavailable,
  startPrivatePostgres,
  startPrivateRedis,
} from '../support/private-services';

const PUSHES = 200;
const SENDERS = 16;
/** Units of the hot SKU per warehouse (two warehouses): 40 units for 200 orders of one unit. */
const STOCK_PER_WAREHOUSE = 20;
const TOTAL_STOCK = 2 * STOCK_PER_WAREHOUSE;
/** The fault strikes once this many pushes are acknowledged. */
const FAULT_AT = 70;
/** The Temporal outage starts earlier, while units are left to hold. */
const TEMPORAL_FAULT_AT = 15;
const SETTLED = new Set(['PICKING', 'BACKORDERED', 'MERGED']);
const TEST_TIMEOUT_MS = 330_000;

// ── Per-test resources, torn down in afterEach whatever happened ─────────────────────────────────────────

let cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  const steps = cleanups.reverse();
  cleanups = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      console.warn('peak-crash cleanup:', (err as Error).message);
    }
  }
}, 120_000);

interface Peak {
  label: string;
  apiUrl: string;
  env: Record<string, string>;
  /** The running OMS (replaced on restart). */
  oms: OmsProcess;
  /** The embedded dev server's port when the OMS runs its own Temporal. */
  devPort: number;
  uiPort: number;
  port: number;
  taskQueue: string;
  sku: string;
  sim: RunningSimulator;
  work: PushWork[];
  q: <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  launch(label: string): Promise<OmsProcess>;
  burst(onAck: (acked: number) => void, deadlineMs?: number): Burst;
}

interface PeakOptions {
  label: string;
  /** A PostgreSQL database to use as is; default a fresh database on the test server. */
  databaseUrl?: string;
  /** An existing Temporal server; default the OMS's own file-backed dev server in DATA_DIR. */
  temporalAddress?: string;
  redisUrl?: string;
  /** More environment for the OMS. */
  env?: Record<string, string>;
}

async function preparePeak(opts: PeakOptions): Promise<Peak> {
  const t0 = Date.now();
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    const serverUrl = inject('databaseUrl');
    const dbName = `oms_peak_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
    cleanups.push(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    databaseUrl = withDatabase(serverUrl, dbName);
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  pool.on('error', () => undefined); // the PostgreSQL test restarts the server under idle connections
  cleanups.push(() => pool.end());
  const q = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await pool.query<T>(text, params)).rows;

  const dataDir = mkdtempSync(join(tmpdir(), `oms-peak-${opts.label}-`));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${port}`;
  const adminKey = `peak-admin-${randomBytes(12).toString('hex')}`;
  const taskQueue = `peak-${opts.label}-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const k of ['REDIS_URL', 'TEMPORAL_ADDRESS', 'DATABASE_URL', 'ROLES', 'PORT', 'HOST']) delete env[k];
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: adminKey,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_OMS_LOG_LEVEL ?? 'warn', // the OMS's own log: set TEST_OMS_LOG_LEVEL=info to see it
    ROLES: 'api,worker',
    PORT: String(port),
    HOST: '127.0.0.1',
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_TASK_QUEUE: taskQueue,
    POLL_INTERVAL: '1d',
    INGEST_RECLAIM_AFTER: '3s',
    SIM_PICKUP_DELAY: '1h',
    SIM_DELIVERY_DELAY: '1h',
  });
  if (opts.temporalAddress) env.TEMPORAL_ADDRESS = opts.temporalAddress;
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
  Object.assign(env, opts.env);

  const peak = {} as Peak;
  const launch = async (label: string) => {
    const oms = launchOms(env, label);
    peak.oms = oms;
    cleanups.push(() => oms.stop(3_000));
    await oms.waitReady(apiUrl);
    return oms;
  };
  await launch(`${opts.label}`);
  const started = Date.now();

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  // Two warehouses far apart (beyond transfer reach), receivers in Hangzhou: an order held in Beijing ships
  // from Beijing, none waits for a transfer.
  const sku = `LIVE-${randomBytes(4).toString('hex').toUpperCase()}`;
  for (const w of [
    { id: 'HZ1', name: '杭州仓', province: '浙江省', city: '杭州市', lat: 30.27, lng: 120.15 },
    { id: 'BJ1', name: '北京仓', province: '北京市', city: '北京市', lat: 39.9, lng: 116.4 },
  ]) {
    await api('POST', '/v1/warehouses', w);
    await api('PUT', `/v1/inventory/${w.id}/${sku}`, { onHand: STOCK_PER_WAREHOUSE });
  }

  const shopId = String(Date.now() * 100 + Math.floor(Math.random() * 100));
  const credentials = { appKey: `peak-key-${shopId}`, appSecret: `peak-secret-${shopId}`, pushToken: `peak-token-${shopId}` };
  const sim = await startSimulator('douyin', { ...credentials, shopId, skus: [sku], seed: Math.floor(Math.random() * 2 ** 31) });
  cleanups.push(() => sim.close());
  const store = (await api('POST', '/v1/stores', { platform: 'douyin', shopId, ...credentials, baseUrl: sim.baseUrl })) as { storeId: string };
  await api('PUT', `/v1/stores/${store.storeId}/skus`, { skus: [sku] });

  // One unit of the hot SKU per order (the generator picks one to three).
  const work: PushWork[] = [];
  for (let i = 0; i < PUSHES; i++) {
    const raw = sim.sim.generateOrder({ skus: [sku], province: '浙江省', city: '杭州市', district: '西湖区' }) as DouyinOrder;
    const lines = raw.sku_order_list.map((l) => ({ ...l, item_num: 1, pay_amount: l.origin_amount }));
    const total = lines.reduce((sum, l) => sum + l.pay_amount, 0);
    const order = sim.sim.addOrder({ ...raw, sku_order_list: lines, order_amount: total, pay_amount: total } as DouyinOrder);
    const channelOrderId = sim.sim.idOf(order);
    work.push({ platform: 'douyin', channelOrderId, orderId: orderIdOf('douyin', channelOrderId) });
  }
  expect(new Set(work.map((w) => w.orderId)).size).toBe(PUSHES);

  let burst: Burst | undefined;
  Object.assign(peak, {
    label: opts.label,
    apiUrl,
    env,
    devPort,
    uiPort,
    port,
    taskQueue,
    sku,
    sim,
    work,
    q,
    launch,
    burst(onAck: (acked: number) => void, deadlineMs = 180_000) {
      burst = startBurst({ apiUrl, simulator: sim, work, concurrency: SENDERS, deadlineMs, onAck });
      cleanups.push(() => burst?.stop());
      return burst;
    },
  });
  console.info(`[${opts.label}] OMS ready and seeded in ${((started - t0) / 1000).toFixed(1)} s + ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return peak;
}

/** Resolves when the burst is over; fails at once, with its output, if the OMS process dies meanwhile. */
async function burstSurvived(peak: Peak, burst: Burst, during: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const died = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (peak.oms.exit !== undefined) {
        reject(new Error(`the OMS process died (${peak.oms.exit}) ${during}; it must survive it. Its last output:\n${peak.oms.output()}`));
      }
    }, 200);
  });
  try {
    await Promise.race([burst.done, died]);
  } finally {
    clearInterval(timer);
  }
}

function expectEveryPushAcknowledged(peak: Peak, burst: Burst): void {
  const missing = peak.work.filter((w) => !burst.acked.has(w.orderId));
  expect(missing.length, `pushes never acknowledged (outcomes ${JSON.stringify(outcomesOf(burst.attempts))}); OMS output:\n${peak.oms.output()}`).toBe(0);
}

/** Attempts sent after `from` and answered before `to`: what the OMS said while a dependency was certainly down. */
const answeredWithin = (attempts: readonly PushAttempt[], from: number, to: number) => attempts.filter((a) => a.startedAt >= from && a.endedAt <= to);

// ── What must hold after any crash ───────────────────────────────────────────────────────────────────────

async function expectSettledExactlyOnce(peak: Peak, temporal: { address: string; query: string }): Promise<string> {
  const { q, work, sku } = peak;
  const expected = new Set(work.map((w) => w.orderId));
  const t0 = Date.now();

  // Every order, and no other, in PostgreSQL, settled.
  let byStatus: Record<string, number> = {};
  const rows = await eventually(
    async () => {
      const all = await q<{ order_id: string; status: string }>('select order_id, status from orders');
      byStatus = {};
      for (const r of all) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      return all.length >= expected.size && all.every((r) => SETTLED.has(r.status)) ? all : undefined;
    },
    180_000,
    `all ${expected.size} orders to settle (PICKING, BACKORDERED or MERGED)`,
    () => `orders by status: ${JSON.stringify(byStatus)}`,
  );
  const settledMs = Date.now() - t0;
  expect(rows.filter((r) => !expected.has(r.order_id)).map((r) => r.order_id)).toEqual([]);
  expect(new Set(rows.map((r) => r.order_id))).toEqual(expected);

  // Exactly once on each timeline and in the outbox; one line of one unit each.
  const timelines = await q<{ order_id: string; received: number; paid: number; lines: number; units: number }>(`
    select o.order_id,
      (select count(*)::int from order_events e where e.order_id = o.order_id and e.type = 'ORDER_RECEIVED') as received,
      (select count(*)::int from order_events e where e.order_id = o.order_id and e.type = 'PAYMENT_CONFIRMED') as paid,
      (select count(*)::int from order_lines l where l.order_id = o.order_id) as lines,
      (select coalesce(sum(quantity), 0)::int from order_lines l where l.order_id = o.order_id) as units
    from orders o`);
  const odd = timelines.filter((t) => t.received !== 1 || t.paid !== 1 || t.lines !== 1 || t.units !== 1);
  expect(odd, 'orders received, paid or lined more (or less) than once').toEqual([]);
  // One outbox row per order. A row may still read "not started" although its workflow runs: a starter killed
  // between starting a workflow and marking it leaves its claim to run out (then the next starter marks it).
  const outbox = await q<{ order_id: string; started: boolean }>('select order_id, started_at is not null as started from order_intake');
  expect(new Set(outbox.map((r) => r.order_id))).toEqual(expected);
  const unmarked = outbox.filter((r) => !r.started).map((r) => r.order_id);

  // Exactly one workflow run per order, and no workflow for anything else.
  const connection = await Connection.connect({ address: temporal.address });
  let runs = new Map<string, string[]>();
  try {
    const client = new Client({ connection, namespace: 'default' });
    runs = await eventually(
      async () => {
        const found = new Map<string, string[]>();
        for await (const wf of client.workflow.list({ query: temporal.query, pageSize: 1000 })) found.set(wf.workflowId, [...(found.get(wf.workflowId) ?? []), wf.runId]);
        return [...expected].every((id) => found.has(orderWorkflowId(id))) ? found : undefined;
      },
      60_000,
      'Temporal visibility to list every order workflow',
      () => `${runs.size} listed`,
    );
  } finally {
    await connection.close();
  }
  expect([...runs.keys()].filter((id) => !expected.has(id.slice('order-'.length)))).toEqual([]);
  expect([...runs].filter(([, ids]) => ids.length !== 1).map(([id, ids]) => `${id}: ${ids.length} runs`)).toEqual([]);
  expect(runs.size).toBe(expected.size);
  expect(unmarked.filter((id) => !runs.has(orderWorkflowId(id))), 'accepted orders whose workflow never started').toEqual([]);

  // The stock ledger: nothing oversold, every hold ended, each column the sum of its rows.
  const stock = await q<{ warehouse_id: string; on_hand: number; reserved: number; held: number; held_holds: number; active_reservations: number }>(
    `select i.warehouse_id, i.on_hand, i.reserved, i.held,
       (select coalesce(sum(quantity), 0)::int from stock_holds h where h.warehouse_id = i.warehouse_id and h.sku = i.sku and h.status = 'held') as held_holds,
       (select coalesce(sum(quantity), 0)::int from reservations r where r.warehouse_id = i.warehouse_id and r.sku = i.sku and r.status = 'active') as active_reservations
     from inventory i where i.sku = $1 order by i.warehouse_id`,
    [sku],
  );
  expect(stock).toHaveLength(2);
  for (const row of stock) {
    expect(row.on_hand).toBe(STOCK_PER_WAREHOUSE);
    expect(row.reserved + row.held, `${row.warehouse_id} oversold`).toBeLessThanOrEqual(row.on_hand);
    expect(row.held, `${row.warehouse_id}: inventory.held is not the sum of its held holds`).toBe(row.held_holds);
    expect(row.reserved, `${row.warehouse_id}: inventory.reserved is not the sum of its active reservations`).toBe(row.active_reservations);
  }
  // Every order has settled, so no hold may still be waiting.
  const waiting = await q<{ order_id: string; status: string }>(`select h.order_id, o.status from stock_holds h join orders o using (order_id) where h.status = 'held'`);
  expect(waiting, 'holds still held for orders that no longer wait').toEqual([]);
  const holdOutcomes = await q<{ status: string; order_status: string; n: number }>(
    `select h.status, o.status as order_status, count(*)::int as n from stock_holds h join orders o using (order_id) group by 1, 2 order by 1, 2`,
  );
  // A converted hold became the reservation of an order that is picking; a released one belongs to an order that reserved nothing.
  for (const h of holdOutcomes) {
    if (h.status === 'converted') expect(h.order_status).toBe('PICKING');
    if (h.status === 'released') expect(['BACKORDERED', 'MERGED']).toContain(h.order_status);
  }
  const picking = await q<{ units: number; orders: number }>(
    `select coalesce(sum(l.quantity), 0)::int as units, count(distinct o.order_id)::int as orders from orders o join order_lines l using (order_id) where o.status = 'PICKING' and l.sku = $1`,
    [sku],
  );
  const reserved = stock.reduce((sum, r) => sum + r.reserved, 0);
  expect(picking[0]!.units, 'units of the PICKING orders vs stock').toBeLessThanOrEqual(TOTAL_STOCK);
  expect(picking[0]!.units, 'units of the PICKING orders vs units reserved').toBe(reserved);
  const perOrder = await q<{ order_id: string; status: string; reserved: number }>(
    `select o.order_id, o.status, coalesce((select sum(quantity) from reservations r where r.order_id = o.order_id and r.status = 'active'), 0)::int as reserved from orders o`,
  );
  expect(perOrder.filter((o) => (o.status === 'PICKING' ? o.reserved !== 1 : o.reserved !== 0))).toEqual([]);
  // Five orders per unit: every unit is sold (unless a suspected duplicate was merged and gave its unit back late).
  if (!byStatus.MERGED) expect(reserved, 'units left unsold while orders are backordered').toBe(TOTAL_STOCK);

  return `settled ${(settledMs / 1000).toFixed(1)} s after the burst; ${JSON.stringify(byStatus)}; ${reserved} units reserved; ${unmarked.length} outbox rows not yet marked started`;
}

// ── 1. kill -9 of the whole stack ─────────────────────────────────────────────────────────────────────────

it(
  'when the whole stack is killed with kill -9 mid-burst and restarted on the same data, then every acknowledged push is one order with one workflow run, settled, and nothing is oversold',
  async () => {
    const started = Date.now();
    const peak = await preparePeak({ label: 'kill9' });
    let killing: Promise<void> | undefined;
    let ackedAtKill = 0;
    const burst = peak.burst((acked) => {
      if (killing || acked < FAULT_AT) return;
      ackedAtKill = acked;
      killing = peak.oms.killGroup(); // the OMS, its embedded Temporal dev server, its carrier simulators
    });
    await eventually(async () => (killing ? true : undefined), 120_000, 'the burst to reach the kill point', () => `${burst.acked.size} acknowledged`);
    await killing;
    const killedAt = Date.now();
    const ackedBeforeRestart = new Set(burst.acked.keys());
    await Promise.all([waitPortClosed(peak.port), waitPortClosed(peak.devPort), waitPortClosed(peak.uiPort)]);

    const restarting = Date.now();
    await peak.launch('kill9-restarted');
    const restartMs = Date.now() - restarting;
    await burstSurvived(peak, burst, 'after its restart');
    expectEveryPushAcknowledged(peak, burst);
    // The kill did strike mid-burst: pushes were refused or cut off while the stack was down.
    expect(ackedBeforeRestart.size).toBeLessThan(PUSHES);
    expect(burst.attempts.filter((a) => a.outcome !== 200 && a.startedAt >= killedAt).length).toBeGreaterThan(0);

    const summary = await expectSettledExactlyOnce(peak, { address: `127.0.0.1:${peak.devPort}`, query: 'WorkflowType = "orderWorkflow"' });
    console.info(
      `[kill9] killed at ${ackedAtKill} acks (${ackedBeforeRestart.size} before restart), restart took ${(restartMs / 1000).toFixed(1)} s; ` +
        `push outcomes ${JSON.stringify(outcomesOf(burst.attempts))}; ${summary}; test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  },
  TEST_TIMEOUT_MS,
);

// ── 2. PostgreSQL restart ─────────────────────────────────────────────────────────────────────────────────

it(
  'when PostgreSQL restarts mid-burst, then pushes during the outage get 503 and never 200, and every acknowledged push is one settled order with nothing oversold',
  async (ctx) => {
    const unavailable = privatePostgresUnavailable();
    if (unavailable) ctx.skip(`no private PostgreSQL cluster: ${unavailable}`);
    const started = Date.now();
    const postgres = await startPrivatePostgres();
    cleanups.push(() => postgres.destroy());
    const peak = await preparePeak({ label: 'postgres', databaseUrl: postgres.url, temporalAddress: inject('temporalAddress') });

    const outage: { down?: number; restarting?: number; up?: number } = {};
    let fault: Promise<void> | undefined;
    const burst = peak.burst((acked) => {
      if (fault || acked < FAULT_AT) return;
      fault = (async () => {
        await postgres.crash(); // pg_ctl stop -m immediate
        outage.down = Date.now();
        await sleep(4_000);
        outage.restarting = Date.now();
        await postgres.start();
        outage.up = Date.now();
      })();
    });
    await eventually(async () => (fault ? true : undefined), 120_000, 'the burst to reach the fault point', () => `${burst.acked.size} acknowledged`);
    await fault;
    await burstSurvived(peak, burst, 'when PostgreSQL restarted');
    expectEveryPushAcknowledged(peak, burst);

    // While PostgreSQL was down nothing could be kept, so nothing may have been acknowledged: 503, never 200.
    const during = answeredWithin(burst.attempts, outage.down!, outage.restarting!);
    expect(during.length, 'pushes answered during the outage').toBeGreaterThan(0);
    expect(during.filter((a) => a.outcome === 200), 'pushes acknowledged (200) while PostgreSQL was down').toEqual([]);
    const refusals = burst.attempts.filter((a) => a.outcome !== 200);
    expect(refusals.filter((a) => a.outcome !== 503), 'refusals other than 503 (a dependency down is 503, never 500 or a dropped connection)').toEqual([]);

    const summary = await expectSettledExactlyOnce(peak, {
      address: inject('temporalAddress'),
      query: `WorkflowType = "orderWorkflow" AND TaskQueue = "${peak.taskQueue}"`,
    });
    console.info(
      `[postgres] down ${((outage.restarting! - outage.down!) / 1000).toFixed(1)} s (+${((outage.up! - outage.restarting!) / 1000).toFixed(1)} s to start); ` +
        `push outcomes ${JSON.stringify(outcomesOf(burst.attempts))}, during the outage ${JSON.stringify(outcomesOf(during))}; ${summary}; test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  },
  TEST_TIMEOUT_MS,
);

// ── 3. Redis restart ──────────────────────────────────────────────────────────────────────────────────────

it(
  'when Redis restarts mid-burst, then no push is acknowledged without being kept, and every acknowledged push is one settled order with nothing oversold',
  async (ctx) => {
    const unavailable = privateRedisUnavailable();
    if (unavailable) ctx.skip(`no private Redis: ${unavailable}`);
    const started = Date.now();
    const redisServer = await startPrivateRedis();
    cleanups.push(() => redisServer.destroy());
    // Few consumer lanes, so that acknowledged pushes pile up in the buffer: at the kill they exist only in Redis.
    const peak = await preparePeak({ label: 'redis', redisUrl: redisServer.url, temporalAddress: inject('temporalAddress'), env: { INGEST_CONCURRENCY: '4' } });
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    cleanups.push(() => redis.disconnect());
    await redis.ping();

    const outage: { down?: number; restarting?: number; up?: number } = {};
    let bufferedAtKill = 0;
    let fault: Promise<void> | undefined;
    const burst = peak.burst((acked) => {
      if (fault || acked < FAULT_AT) return;
      fault = (async () => {
        bufferedAtKill = await redis.xlen('oms:ingest:stream');
        await redisServer.kill(); // SIGKILL
        outage.down = Date.now();
        await sleep(4_000);
        outage.restarting = Date.now();
        await redisServer.start(); // same port, same directory: the append-only file is loaded
        outage.up = Date.now();
      })();
    });
    await eventually(async () => (fault ? true : undefined), 120_000, 'the burst to reach the fault point', () => `${burst.acked.size} acknowledged`);
    await fault;
    await burstSurvived(peak, burst, 'when Redis restarted');
    expectEveryPushAcknowledged(peak, burst);

    // The kill struck mid-burst, with acknowledged pushes waiting in the buffer and pushes in flight.
    expect(bufferedAtKill, 'acknowledged pushes in the Redis buffer at the kill').toBeGreaterThan(0);
    const straddling = burst.attempts.filter((a) => a.startedAt < outage.restarting! && a.endedAt > outage.down!);
    expect(straddling.length, 'pushes in flight during the outage').toBeGreaterThan(0);

    // Answered while Redis was down: 503 (or no answer in time), never 200.
    const during = answeredWithin(burst.attempts, outage.down!, outage.restarting!);
    expect(during.filter((a) => a.outcome === 200), 'pushes acknowledged (200) while Redis was down').toEqual([]);
    const refusals = burst.attempts.filter((a) => a.outcome !== 200);
    expect(refusals.filter((a) => a.outcome !== 503 && a.outcome !== 'timeout'), 'refusals other than 503 or a timeout').toEqual([]);

    const summary = await expectSettledExactlyOnce(peak, {
      address: inject('temporalAddress'),
      query: `WorkflowType = "orderWorkflow" AND TaskQueue = "${peak.taskQueue}"`,
    });
    // The buffer is drained, nothing parked.
    const backlog = await eventually(
      async () => {
        const length = await redis.xlen('oms:ingest:stream');
        const pending = Number(((await redis.xpending('oms:ingest:stream', 'ingest')) as unknown[])[0] ?? 0);
        return length === 0 && pending === 0 ? { length, pending } : undefined;
      },
      60_000,
      'the Redis buffer to be drained',
    );
    expect(backlog).toEqual({ length: 0, pending: 0 });
    expect(await peak.q(`select id, reason, message from ingest_dead_letters where status = 'open'`)).toEqual([]);
    console.info(
      `[redis] ${bufferedAtKill} acknowledged pushes in the buffer at the kill, down ${((outage.restarting! - outage.down!) / 1000).toFixed(1)} s; ` +
        `${straddling.length} pushes in flight across the outage (longest ${Math.max(...straddling.map((a) => a.endedAt - a.startedAt))} ms); push outcomes ${JSON.stringify(outcomesOf(burst.attempts))}, ` +
        `answered during the outage ${JSON.stringify(outcomesOf(during))}; ${summary}; test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  },
  TEST_TIMEOUT_MS,
);

// ── 4. Temporal restart ───────────────────────────────────────────────────────────────────────────────────

it(
  'when the Temporal server restarts mid-burst, then pushes keep being acknowledged with their stock held, and once it is back every order runs exactly one workflow and settles',
  async (ctx) => {
    const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    if (!cliPath) ctx.skip('Temporal CLI not found (TEMPORAL_CLI_PATH, PATH or $GOPATH/bin)');
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'oms-peak-temporal-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const temporalPort = await freePort();
    const dbFilename = join(dir, 'temporal.sqlite');
    let server: DevServer = await startDevServer({ cliPath: cliPath!, port: temporalPort, dbFilename });
    cleanups.push(() => server.stop());
    const peak = await preparePeak({ label: 'temporal', temporalAddress: server.address });

    // Strike early, while stock is left: orders accepted during the outage must be held by the intake alone.
    let down: number | undefined;
    let fault: Promise<void> | undefined;
    const burst = peak.burst((acked) => {
      if (fault || acked < TEMPORAL_FAULT_AT) return;
      fault = (async () => {
        process.kill(devServerPid(temporalPort), 'SIGKILL');
        await waitPortClosed(temporalPort);
        down = Date.now();
      })();
    });
    await eventually(async () => (fault ? true : undefined), 120_000, 'the burst to reach the fault point', () => `${burst.acked.size} acknowledged`);
    await fault;
    await burstSurvived(peak, burst, 'while the Temporal server was down');
    const burstOverAt = Date.now();

    // The intake does not need Temporal: every push acknowledged at the first attempt, those during the outage too.
    expectEveryPushAcknowledged(peak, burst);
    expect(outcomesOf(burst.attempts)).toEqual({ 200: PUSHES });
    const afterKill = burst.attempts.filter((a) => a.startedAt >= down!);
    expect(afterKill.length, 'pushes sent while Temporal was down').toBeGreaterThan(0);

    // While Temporal is still down: every order recorded, all units committed (held, or reserved by workflows
    // that ran before the kill), the orders accepted after the kill held by the intake and none of them started.
    // (An acknowledged push is in the buffer; the consumers record it right after, without Temporal.)
    await eventually(
      async () => ((await peak.q<{ n: number }>('select count(*)::int as n from orders'))[0]!.n === PUSHES ? true : undefined),
      60_000,
      'every acknowledged push to be recorded while Temporal is down',
      () => '',
    );
    const committed = await peak.q<{ held: number; reserved: number; held_holds: number }>(
      `select sum(held)::int as held, sum(reserved)::int as reserved,
         (select coalesce(sum(quantity), 0)::int from stock_holds where sku = $1 and status = 'held') as held_holds
       from inventory where sku = $1`,
      [peak.sku],
    );
    expect(committed[0]!.held + committed[0]!.reserved, 'units committed while Temporal is down').toBe(TOTAL_STOCK);
    expect(committed[0]!.held).toBe(committed[0]!.held_holds);
    const heldDuringOutage = await peak.q<{ status: string; units: number }>(
      `select h.status, sum(h.quantity)::int as units from stock_holds h join order_intake i using (order_id) where i.accepted_at > $1 group by h.status`,
      [new Date(down!)],
    );
    expect(heldDuringOutage.filter((h) => h.status !== 'held'), 'holds of orders accepted during the outage moved without a workflow').toEqual([]);
    expect(heldDuringOutage[0]?.units ?? 0, 'units held for orders accepted during the outage').toBeGreaterThan(0);
    const startedAfterKill = await peak.q('select order_id from order_intake where started_at is not null and accepted_at > $1', [new Date(down!)]);
    expect(startedAfterKill).toEqual([]);
    const unstarted = await peak.q<{ n: number }>('select count(*)::int as n from order_intake where started_at is null');
    expect(unstarted[0]!.n).toBeGreaterThan(0);

    // A few seconds more of outage, with the OMS still alive, then the server comes back on the same file and port.
    await sleep(Math.max(0, 3_000 - (Date.now() - burstOverAt)));
    expect(peak.oms.exit, `the OMS died while Temporal was down:\n${peak.oms.output()}`).toBeUndefined();
    const outageMs = Date.now() - down!;
    server = await startDevServer({ cliPath: cliPath!, port: temporalPort, dbFilename });

    const summary = await expectSettledExactlyOnce(peak, { address: server.address, query: `WorkflowType = "orderWorkflow" AND TaskQueue = "${peak.taskQueue}"` });
    expect(peak.oms.exit, `the OMS died:\n${peak.oms.output()}`).toBeUndefined();
    console.info(
      `[temporal] down ${(outageMs / 1000).toFixed(1)} s, ${afterKill.length} pushes acknowledged meanwhile (${heldDuringOutage[0]?.units ?? 0} units held for them), ` +
        `${unstarted[0]!.n} orders waiting for their workflow; ` +
        `${summary}; test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  },
  TEST_TIMEOUT_MS,
);

async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}
