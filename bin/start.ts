/**
 * `npm start`: the API and the worker in one process (or one of them, with ROLES=api / ROLES=worker / ROLES=ingest),
 * with embedded defaults — its own PostgreSQL when DATABASE_URL is unset, a persistent Temporal dev server when
 * TEMPORAL_ADDRESS is unset, carrier simulators when no carrier is configured, migrations applied on start.
 * `npm start -- --demo` also loads the demo brand (bin/demo.ts) once the API answers.
 */
import { serve } from '@hono/node-server';
import cluster, { type Worker } from 'node:cluster';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createActivities } from '../activities';
import { baseApp, createApp } from '../api/app';
import { warmUpPushPath } from '../api/warmup';
import { createStoreTokens, tokenRefreshingDirectory } from '../channels/oauth-tokens';
import { loadEnv, type Env } from '../config/env';
import { assertPortFree, explainStartupError, StartupError } from '../infra/startup-error';
import { connectDatabase, migrateDatabase } from '../db/client';
import { INGEST_BUFFER_CHANNEL } from '../db/queries/ingest-buffer';
import { PDA_EVENTS_CHANNEL } from '../db/queries/pda-events';
import { createLogger, type Logger } from '../infra/logger';
import { createPgListener } from '../infra/pg-listen';
import { createSecretBox } from '../infra/secrets';
import { createIngest } from '../ingest';
import { createIntake } from '../ingest/intake';
import { createStoreDirectory } from '../ingest/stores';
import { allStoreIds } from '../db/queries/stores';
import { createReplenishmentMonitor } from '../replenishment/monitor';
import { createLogNotifier } from '../replenishment/notifier';
import { createOrderClient } from '../temporal/order-client';
import { startOrderStarter, type OrderStarter } from '../temporal/order-starter';
import { triggerPricePoll, upsertPricePollSchedule } from '../finance/price-schedule';
import { startFactsRefresher } from '../reports/facts-refresher';
import { createDailyReportClient } from '../reports/push-client';
import { createPollSchedules, upsertDailyReportSchedule, upsertPrepackSchedules, upsertWaveSchedule } from '../temporal/schedules';
import { createEventBuffer } from '../prepack/events';
import { createStockSyncTrigger, soldOutRounds } from '../temporal/stock-sync';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { createWaveClient } from '../temporal/wave-client';
import { createWorker } from '../temporal/worker';
import { findTemporalCli, stopOrphanedDevServer, TEMPORAL_CLI_VERSION } from '../temporal/dev-server';
import { watchLauncher } from '../infra/processes';
import { buildCarriers, buildPurchasing, startTemporal, timingsFrom } from './runtime';
import { openDatabaseServer } from './database';
import { runDemo } from './demo';

/** What start-up is waiting for, on the console (the log carries the details). */
const say = (line: string) => {
  if (cluster.isPrimary) console.log(`  … ${line}`);
};
let databaseUrlForErrors: string | undefined;
/** Set once this process is stopping: API processes that exit then are not replaced. */
let shuttingDown = false;
/** What a failed start stops before exiting (the servers it had started). */
const stopOnFailure: (() => Promise<unknown>)[] = [];

