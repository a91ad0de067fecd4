import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Carriers } from '../carriers';
import type { Db } from '../db/client';
import type { CostRates } from '../domain/costs';
import type { Logger } from '../infra/logger';
import { createIngest, type Ingest } from '../ingest';
import type { SecretBox } from '../infra/secrets';
import { createEventBuffer, type EventBuffer } from '../prepack/events';
import type { ReplenishmentMonitor } from '../replenishment/monitor';
import type { DailyReportClient } from '../reports/push-client';
import type { OrderClient } from '../temporal/order-client';
import type { WaveClient } from '../temporal/wave-client';
import { authenticate, type ApiEnv } from './auth';
import { ApiError, errorHandler } from './errors';
import { doc, openApiRoute } from './openapi';
import { alertRoutes, type PriceRouteDeps } from './routes/alerts';
import { allocationRuleRoutes } from './routes/allocation-rules';
import { apiKeyRoutes } from './routes/api-keys';
import { carrierRuleRoutes } from './routes/carrier-rules';
import { carrierWebhookRoutes } from './routes/carrier-webhooks';
import { financeRoutes, STATEMENT_MAX_BYTES } from './routes/finance';
import { consoleRoutes } from './routes/console';
import { channelRoutes } from './routes/channels';
import { healthRoutes, type ReadinessProbe } from './routes/health';
import { ingestRoutes } from './routes/ingest';
import { inventoryRoutes } from './routes/inventory';
import { oauthCallbackRoutes } from './routes/oauth';
import { eventRoutes } from './routes/events';
import { opsRoutes } from './routes/ops';
import { orderRoutes } from './routes/orders';
import { prepackRoutes } from './routes/prepack';
import { pdaRoutes, type PdaStreamOptions } from './routes/pda';
import { purchaseRoutes } from './routes/purchases';
import { quarantineRoutes } from './routes/quarantine';
import { replenishmentRoutes } from './routes/replenishment';
import { reportRoutes } from './routes/reports';
import { orderReturnRoutes, returnRoutes } from './routes/returns';
import { shipmentMergeRoutes } from './routes/shipment-merge';
import { skuRoutes } from './routes/skus';
import { stockSyncRoutes } from './routes/stock-sync';
import { storeRoutes, type StoreChannelDeps } from './routes/stores';
import { transferRoutes } from './routes/transfers';
import { warehouseTaskRoutes } from './routes/warehouse-tasks';
import { warehouseRoutes } from './routes/warehouses';
import { warehouseWaveRoutes, waveRoutes } from './routes/waves';
import { channelWebhookRoutes } from './routes/webhooks';

export interface AppDeps {
  db: Db;
  carriers: Carriers;
  /** Encrypts store credentials at rest. */
  secrets: SecretBox;
  orders: OrderClient;
  logger: Logger;
  adminApiKey?: string | undefined;
  probes?: ReadinessProbe[];
  /** Stock went up: wake the orders waiting for these SKUs. */
  onStockReceived: (skus: string[]) => Promise<void>;
  /** Raises replenishment alerts when stock counts, receipts or safety stocks change. */
  replenishment?: ReplenishmentMonitor | undefined;
  /** Behaviour events for the pre-pack model (the same buffer as orders); default: the PostgreSQL buffer. */
  events?: EventBuffer | undefined;
  /** Order ingest (webhooks, mapping, dead letters); default: direct to Temporal, no Redis buffer. */
  ingest?: Ingest | undefined;
  /** Channel sync (OAuth token keeper, poll schedules, stock sync); without it those routes answer 503. */
  channels?: StoreChannelDeps | undefined;
  /** PDA live feed: the process's LISTEN connection (closed at shutdown, ending the streams), heartbeat, poll. */
  pda?: PdaStreamOptions | undefined;
  /** Opens waves (waveWorkflow); without it `POST /v1/warehouses/:id/waves` answers 503. */
  waves?: WaveClient | undefined;
  /** Rates of the cost report (default: DEFAULT_COST_RATES). */
  costRates?: CostRates | undefined;
  /** Pushes the daily report to WeCom (dailyReportWorkflow); without it `POST /v1/reports/daily/push` answers 503. */
  dailyReports?: DailyReportClient | undefined;
  /** Price-gap thresholds (PRICE_GAP_FEN / PRICE_GAP_PCT) and the on-demand price poll; default 10 yuan / 10%. */
  finance?: Omit<PriceRouteDeps, 'db'> | undefined;
  /** The Temporal Web UI the ops console links orders into; without a url the console shows the workflow id only. */
  temporalUi?: { url: string | undefined; namespace: string } | undefined;
}

