/**
 * A complete OMS for one test file, on the real services the global setup started: PostgreSQL, Temporal
 * (own task queue, so files run in parallel), the SF simulator as carrier, and the HTTP app.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import type { PdaStreamOptions } from '../../api/routes/pda';
import type { StoreChannelDeps } from '../../api/routes/stores';
import { createStoreTokens, tokenRefreshingDirectory, type StoreTokens } from '../../channels/oauth-tokens';
import { createCarriers } from '../../carriers';
import { startCarrierSimulator, type RunningSimulator } from '../../carriers/simulators';
import { connectDatabase, type Database } from '../../db/client';
import { createLogger } from '../../infra/logger';
import { createSecretBox, type SecretBox } from '../../infra/secrets';
import { createIngest, type Ingest, type IngestPipeline, type RunningConsumer } from '../../ingest';
import { createStoreDirectory } from '../../ingest/stores';
import { Redis } from 'ioredis';
import { createAlibaba1688Client } from '../../purchasing/alibaba1688';
import { startPurchaseSimulator, type PurchaseSimulatorOptions, type RunningPurchaseSimulator } from '../../purchasing/simulator';
import { createReplenishmentMonitor } from '../../replenishment/monitor';
import { createDailyReportClient } from '../../reports/push-client';
import { createLogNotifier, type ReplenishmentAlert, type ReplenishmentNotifier } from '../../replenishment/notifier';
import { createIntake } from '../../ingest/intake';
import { createOrderClient, type OrderClient } from '../../temporal/order-client';
import { startOrderStarter } from '../../temporal/order-starter';
import { createPollSchedules, type PollSchedules } from '../../temporal/schedules';
import { createStockSyncTrigger, soldOutRounds } from '../../temporal/stock-sync';
import { createWaveClient } from '../../temporal/wave-client';
import { createWorker, type OmsWorker } from '../../temporal/worker';
import type { DailyReportInput, OrderTimings } from '../../workflows/contract';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface Stack {
  db: Database['db'];
  client: Client;
  orders: OrderClient;
  carrier: RunningSimulator;
  /** With `carrier: 'both'`: the JD simulator (SF is `carrier` and the default carrier). */
  jd?: RunningSimulator;
  /** The 1688 simulator purchases go to (signature-checked). */
  purchasing: RunningPurchaseSimulator;
  /** Every replenishment alert pushed through the notifier, oldest first. */
  replenishmentAlerts: ReplenishmentAlert[];
  /** The API's base URL when started with `serveHttp` (the simulator pushes to its carrier webhook). */
  apiUrl?: string;
  /** Order ingest as the app uses it (direct unless started with `ingest.redis`). */
  ingest: Ingest;
  /** With `ingest.redis`: the connection, under a key prefix of this stack's own, and the running consumer. */
  redis?: Redis;
  consumer?: RunningConsumer;
  /** The key the store secrets are sealed with (base64), for a consumer in another process. */
  secretsKey: string;
  secrets: SecretBox;
  /** Store OAuth tokens: refreshed ahead of expiry, one process at a time. */
  tokens: StoreTokens;
  /** With `channels`: poll schedules (this stack's are deleted on close) and the stock-sync trigger. */
  schedules?: PollSchedules;
  syncStock?: (skus: string[]) => Promise<void>;
  app: ReturnType<typeof createApp>;
  taskQueue: string;
  /** `app.request` with the admin key and JSON encoding. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export const FAST_TIMINGS: OrderTimings = {
  paymentTimeoutMs: 60_000,
  afterSaleWindowMs: 2_000,
  returnWatchTimeoutMs: 60_000,
  trackingIntervalMs: 1_000,
  returnTrackingIntervalMs: 1_000,
  dedupWindowMs: 3 * 60_000,
  shipmentMergeWindowMs: 60_000,
  transferEtaMs: 60_000,
  transferGraceMs: 60_000,
};

export interface StackOptions {
  timings?: Partial<OrderTimings>;
  carrierTiming?: { pickupAfterMs?: number; deliverAfterMs?: number; returnPickupAfterMs?: number; returnDeliverAfterMs?: number };
  /** Which carrier (simulator) serves, default SF; `both`: SF (the default carrier) and JD. */
  carrier?: 'sf' | 'jd' | 'both';
  /** The activities' clock (the Asia/Shanghai day warehouse capacity counts against). */
  now?: () => Date;
  /** Prices and sold-out offers of the 1688 simulator. */
  purchasing?: Pick<PurchaseSimulatorOptions, 'pricesFen' | 'postFeeFen' | 'unavailableOffers'>;
  /** Serve the API on a real port and let the carrier simulator push to `POST /v1/webhooks/carriers/:carrier`. */
  serveHttp?: boolean;
  /**
   * Order ingest. `redis`: webhooks append to a Redis stream (own key prefix, on `inject('redisUrl')`) and a
   * consumer drains it (`consumer: false` starts none); otherwise the buffer is a PostgreSQL table, drained the same way.
   */
  ingest?: { redis?: boolean; consumer?: boolean; reclaimAfterMs?: number; maxAttempts?: number; concurrency?: number };
  /**
   * Channel sync (docs/channels-sync.md): a poll schedule per store connected through the API, stock pushed to
   * the channels after every change, the ingest reading tokens through the token keeper. `pipeline` replaces
   * the ingest pipeline polls hand their orders to. Durations in milliseconds.
   */
  channels?: { pollIntervalMs?: number; pollLookbackMs?: number; stockSyncIntervalMs?: number; refreshMarginMs?: number; pipeline?: IngestPipeline };
  /** PDA live feed: heartbeat and safety-net poll intervals (its LISTEN connection closes with the last stream). */
  pda?: PdaStreamOptions;
  /** The daily report's WeCom push: the robot to send to (a stand-in) and the retries of each message. */
  reports?: { wecomWebhookUrl: string; retry?: DailyReportInput['retry'] };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = connectDatabase(inject('databaseUrl'), { max: 10 });
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `test-${randomUUID()}`;

  const carrierCredentials = { partnerId: 'OMS_TEST', checkword: 'test-checkword' };
  const jdCredentials = { appKey: 'oms-test', appSecret: 'test-jd-secret', accessToken: 'test-jd-token', customerCode: 'OMS_TEST' };
  const carrierName = options.carrier === 'jd' ? 'jd' : 'sf';
  const carrierTiming = {
    pickupAfterMs: options.carrierTiming?.pickupAfterMs ?? 200,
    deliverAfterMs: options.carrierTiming?.deliverAfterMs ?? 1_500,
    ...(options.carrierTiming?.returnPickupAfterMs === undefined ? {} : { returnPickupAfterMs: options.carrierTiming.returnPickupAfterMs }),
    ...(options.carrierTiming?.returnDeliverAfterMs === undefined ? {} : { returnDeliverAfterMs: options.carrierTiming.returnDeliverAfterMs }),
  };
  const carrier =
    carrierName === 'jd'
      ? await startCarrierSimulator('jd', { ...jdCredentials, ...carrierTiming })
      : await startCarrierSimulator('sf', { ...carrierCredentials, ...carrierTiming });
  const jd = options.carrier === 'both' ? await startCarrierSimulator('jd', { ...jdCredentials, ...carrierTiming }) : undefined;
  const carriers =
    carrierName === 'jd'
      ? createCarriers({ defaultCarrier: 'jd', jd: { baseUrl: carrier.baseUrl, ...jdCredentials } })
      : createCarriers({ defaultCarrier: 'sf', sf: { baseUrl: carrier.baseUrl, ...carrierCredentials }, ...(jd ? { jd: { baseUrl: jd.baseUrl, ...jdCredentials } } : {}) });
  const timings = { ...FAST_TIMINGS, ...options.timings };
  const secretsKey = randomBytes(32);
  const secrets = createSecretBox(secretsKey);
  const purchaseCredentials = { appKey: 'oms-test-1688', appSecret: 'test-1688-secret', accessToken: 'test-1688-token' };
  const purchaseSimulator = await startPurchaseSimulator({ ...purchaseCredentials, ...options.purchasing });
  const purchasing = createAlibaba1688Client({ ...purchaseCredentials, baseUrl: purchaseSimulator.baseUrl });
  const replenishmentAlerts: ReplenishmentAlert[] = [];
  const logNotifier = createLogNotifier(logger);
  // The production log notifier, and every alert kept for the test to look at.
  const notifier: ReplenishmentNotifier = {
    name: 'log+test',
    async notify(alert) {
      replenishmentAlerts.push(alert);
      await logNotifier.notify(alert);
    },
  };
  const replenishment = createReplenishmentMonitor({ db: database.db, notifier, logger });

  const tokens = createStoreTokens({ db: database.db, secrets, logger, refreshMarginMs: options.channels?.refreshMarginMs ?? 30 * 60_000 });
  const channelPoll = { overlapMs: 60_000, lookbackMs: options.channels?.pollLookbackMs ?? 60 * 60_000, chunkMs: 60 * 60_000 };
  const scheduled = new Set<string>();
  const pollSchedules = options.channels
    ? createPollSchedules({ client, taskQueue, intervalMs: options.channels.pollIntervalMs ?? 5 * 60_000, logger })
    : undefined;
  const schedules: PollSchedules | undefined = pollSchedules && {
    ...pollSchedules,
    upsert: async (storeId) => {
      scheduled.add(storeId);
      await pollSchedules.upsert(storeId);
    },
  };
  const syncStock = options.channels
    ? createStockSyncTrigger({
        client,
        taskQueue,
        intervalMs: options.channels.stockSyncIntervalMs ?? 500,
        idleMs: 60_000,
        logger,
        pushSoldOut: soldOutRounds({ db: database.db, logger, channels: { tokens, poll: channelPoll } }),
      })
    : undefined;
  const intake = createIntake({ db: database.db, taskQueue: taskQueue, logger, onStockChanged: syncStock, onAccepted: () => starter.wake() });
  const orders = createOrderClient({ client, db: database.db, taskQueue, timings, intake });
  const starter = startOrderStarter({ db: database.db, taskQueue: taskQueue, start: orders.startAccepted, logger, idleMs: 200, dedupWindowMs: timings.dedupWindowMs });
  // Polls hand orders to the app's ingest (created below) unless the test brings its own pipeline.
  const pollPipeline: IngestPipeline = { enqueue: async (entries) => void (await (options.channels?.pipeline ?? ingest.pipeline).enqueue(entries)) };

  const worker: OmsWorker = await createWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({
      db: database.db,
      carriers,
      logger,
      backorders: orders,
      defaultSenderPhone: '057100000000',
      ...(options.now ? { now: options.now } : {}),
      purchasing,
      replenishment,
      ...(syncStock ? { onStockChanged: syncStock } : {}),
      channels: { tokens, ingest: pollPipeline, poll: channelPoll },
      ...(options.reports ? { reports: { wecomWebhookUrl: options.reports.wecomWebhookUrl } } : {}),
    }),
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();

  const redis = options.ingest?.redis ? new Redis(inject('redisUrl')) : undefined;
  const ingest = createIngest({
    db: database.db,
    orders,
    secrets,
    logger,
    redis,
    prefix: `test:${taskQueue}`,
    ...(options.channels ? { stores: tokenRefreshingDirectory(createStoreDirectory(database.db, secrets), tokens) } : {}),
  });
  const channelDeps: StoreChannelDeps = { tokens, schedules, oauthRedirectBase: 'http://oms.test', syncStock };
  const consumer =
    options.ingest?.consumer !== false
      ? await ingest.startConsumer({
          blockMs: 200,
          reclaimAfterMs: options.ingest?.reclaimAfterMs ?? 2_000,
          maxAttempts: options.ingest?.maxAttempts ?? 3,
          concurrency: options.ingest?.concurrency ?? 16,
        })
      : undefined;

  const app = createApp({
    db: database.db,
    carriers,
    secrets,
    orders,
    logger,
    adminApiKey: ADMIN_KEY,
    onStockReceived: (skus) => orders.restock(skus),
    replenishment,
    ingest,
    channels: channelDeps,
    pda: options.pda,
    waves: createWaveClient({ client, taskQueue }),
    dailyReports: options.reports ? createDailyReportClient({ client, taskQueue, retry: options.reports.retry }) : undefined,
  });

  let server: Server | undefined;
  let apiUrl: string | undefined;
  if (options.serveHttp) {
    const port = await new Promise<number>((resolve, reject) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port)) as Server;
      server.once('error', reject);
    });
    apiUrl = `http://127.0.0.1:${port}`;
    carrier.sim.setCallbackUrl(`${apiUrl}/v1/webhooks/carriers/${carrierName}`);
    jd?.sim.setCallbackUrl(`${apiUrl}/v1/webhooks/carriers/jd`);
  }

  return {
    db: database.db,
    client,
    orders,
    carrier,
    ...(jd ? { jd } : {}),
    purchasing: purchaseSimulator,
    replenishmentAlerts,
    ...(apiUrl ? { apiUrl } : {}),
    secrets,
    tokens,
    ...(schedules ? { schedules } : {}),
    ...(syncStock ? { syncStock } : {}),
    secretsKey: secretsKey.toString('base64'),
    ingest,
    ...(redis ? { redis } : {}),
    ...(consumer ? { consumer } : {}),
    app,
    taskQueue,
    async call(method, path, body, headers = {}) {
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      for (const storeId of scheduled) await pollSchedules?.remove(storeId);
      await consumer?.stop();
      await starter.stop();
      if (redis) {
        const keys = await redis.keys(`test:${taskQueue}:*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      carrier.sim.setCallbackUrl(undefined);
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          closing.closeAllConnections();
        });
      }
      await carrier.close();
      await jd?.close();
      await purchaseSimulator.close();
      await database.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined), failing after `timeoutMs`; `progress` says where things stand. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition', progress?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${progress ? ` (${progress()})` : ''}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let counter = 0;
/** Unique ids per test, so tests share one database without seeing each other. */
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