async function main() {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  // The SDK's own log (bundler output, worker state) only from warnings up, unless debugging.
  Runtime.install({
    logger: new DefaultLogger(env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN'),
    shutdownSignals: [], // this process shuts the worker down itself, in order, on SIGTERM/SIGINT
  });
  mkdirSync(env.DATA_DIR, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  // Every port this process opens, checked before anything starts: a taken one is named with its variable.
  // An API process forked by this one shares the port its primary checked (node:cluster hands it the socket).
  if (env.ROLES.has('api') && cluster.isPrimary) await assertPortFree(env.PORT, 'PORT', 'the OMS API');
  if (!env.TEMPORAL_ADDRESS) {
    // A dev server left running by a start that was killed (kill -9 of this process only) holds its ports: stopped.
    await stopOrphanedDevServer(join(env.DATA_DIR, 'temporal.sqlite'), say);
    await assertPortFree(env.TEMPORAL_DEV_PORT, 'TEMPORAL_DEV_PORT', 'the Temporal dev server');
    await assertPortFree(env.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT', 'the Temporal Web UI');
  }
  // Stopped last (the cleanups below run first): everything else may still write while it stops.
  databaseUrlForErrors = env.DATABASE_URL;
  const postgres = await openDatabaseServer(env, { say });

  say(
    env.TEMPORAL_ADDRESS
      ? `connecting to Temporal at ${env.TEMPORAL_ADDRESS}`
      : `starting the Temporal dev server on 127.0.0.1:${env.TEMPORAL_DEV_PORT} (data ${join(env.DATA_DIR, 'temporal.sqlite')})${
          findTemporalCli(env.TEMPORAL_CLI_PATH) ? '' : '; no Temporal CLI found, so the SDK downloads one first (needs internet)'
        }`,
  );
  const temporal = await startTemporal(env, logger).catch((err: unknown) => {
    throw temporalStartError(env, err);
  });
  cleanups.push(() => temporal.stop());
  cleanups.push(() => postgres.stop());
  stopOnFailure.push(() => temporal.stop(), () => postgres.stop());
  const connection = await Connection.connect({ address: temporal.address });
  cleanups.unshift(() => connection.close());
  await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE);
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });

  // A few connections stay open: a burst's first pushes (store lookups, appends, the pacing's look at the
  // buffer) find them ready instead of each opening one.
  const database = connectDatabase(postgres.url, { min: POOL_MIN });
  cleanups.unshift(() => database.close());
  if (cluster.isPrimary) {
    say('applying database migrations');
    await migrateDatabase(database.db);
  }
  await database.connect();

  const secretsKey = env.SECRETS_KEY ?? developmentSecret(env, 'secrets-key', () => randomBytes(32).toString('base64'));
  const secrets = createSecretBox(Buffer.from(secretsKey, 'base64'));
  // Forked API processes serve the API; this one (the primary) keeps the other roles.
  const apiProcesses = cluster.isPrimary ? env.API_PROCESSES : 1;

  const apiUrl = `http://127.0.0.1:${env.PORT}`;
  const { carriers, simulators } = await buildCarriers(env, {
    runSimulators: env.ROLES.has('worker'),
    callbackBase: env.CARRIER_CALLBACK_URL ?? apiUrl,
  });
  for (const sim of simulators) cleanups.unshift(() => sim.close());
  const { purchasing, simulator: purchaseSimulator } = await buildPurchasing(env, { runSimulator: env.ROLES.has('worker') });
  if (purchaseSimulator) {
    cleanups.unshift(() => purchaseSimulator.close());
    logger.info({ baseUrl: purchaseSimulator.baseUrl }, 'no ALIBABA_1688_* configured: purchasing goes to the built-in 1688 simulator');
  }
  const replenishment = createReplenishmentMonitor({ db: database.db, notifier: createLogNotifier(logger), logger });


  // Channel sync: store tokens refreshed ahead of expiry (one process at a time), a poll schedule per store,
  // available stock pushed to every store selling a SKU after each change (docs/channels-sync.md).
  const tokens = createStoreTokens({ db: database.db, secrets, logger, refreshMarginMs: env.OAUTH_REFRESH_MARGIN });
  const schedules = createPollSchedules({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, intervalMs: env.POLL_INTERVAL, logger });
  const poll = { overlapMs: env.POLL_OVERLAP, lookbackMs: env.POLL_LOOKBACK, chunkMs: 60 * 60 * 1000 };
  const syncStock = createStockSyncTrigger({
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    intervalMs: env.STOCK_SYNC_INTERVAL,
    idleMs: env.STOCK_SYNC_IDLE,
    logger,
    pushSoldOut: soldOutRounds({ db: database.db, logger, channels: { tokens, poll } }),
  });

  // Order intake: new orders recorded and their stock held in group-committed transactions; the order starter
  // (worker and ingest processes) hands them to Temporal behind, at the engine's pace.
  let starter: OrderStarter | undefined;
  const intake = createIntake({
    db: database.db,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    logger,
    onStockChanged: syncStock,
    onAccepted: () => starter?.wake(),
  });
  const orders = createOrderClient({ client, db: database.db, taskQueue: env.TEMPORAL_TASK_QUEUE, timings: timingsFrom(env), intake });

  // Order ingest: with REDIS_URL, webhooks append to a Redis stream that consumers (worker or ingest role) drain
  // into Temporal; without it, the API hands each order to Temporal before answering the platform.
  // Commands fail at once while Redis is unreachable (no offline queue): a push is answered 503, never held open.
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true }) : undefined;
  if (redis) {
    await redis.connect();
    cleanups.unshift(() => redis.quit());
  }
  // The worker and ingest roles drain the buffer; without Redis, appends made in other processes (forked API
  // processes) wake this process's consumer through PostgreSQL.
  const consumes = env.ROLES.has('worker') || env.ROLES.has('ingest');
  const bufferListener = consumes && !redis ? createPgListener({ connection: postgres.url, channel: INGEST_BUFFER_CHANNEL, logger }) : undefined;
  if (bufferListener) cleanups.unshift(() => bufferListener.close());
  const ingestDeps = { db: database.db, orders, secrets, logger, redis, pacing: { maxLagMs: env.INGEST_MAX_LAG, maxWaitMs: env.INGEST_PACING_WAIT } };
  const ingest = createIngest({
    ...ingestDeps,
    listener: bufferListener,
    stores: tokenRefreshingDirectory(createStoreDirectory(database.db, secrets), tokens),
  });
  // Behaviour events (pre-pack): buffered like orders, drained by the worker and ingest processes.
  const events = createEventBuffer({ db: database.db, redis, logger });
  if (consumes) {
    const drainer = events.start();
    cleanups.unshift(() => drainer.stop());
  }
  if (consumes) {
    const consumer = await ingest.startConsumer({
      concurrency: env.INGEST_CONCURRENCY,
      reclaimAfterMs: env.INGEST_RECLAIM_AFTER,
      maxAttempts: env.INGEST_MAX_ATTEMPTS,
    });
    cleanups.unshift(() => consumer.stop());
  }
  logger.info({ mode: ingest.mode }, redis ? 'order ingest buffered in Redis' : 'no REDIS_URL: order ingest buffered in PostgreSQL');
  if (consumes) {
    // While a burst is being recorded — it waits in the buffer, or this process's intake has just taken more than
    // BURST_ORDERS_PER_SECOND (paced acknowledgements keep the buffer nearly empty) — recording and holding it
    // comes before starting workflows and reports.
    const intakeFirst = async () => intake.createdWithin(1_000) > BURST_ORDERS_PER_SECOND || (await ingest.backlog()).length > BURST_BACKLOG;
    const running = startOrderStarter({ db: database.db, taskQueue: env.TEMPORAL_TASK_QUEUE, start: orders.startAccepted, logger, intakeFirst, dedupWindowMs: env.DEDUP_WINDOW });
    starter = running;
    cleanups.unshift(() => running.stop());
    const facts = startFactsRefresher({ db: database.db, logger, busy: intakeFirst });
    cleanups.unshift(() => facts.stop());
  }

  if (env.ROLES.has('worker')) {
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      maxCachedWorkflows: env.TEMPORAL_MAX_CACHED_WORKFLOWS,
      activities: createActivities({
        db: database.db,
        carriers,
        logger,
        backorders: orders,
        defaultSenderPhone: env.DEFAULT_SENDER_PHONE,
        purchasing,
        replenishment,
        onStockChanged: syncStock,
        channels: { tokens, ingest: ingest.pipeline, poll },
        reports: { wecomWebhookUrl: env.WECOM_WEBHOOK_URL },
        prepack: { threshold: env.PREPACK_THRESHOLD, ttlMs: env.PREPACK_TTL, dailyCap: env.PREPACK_DAILY_CAP, lookbackMs: 2 * (env.PREPACK_SCORE_INTERVAL ?? 60_000) },
        finance: { priceGap: { fen: env.PRICE_GAP_FEN, pct: env.PRICE_GAP_PCT }, wecomWebhookUrl: env.WECOM_WEBHOOK_URL },
      }),
    });
    const running = worker.run();
    cleanups.unshift(async () => {
      worker.shutdown();
      // Ctrl-C reaches the whole process group: a dev server already gone would keep the drain retrying. Bounded.
      const bounded = (ms: number) => new Promise((done) => setTimeout(done, ms).unref());
      await Promise.race([running.catch(() => undefined), bounded(15_000)]);
      await Promise.race([nativeConnection.close().catch(() => undefined), bounded(5_000)]);
    });
    logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE }, 'worker running');
    // Every connected store has its poll schedule, on this task queue and interval.
    for (const storeId of await allStoreIds(database.db)) {
      await schedules.upsert(storeId).catch((err: unknown) => logger.error({ err, storeId }, 'could not create or update the poll schedule'));
    }
    await upsertWaveSchedule({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, intervalMs: env.WAVE_INTERVAL, logger }).catch((err: unknown) =>
      logger.error({ err }, 'could not create, update or remove the wave schedule'),
    );
    // Nothing to push to without a robot: no schedule then, whatever DAILY_REPORT_AT says.
    await upsertDailyReportSchedule({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, at: env.WECOM_WEBHOOK_URL ? env.DAILY_REPORT_AT : null, logger }).catch((err: unknown) =>
      logger.error({ err }, 'could not create, update or remove the daily report schedule'),
    );
    await upsertPrepackSchedules({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, scoreIntervalMs: env.PREPACK_SCORE_INTERVAL, trainIntervalMs: env.PREPACK_TRAIN_INTERVAL, ttlMs: env.PREPACK_TTL, logger }).catch((err: unknown) =>
      logger.error({ err }, 'could not create, update or remove the pre-pack schedules'),
    );
    await upsertPricePollSchedule({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, intervalMs: env.PRICE_POLL_INTERVAL, logger }).catch((err: unknown) =>
      logger.error({ err }, 'could not create, update or remove the price poll schedule'),
    );
  }

  if (env.ROLES.has('api')) {
    const adminApiKey = env.ADMIN_API_KEY ?? developmentSecret(env, 'admin-api-key', () => `oms_admin_${randomBytes(18).toString('base64url')}`);
    if (apiProcesses > 1) {
      // The API in processes of its own, sharing the port; they use the PostgreSQL and Temporal started here.
      say(`starting ${apiProcesses} API processes`);
      const forked = await forkApiProcesses(
        apiProcesses,
        {
          ROLES: 'api',
          API_PROCESSES: '1',
          DATABASE_URL: postgres.url,
          TEMPORAL_ADDRESS: temporal.address,
          ...(temporal.uiUrl ? { TEMPORAL_UI_URL: temporal.uiUrl } : {}),
          ADMIN_API_KEY: adminApiKey,
          SECRETS_KEY: secretsKey,
        },
        logger,
      );
      cleanups.unshift(() => forked.stop());
    } else {
      const pdaListener = createPgListener({ connection: postgres.url, channel: PDA_EVENTS_CHANNEL, logger });
      const app = createApp({
        db: database.db,
        secrets,
        carriers,
        orders,
        logger,
        adminApiKey,
        probes: [
          { name: 'temporal', check: () => connection.workflowService.getSystemInfo({}) },
          ...(redis ? [{ name: 'redis', check: () => redis.ping() }] : []),
        ],
        onStockReceived: (skus) => orders.restock(skus),
        replenishment,
        ingest,
        events,
        channels: { tokens, schedules, oauthRedirectBase: env.OAUTH_REDIRECT_URL ?? apiUrl, syncStock },
        pda: { listener: pdaListener },
        waves: createWaveClient({ client, taskQueue: env.TEMPORAL_TASK_QUEUE }),
        dailyReports: env.WECOM_WEBHOOK_URL ? createDailyReportClient({ client, taskQueue: env.TEMPORAL_TASK_QUEUE }) : undefined,
        // The ops console links orders into the Temporal Web UI: the embedded dev server's, or TEMPORAL_UI_URL for an external one.
        temporalUi: { url: temporal.uiUrl, namespace: env.TEMPORAL_NAMESPACE },
        finance: { thresholds: { fen: env.PRICE_GAP_FEN, pct: env.PRICE_GAP_PCT }, pollPrices: () => triggerPricePoll(client, env.TEMPORAL_TASK_QUEUE) },
        costRates: {
          labourFenPerOrder: env.LABOUR_FEN_PER_ORDER,
          labourFenPerLine: env.LABOUR_FEN_PER_LINE,
          transferFenPerUnit: env.TRANSFER_FEN_PER_UNIT,
          platformFeePct: env.PLATFORM_FEE_PCT,
        },
      });
      // Before the port opens: the first pushes of a burst meet optimised code (api/warmup.ts).
      // Only a speed-up: an API that could not warm starts cold rather than not at all.
      const warm = await warmUpPushPath({ base: () => baseApp(logger), ingest: ingestDeps, logger, pushes: env.API_WARMUP_PUSHES }).catch((err: unknown) => {
        logger.warn({ err }, 'push path warm-up failed: the API starts cold');
        return undefined;
      });
      if (warm) logger.info({ pushes: warm.pushes, ms: Math.round(warm.ms) }, 'push path warmed up');
      const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }) as Server;
      server.once('error', (err) => fail(err));
      cleanups.unshift(() => new Promise((resolve) => server.close(resolve)));
      // Open PDA streams would keep server.close() waiting forever: they end first (devices resume with Last-Event-ID).
      cleanups.unshift(() => pdaListener.close());
    }
    if (cluster.isPrimary) {
      console.log(`\n  OMS API          ${apiUrl}   (OpenAPI: ${apiUrl}/openapi.json)`);
      console.log(`  Ops console      ${apiUrl}/console   (log in with an API key with the ops scope)`);
      if (!env.ADMIN_API_KEY) console.log(`  Admin API key    ${adminApiKey}   (set ADMIN_API_KEY to choose your own)`);
      if (process.argv.includes('--demo')) {
        // The demo brand, through the API like any client; its platform simulators live as long as this process.
        void runDemo({ apiUrl, adminKey: adminApiKey, log: (line) => console.log(`  demo: ${line.trim()}`) }).then(
          (demo) => cleanups.unshift(() => demo.close()),
          (err: unknown) => console.error(`  demo: ${explainStartupError(err) ?? String((err as Error)?.message ?? err)}`),
        );
      }
    }
  }
  if (cluster.isPrimary) {
    console.log(`  Temporal         ${temporal.address}   namespace ${env.TEMPORAL_NAMESPACE}, task queue ${env.TEMPORAL_TASK_QUEUE}${env.TEMPORAL_ADDRESS ? '' : `, dev server data ${join(env.DATA_DIR, 'temporal.sqlite')}`}`);
    if (temporal.uiUrl) console.log(`  Temporal Web UI  ${temporal.uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows`);
    console.log(`  PostgreSQL       ${postgres.description}`);
    console.log(`  Redis            ${env.REDIS_URL ? redactUrl(env.REDIS_URL) : 'not configured: the ingest buffer is a PostgreSQL table (set REDIS_URL to use Redis)'}`);
    console.log(`  Data directory   ${resolve(env.DATA_DIR)}\n`);
  }

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch (err) {
        logger.warn({ err }, 'error during shutdown');
      }
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // `kill -9` of npm leaves this process without a terminal or a parent: it stops as if told to.
  watchLauncher(() => void shutdown('npm, which started this process, is gone'));
}