/** The HTTP API. Stateless: it validates, then asks Temporal or reads PostgreSQL. */
export function createApp(appDeps: AppDeps) {
  // Stock counted or received also changes what the channels may sell.
  const deps = withChannelStockSync(appDeps);
  const { db, orders, logger } = deps;
  const ingest = deps.ingest ?? createIngest({ db, orders, secrets: deps.secrets, logger });
  const stock = { onStockReceived: deps.onStockReceived, replenishment: deps.replenishment };
  const prices = deps.finance ?? { thresholds: { fen: 1000, pct: 10 } };
  // One mount per resource, at its own path.
  const v1 = new Hono<ApiEnv>()
    .use(authenticate(db, deps.adminApiKey))
    .route('/orders', orderRoutes({ db, orders }))
    .route('/orders/:orderId/returns', orderReturnRoutes({ orders }))
    .route('/returns', returnRoutes({ db, orders }))
    .route('/quarantine', quarantineRoutes({ db }))
    .route('/warehouse/tasks', warehouseTaskRoutes({ db, orders }))
    .route('/pda', pdaRoutes({ db, logger, ...deps.pda }))
    .route('/warehouses', warehouseRoutes({ db }))
    .route('/warehouses/:id/waves', warehouseWaveRoutes({ db, waves: deps.waves }))
    .route('/waves', waveRoutes({ db }))
    .route('/inventory', inventoryRoutes({ db, ...stock }))
    .route('/api-keys', apiKeyRoutes({ db }))
    .route('/stores', storeRoutes({ db, secrets: deps.secrets, channels: deps.channels, signers: ingest.signers }))
    .route('/stores/:storeId/shipment-merge', shipmentMergeRoutes({ db }))
    .route('/ops', opsRoutes({ db, orders }))
    .route('/allocation/rules', allocationRuleRoutes({ db }))
    .route('/carrier-rules', carrierRuleRoutes({ db, carriers: deps.carriers }))
    .route('/transfers', transferRoutes({ db, orders, ...stock }))
    .route('/purchases', purchaseRoutes({ db, orders, ...stock }))
    .route('/skus', skuRoutes({ db, orders, replenishment: deps.replenishment, thresholds: prices.thresholds }))
    .route('/replenishment', replenishmentRoutes({ db }))
    .route('/channels', channelRoutes({ ingest }))
    .route('/ingest', ingestRoutes({ db, ingest }))
    .route('/stock-sync', stockSyncRoutes({ db }))
    .route('/events', eventRoutes({ events: deps.events ?? createEventBuffer({ db, logger }) }))
    .route('/prepack', prepackRoutes({ db }))
    .route('/finance', financeRoutes({ db, costRates: deps.costRates }))
    .route('/alerts', alertRoutes({ db, ...prices }))
    .route('/reports', reportRoutes({ db, ...(deps.costRates ? { costRates: deps.costRates } : {}), dailyReports: deps.dailyReports }));

  const app = baseApp(logger)
    .route('/', healthRoutes({ db, probes: deps.probes ?? [] }))
    // Webhooks authenticate by the sender's own signature, not by API key: mounted before the keyed routes.
    .route('/v1/webhooks/carriers', carrierWebhookRoutes({ db, orders, carriers: deps.carriers, logger }))
    .route('/v1/webhooks', channelWebhookRoutes({ ingest, logger }))
    // The seller's browser comes back from the platform's consent page: the sealed `state` authenticates it.
    .route('/v1/oauth', oauthCallbackRoutes({ db, channels: deps.channels }))
    .route('/v1', v1);
  // Generated from the routes above: their validators, scopes and summaries.
  app.get('/openapi.json', doc('This document: every route with its scopes, parameters and request body (OpenAPI 3.1)', { 200: 'OpenAPI document' }), openApiRoute(app));
  // The ops console: a page that logs in in the browser, then draws every screen from this app's /v1 answers.
  // Mounted as an application of its own: it is not part of the API (nor of /openapi.json).
  const opsConsole = consoleRoutes({ api: (path, init) => app.request(path, init), temporalUi: deps.temporalUi });
  app.mount('/console', opsConsole.fetch);
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError(errorHandler(logger));
  return app;
}

export type AppType = ReturnType<typeof createApp>;

/** What every request passes through before its route: a request id, the body limits, the request log. */
export function baseApp(logger: Logger) {
  return new Hono()
    .use(requestId())
    .use(bodyLimits())
    .use(async (c, next) => {
      const started = performance.now();
      await next();
      logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
    });
}

function withChannelStockSync(deps: AppDeps): AppDeps {
  const syncStock = deps.channels?.syncStock;
  if (!syncStock) return deps;
  return {
    ...deps,
    onStockReceived: async (skus) => {
      await Promise.all([deps.onStockReceived(skus), syncStock(skus)]);
    },
  };
}

/**
 * Request bodies up to 1 MiB; settlement statement uploads are whole months of rows, streamed: their own, larger
 * limit. A request that declares its length is judged by the header alone: Hono's `bodyLimit` looks at
 * `c.req.raw.body` first, which turns the Node adapter's lightweight request into a full web `Request` (abort
 * controller, stream) — a third of a webhook's cost at a live-stream peak. Chunked bodies are counted by it.
 */
function bodyLimits(): MiddlewareHandler {
  const tooLarge = (what: string) => () => {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', what);
  };
  const limits = [
    { maxSize: 1024 * 1024, onError: tooLarge('request body over 1 MiB') },
    { maxSize: STATEMENT_MAX_BYTES, onError: tooLarge(`statement over ${STATEMENT_MAX_BYTES / 1024 / 1024} MiB`) },
  ].map((limit) => ({ ...limit, counted: bodyLimit(limit) }));
  return (c, next) => {
    const limit = limits[c.req.path.startsWith('/v1/finance/statements/') ? 1 : 0]!;
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) return limit.counted(c, next);
    return Number(declared) > limit.maxSize ? limit.onError() : next();
  };
}
