/**
 * Predictive pre-pack benchmark: `npm run bench:prepack [-- --customers 1500 --days 28 --seed 7 --events 100000 --orders 20 --skip-e2e]`.
 *
 * 1. The model, on generated shoppers with a known ground truth (prepack/simulate.ts): trained on the first
 *    three weeks exactly as the scheduled job trains (prepack/training.ts, the features of
 *    domain/prepack-features.ts), judged on the held-back last week: precision at the threshold, recall, AUC,
 *    Brier score, calibration by decile. Baseline in the same run: the rule "added to cart in the last 6 h".
 * 2. Behaviour events in: validation, keying and the buffer append the route does (`POST /v1/events` bodies of
 *    1,000 events, 8 in flight) into a fresh PostgreSQL buffer, and into Redis when one answers on REDIS_URL
 *    (default 127.0.0.1:6379); events per second.
 * 3. Payment → shipped, end to end against `npm start` (bin/start.ts in a child process, fresh database, the
 *    model of part 1): eager customers' events posted, the scoring schedule pre-packs them, then their paid
 *    orders and as many paid orders of customers without a pre-pack; the normal path's picker confirms each
 *    pick task the moment it appears (an instant picker: the system's own time; a real pick adds the walk of
 *    bench:picking and the wait for the wave). Some pre-packs are left unbought and expire after PREPACK_TTL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { START_ARGS } from '../bin/node-flags';
import { connectDatabase, migrateDatabase } from '../db/client';
import { saveModel } from '../db/queries/prepack-models';
import { evaluate } from '../domain/prepack';
import { percentile } from './stats';
import { createLogger } from '../infra/logger';
import { adminQuery, freePort, withDatabase } from '../infra/net';
import { phoneCustomer } from '../prepack/customer';
import { behaviourEventsSchema, createEventBuffer, storedEvent } from '../prepack/events';
import { generateHistory } from '../prepack/simulate';
import { ACTIVE_WINDOW_MS, trainAndEvaluate, type History } from '../prepack/training';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1500' },
    days: { type: 'string', default: '28' },
    seed: { type: 'string', default: '7' },
    events: { type: 'string', default: '100000' },
    orders: { type: 'string', default: '20' },
    'skip-e2e': { type: 'boolean', default: false },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;
const HOUR = 3_600_000;
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const cleanups: (() => Promise<unknown>)[] = [];

async function modelPart() {
  const days = Number(values.days);
  const start = Date.UTC(2026, 9, 1) - 8 * HOUR;
  const t0 = performance.now();
  const g = generateHistory({ seed: Number(values.seed), customers: Number(values.customers), skus: 40, categories: 5, startMs: start, days });
  const key = new Map<string, string>();
  const k = (phone: string) => key.get(phone) ?? key.set(phone, phoneCustomer(phone)!.key).get(phone)!;
  const purchases = new Map<string, (typeof g.purchases)[number][]>();
  for (const p of g.purchases) purchases.set(k(p.phone), [...(purchases.get(k(p.phone)) ?? []), p]);
  const history: History = { events: g.events.map((e) => ({ ...e, customerKey: k(e.phone) })), purchases, categories: g.categories };
  const window = { trainFromMs: start + 7 * DAY, trainToMs: start + (days - 7) * DAY, testToMs: start + days * DAY, stepMs: DAY / 8, horizonMs: DAY, threshold: 0.8 };
  const t1 = performance.now();
  const result = trainAndEvaluate(history, window);
  const trainS = (performance.now() - t1) / 1000;
  const e = result.evaluation;
  // Baseline: a cart add in the active window before the cut-off means "will buy" (probability 1, else 0).
  const cartIndex = 1; // FEATURE_NAMES[1] = cartAdds (log1p of the window's cart adds; recency says how recent)
  const baseline = evaluate(
    result.test.map((x) => ({ label: x.label, probability: x.features[cartIndex]! > 0 && x.features[4]! >= Math.exp(-ACTIVE_WINDOW_MS / HOUR / 24) ? 1 : 0 })),
    0.8,
  );
  const bought = g.episodes.filter((x) => x.bought).length;
  console.log(`\n1. Model (logistic regression, ml-logistic-regression) — generated: ${Number(values.customers)} customers, ${days} days, ${g.events.length} events, ${g.episodes.length} interest episodes (${pct(bought / g.episodes.length)} ended in a purchase; truth known), generated in ${((t1 - t0) / 1000).toFixed(1)} s`);
  console.log(`   trained on ${result.trainExamples} examples (cut-offs every 3 h, days 8–${days - 7}) in ${trainS.toFixed(1)} s; judged on the held-back last 7 days: ${e.examples} examples, ${e.positives} bought within 24 h`);
  console.log(`   threshold 0.8: flagged ${e.flagged}, precision ${pct(e.precision)}, recall ${pct(e.recall)}; AUC ${e.auc?.toFixed(3)}; Brier ${e.brier.toFixed(4)}; calibration error (ECE) ${e.ece.toFixed(4)}`);
  console.log(`   baseline "cart add in the last 6 h": flagged ${baseline.flagged}, precision ${pct(baseline.precision)}, recall ${pct(baseline.recall)}; model/baseline precision ×${e.precision && baseline.precision ? (e.precision / baseline.precision).toFixed(2) : 'n/a'}`);
  console.log('   calibration (predicted → observed):');
  for (const b of e.calibration) console.log(`     [${b.from.toFixed(1)}, ${b.to.toFixed(1)})  n=${String(b.count).padStart(6)}  predicted ${b.meanPredicted.toFixed(3)}  observed ${b.observedRate.toFixed(3)}`);
  return result;
}

function eagerEvents(who: { customerPhone: string }, sku: string, tag: string) {
  const now = Date.now();
  const at = (m: number) => new Date(now - m * 60_000).toISOString();
  return [
    ...Array.from({ length: 20 }, (_, i) => ({ eventId: `${tag}-v${i}`, ...who, sku, type: 'view' as const, at: at(5 + i * 100), dwellSeconds: 300 })),
    ...Array.from({ length: 5 }, (_, i) => ({ eventId: `${tag}-c${i}`, ...who, sku, type: 'cart' as const, at: at(3 + i * 100) })),
    { eventId: `${tag}-f`, ...who, sku, type: 'favourite' as const, at: at(2) },
  ];
}

async function freshDatabase() {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `oms_bench_prepack_${Date.now().toString(36)}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
  cleanups.push(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  const url = withDatabase(serverUrl, dbName);
  const database = connectDatabase(url, { max: 8 });
  cleanups.unshift(() => database.close());
  await migrateDatabase(database.db);
  return { url, database };
}

async function eventsPart(db: ReturnType<typeof connectDatabase>['db']) {
  const total = Number(values.events);
  const body = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => ({
      eventId: `bench-${offset + i}`,
      customerPhone: `139${String(10_000_000 + ((offset + i) % 50_000)).slice(-8)}`,
      sku: `SKU-${(offset + i) % 40}`,
      type: (['view', 'view', 'view', 'cart', 'favourite'] as const)[(offset + i) % 5]!,
      at: new Date(Date.now() - ((offset + i) % 3600) * 1000).toISOString(),
      dwellSeconds: (offset + i) % 120,
    }));
  const logger = createLogger('silent');
  const run = async (mode: string, buffer: ReturnType<typeof createEventBuffer>) => {
    let next = 0;
    let accepted = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const offset = next;
          next += 1000;
          // What the route does per request: validate, key, append.
          const parsed = behaviourEventsSchema.parse(body(Math.min(1000, total - offset), offset));
          const appended = await buffer.accept(parsed.map(storedEvent));
          accepted += appended.accepted;
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    const again = await buffer.accept(behaviourEventsSchema.parse(body(1000, 0)).map(storedEvent));
    const d0 = performance.now();
    let drained = 0;
    for (let n = 1; n > 0; ) {
      n = await buffer.drainOnce(5_000);
      drained += n;
    }
    const ds = (performance.now() - d0) / 1000;
    console.log(`   ${mode}: ${accepted} events accepted in ${s.toFixed(2)} s = ${Math.round(accepted / s)} events/s (goal ≥ 5,000: ×${(accepted / s / 5000).toFixed(1)}); a resent body of 1,000: ${again.duplicates} skipped; drained into behaviour_events at ${Math.round(drained / ds)} events/s`);
  };
  console.log(`\n2. Behaviour events in (${total} events, bodies of 1,000, 8 in flight; validation + keying + buffer append)`);
  await run('PostgreSQL buffer', createEventBuffer({ db, logger, prefix: 'bench:events' }));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const prefix = `bench:prepack:${Date.now().toString(36)}`;
    await run('Redis stream', createEventBuffer({ db, logger, redis, prefix }));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } catch (err) {
    console.log(`   Redis stream: skipped (${(err as Error).message})`);
  } finally {
    redis.disconnect();
  }
}

async function endToEndPart(url: string, db: ReturnType<typeof connectDatabase>['db'], model: ReturnType<typeof trainAndEvaluate>) {
  const n = Number(values.orders);
  const unbought = Math.max(1, Math.round(n / 4));
  await saveModel(db, { model: model.model.stored, evaluation: model.evaluation, trainFrom: new Date(), trainTo: new Date(), testTo: new Date() });
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-bench-prepack-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const adminKey = `bench-admin-${randomBytes(8).toString('hex')}`;
  const ttlS = 90;
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: url,
    ADMIN_API_KEY: adminKey,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    PREPACK_SCORE_INTERVAL: '5s',
    PREPACK_TTL: `${ttlS}s`,
    WAVE_INTERVAL: 'off',
    SIM_PICKUP_DELAY: '1h',
  };
  delete env.REDIS_URL;
  delete env.TEMPORAL_ADDRESS;
  const child: ChildProcess = spawn(process.execPath, [...START_ARGS], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  cleanups.unshift(
    () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  );
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as any) : undefined;
  };
  const until = async <T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await check().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await until(async () => ((await fetch(`${apiUrl}/readyz`)).ok ? true : undefined), 180_000, 'npm start to be ready');

  await api('POST', '/v1/warehouses', { id: 'WH-HZ', name: '杭州仓', province: '浙江省', city: '杭州市', lat: 30.27, lng: 120.15 });
  const skus = Array.from({ length: 5 }, (_, i) => `EARBUDS-${i + 1}`);
  for (const sku of skus) await api('PUT', `/v1/inventory/WH-HZ/${sku}`, { onHand: 10 * n });
  const phone = (i: number) => `13${7 + (i % 2)}${String(20_000_000 + i * 7).slice(-8)}`;
  const eager = Array.from({ length: n + unbought }, (_, i) => ({ phone: phone(i), sku: skus[i % skus.length]! }));
  for (const [i, c] of eager.entries()) await api('POST', '/v1/events', eagerEvents({ customerPhone: c.phone }, c.sku, `e2e-${i}`));
  const t0 = Date.now();
  const open = await until(
    async () => {
      const rows = (await api('GET', '/v1/prepack/candidates?status=open&limit=1000')) as unknown[];
      return rows.length >= eager.length ? rows : undefined;
    },
    120_000,
    'the pre-packs to open',
  );
  console.log(`\n3. Payment → shipped against npm start (PREPACK_SCORE_INTERVAL=5s, PREPACK_TTL=${ttlS}s, one warehouse)`);
  console.log(`   ${open.length} pre-packs open ${((Date.now() - t0) / 1000).toFixed(1)} s after the events were posted`);

  const address = { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' };
  const shipOne = async (customerPhone: string, sku: string, picker: boolean) => {
    const started = Date.now();
    const created = await api('POST', '/v1/orders', {
      channel: 'manual',
      channelOrderId: `bench-${randomBytes(6).toString('hex')}`,
      createdAt: new Date().toISOString(),
      paidAt: new Date().toISOString(),
      customer: { name: '客户', phone: customerPhone },
      shippingAddress: address,
      lines: [{ sku, quantity: 1, unitPriceFen: 29_900 }],
    });
    const order = await until(
      async () => {
        const o = await api('GET', `/v1/orders/${created.orderId}`);
        if (picker) for (const t of o.tasks ?? []) if (t.status === 'open') await api('POST', `/v1/warehouse/tasks/${t.taskId}/complete`, {}).catch(() => undefined);
        return ['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(o.status) ? o : undefined;
      },
      120_000,
      'an order to ship',
    );
    return { ms: Date.now() - started, prepacked: order.allocation?.rule === 'prepack' };
  };
  // The picker serves both batches: an order whose pre-pack is gone (expired) takes the normal path and says so.
  const fast = await Promise.all(eager.slice(0, n).map((c) => shipOne(c.phone, c.sku, true)));
  const normal = await Promise.all(Array.from({ length: n }, (_, i) => shipOne(phone(10_000 + i), skus[i % skus.length]!, true)));
  const show = (r: { ms: number }[]) =>
    `p50 ${(percentile(r.map((x) => x.ms), 0.5) / 1000).toFixed(2)} s, p90 ${(percentile(r.map((x) => x.ms), 0.9) / 1000).toFixed(2)} s`;
  const took = fast.filter((x) => x.prepacked);
  console.log(`   pre-packed (${took.length}/${n} took the pre-packed unit): ${show(took.length ? took : fast)}`);
  console.log(`   normal path, instant picker: ${show(normal)}`);
  const ratio = percentile(normal.map((x) => x.ms), 0.5) / percentile((took.length ? took : fast).map((x) => x.ms), 0.5);
  console.log(`   normal / pre-packed (p50): ×${ratio.toFixed(2)} — before the picker's own time, which the pre-packed path does not have`);
  const outcomes = await until(
    async () => {
      const o = await api('GET', '/v1/prepack/outcomes?days=1');
      return o.open === 0 ? o : undefined;
    },
    (ttlS + 60) * 1000,
    'the unbought pre-packs to expire',
  );
  const stock = (await api('GET', '/v1/inventory?warehouseId=WH-HZ')) as { reserved: number; held: number }[];
  console.log(`   outcomes: ${outcomes.bought} bought, ${outcomes.expired} expired after the TTL (share bought ${pct(outcomes.boughtShare)}, by construction here: ${unbought} eager customers never paid); units still reserved ${stock.reduce((s, r) => s + r.reserved + (r.held ?? 0), 0)}`);
}

async function main() {
  console.log(`bench:prepack — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  const model = await modelPart();
  const { url, database } = await freshDatabase();
  await eventsPart(database.db);
  if (!values['skip-e2e']) await endToEndPart(url, database.db, model);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
    process.exit();
  });