/**
 * Forks `count` API processes (node:cluster: they share PORT, connections are dealt round robin) and waits until
 * each listens. One that dies is replaced; `stop` ends them (SIGTERM: each shuts down as `npm start` does).
 */
async function forkApiProcesses(count: number, env: Record<string, string>, logger: Logger): Promise<{ stop(): Promise<void> }> {
  cluster.setupPrimary({ args: [] }); // not `--demo`: the demo runs once, here
  const fork = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const api = cluster.fork(env);
      api.once('listening', () => resolve());
      api.once('exit', (code, signal) => {
        reject(new StartupError(`an API process exited while starting (${signal ?? code})`, 'see its message above'));
        // Exit code 0: it was told to stop (Ctrl-C and `kill` of the process group reach it as well as this
        // process, in either order) — not a crash to make up for.
        if (shuttingDown || code === 0) return;
        logger.error({ code, signal }, 'an API process exited; starting another');
        const replace = () => {
          if (!shuttingDown) void fork().catch((err: unknown) => logger.error({ err }, 'could not start an API process'));
        };
        setTimeout(replace, 1_000).unref();
      });
    });
  await Promise.all(Array.from({ length: count }, fork));
  return {
    async stop() {
      const running = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead()) as Worker[];
      await Promise.all(
        running.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Entries waiting in the ingest buffer above which the order starters let the intake have the machine. */
const BURST_BACKLOG = 0;
/** Orders accepted in the last second above which the intake is in a burst (a busy shop takes a few a second). */
const BURST_ORDERS_PER_SECOND = 50;
/** PostgreSQL connections each process keeps open (of its pool's 20). */
const POOL_MIN = 4;

/** For local use without configuration: a random secret made once and kept in the data directory. */
function developmentSecret(env: Env, name: string, make: () => string): string {
  const file = join(env.DATA_DIR, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** A failed start: one line naming the fix when the cause is known, the stack otherwise; the whole process group goes. */
function fail(err: unknown): void {
  const line = explainStartupError(err, { databaseUrl: databaseUrlForErrors });
  if (line) console.error(`\nnpm start: ${line}`);
  else console.error(err);
  const stops = stopOnFailure.splice(0).map((stop) => stop().catch(() => undefined));
  void Promise.race([Promise.all(stops), new Promise((done) => setTimeout(done, 15_000))]).then(() => process.exit(1));
}

/** Why the Temporal dev server did not start, in one line when the CLI is missing or unusable. */
function temporalStartError(env: Env, err: unknown): unknown {
  if (err instanceof StartupError || env.TEMPORAL_ADDRESS) return err;
  if (findTemporalCli(env.TEMPORAL_CLI_PATH)) return err;
  return new StartupError(
    `no Temporal CLI found, and downloading one through the SDK failed (${String((err as Error)?.message ?? err).split('\n')[0]?.slice(0, 160)})`,
    `install it (go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}) or set TEMPORAL_CLI_PATH, or TEMPORAL_ADDRESS to a running server`,
  );
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = u.password ? '…' : '';
    return u.toString();
  } catch {
    return url;
  }
}

main().catch(fail);
