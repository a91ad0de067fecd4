import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import { DEFAULT_COST_RATES, feePctList } from '../domain/costs';
import { StartupError } from '../infra/startup-error';
import { DEFAULT_TASK_QUEUE } from '../workflows/contract';

/** A duration such as `30s`, `15m`, `72h`, `7d` (or plain milliseconds), parsed to milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const millis = /^\d+$/.test(value) ? Number(value) : ms(value as StringValue);
      if (Number.isFinite(millis) && millis > 0) return millis;
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 30s, 15m, 72h or 7d` });
      return z.NEVER;
    });

const optionalUrl = z.url().optional().or(z.literal('').transform(() => undefined));

export const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),
  /** A PostgreSQL server; unset = npm start runs its own (embedded, data under DATA_DIR, never the machine's server). */
  DATABASE_URL: optionalUrl,
  /** The embedded PostgreSQL's port (127.0.0.1 only), when DATABASE_URL is unset. */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54320),
  REDIS_URL: optionalUrl,
  /** Ingest consumer (with REDIS_URL, in processes with the `worker` or `ingest` role): orders handed to Temporal at once. */
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(512),
  /** An entry a consumer read but never acknowledged (it crashed) is taken over after this long; failures retry after it too. */
  INGEST_RECLAIM_AFTER: duration('30s'),
  /** Deliveries before an entry that keeps failing is parked in the dead-letter list. */
  INGEST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * While consumers drain the buffer, a push is acknowledged once the oldest entry no consumer has taken is
   * younger than this (ingest/pacing.ts); `0` or `off` acknowledges at once whatever the backlog.
   */
  INGEST_MAX_LAG: z.union([z.enum(['0', 'off']).transform(() => 0), duration('100ms')]),
  /** How long a paced push waits at most before it is answered 503 (the platform retries it). */
  INGEST_PACING_WAIT: duration('2s'),
  /**
   * Signed pushes for throwaway stores sent through the webhook route before the API listens (api/warmup.ts),
   * so the first pushes of a burst meet optimised code; `0` skips it.
   */
  API_WARMUP_PUSHES: z.coerce.number().int().min(0).max(100_000).default(2_000),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_DEV_PORT: z.coerce.number().int().default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
  /** The Temporal Web UI the ops console links orders into, for a server started elsewhere (the dev server's is known). */
  TEMPORAL_UI_URL: optionalUrl,
  /** Order workflows each worker keeps in its sticky cache (an evicted one replays its history when it next moves). */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(500),
  /**
   * `on`: the workflow sandbox records a stack trace for every promise, for the Web UI's "Stack Trace" tab
   * (read by the patched SDK in each workflow thread; see temporal/worker.ts). It was 40% of the workflow
   * thread's time during a catch-up.
   */
  WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),
  ADMIN_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  /** 32 random bytes, base64: encrypts store credentials at rest. Generated into DATA_DIR when unset. */
  SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  PAYMENT_TIMEOUT: duration('30m'),
  AFTER_SALE_WINDOW: duration('7d'),
  RETURN_WATCH_TIMEOUT: duration('72h'),
  /** One transfer day: a T+1 transfer is due this long after it is created. */
  TRANSFER_ETA: duration('1d'),
  /** How long past its ETA a transfer may be before a review task opens (the order keeps waiting). */
  TRANSFER_GRACE: duration('12h'),
  DEDUP_WINDOW: duration('3m'),
  /** Same-buyer shipment merge: an order may join a buyer's parcel opened at most this long ago. */
  SHIPMENT_MERGE_WINDOW: duration('30m'),
  POLL_INTERVAL: duration('5m'),
  /** Each poll re-reads this much before the store's cursor, for orders the platform indexed late. */
  POLL_OVERLAP: duration('2m'),
  /** How far back the first poll of a newly connected store looks. */
  POLL_LOOKBACK: duration('1d'),
  /** Channel stock sync: at most one push round per SKU per interval; changes in between are coalesced. */
  STOCK_SYNC_INTERVAL: duration('1s'),
  /** A SKU's stock-sync workflow ends after this long without a change (the next change restarts it). */
  STOCK_SYNC_IDLE: duration('1h'),
  /** Store access tokens are refreshed this long before they expire (or at half their lifetime if sooner). Keep it above POLL_INTERVAL. */
  OAUTH_REFRESH_MARGIN: duration('30m'),
  /** Public base URL of this API that platforms send sellers back to (`/v1/oauth/<platform>/callback` is appended). Default http://127.0.0.1:PORT. */
  OAUTH_REDIRECT_URL: optionalUrl,
  /** Scheduled waves: every this long, a wave opens in each warehouse with open pick tasks not in a wave; `off`: only on demand. */
  WAVE_INTERVAL: z.union([z.literal('off').transform(() => null), duration('15m')], {
    error: (issue) => `"${String(issue.input)}" is neither a duration like 5m, 15m or 1h nor "off"`,
  }),
  /** The WeCom group robot's webhook (`…/cgi-bin/webhook/send?key=…`) the daily report is pushed to; unset: no push (503, no schedule). */
  WECOM_WEBHOOK_URL: optionalUrl,
  /** When the daily report is pushed, `HH:MM` Asia/Shanghai (a Temporal Schedule); `off`: only on demand. */
  DAILY_REPORT_AT: z.union(
    [
      z.literal('off').transform(() => null),
      z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
        .default('08:00')
        .transform((v) => ({ hour: Number(v.slice(0, 2)), minute: Number(v.slice(3, 5)) })),
    ],
    { error: (issue) => `"${String(issue.input)}" is neither a time HH:MM (Asia/Shanghai) like 08:00 nor "off"` },
  ),
  /** A cross-channel price gap over this many fen opens an alert; `off`: only PRICE_GAP_PCT counts. */
  PRICE_GAP_FEN: z.union([z.literal('off').transform(() => null), z.coerce.number().int().min(0).default(1000)], {
    error: (issue) => `"${String(issue.input)}" is neither a whole number of fen (e.g. 1000 = 10 yuan) nor "off"`,
  }),
  /** A cross-channel price gap over this percent of the lower price opens an alert (e.g. 10); `off`: only PRICE_GAP_FEN counts. */
  PRICE_GAP_PCT: z.union([z.literal('off').transform(() => null), z.coerce.number().min(0).max(10_000).default(10)], {
    error: (issue) => `"${String(issue.input)}" is neither a percent (e.g. 10) nor "off"`,
  }),
  /** Listed prices are read from every store's item API this often (a Temporal Schedule); `off`: only on demand. */
  PRICE_POLL_INTERVAL: z.union([z.literal('off').transform(() => null), duration('15m')], {
    error: (issue) => `"${String(issue.input)}" is neither a duration like 15m or 1h nor "off"`,
  }),
  /** Predictive pre-pack: customers × SKU scored at or above this purchase probability get a pre-pack. */
  PREPACK_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
  /** How often customers with new behaviour are scored (a Temporal Schedule); `off`: never. */
  PREPACK_SCORE_INTERVAL: z.union([z.literal('off').transform(() => null), duration('60s')], {
    error: (issue) => `"${String(issue.input)}" is neither a duration like 30s, 60s or 5m nor "off"`,
  }),
  /** An unbought pre-pack is unpacked and its unit released after this long. */
  PREPACK_TTL: duration('24h'),
  /** Pre-packs one warehouse may open per Asia/Shanghai day (bounds the cost of wrong guesses). */
  PREPACK_DAILY_CAP: z.coerce.number().int().min(0).default(50),
  /** How often the pre-pack model is retrained on the order and behaviour history (a Temporal Schedule). */
  PREPACK_TRAIN_INTERVAL: duration('24h'),
  /** How often a shipment's route is queried when the carrier sends no push. */
  TRACKING_INTERVAL: duration('30m'),
  /** How often an open return's reverse waybill is queried (active tracking beside the carrier's pushes). */
  RETURN_TRACKING_INTERVAL: duration('30m'),
  /** Which processes this one runs: `api`, `worker` or both (the default, for local use); `ingest` runs only the ingest consumer (the worker runs one too). */
  ROLES: z
    .string()
    .default('api,worker')
    .transform((v) => new Set(v.split(',').map((r) => r.trim())))
    .pipe(z.set(z.enum(['api', 'worker', 'ingest'])).min(1)),
  /**
   * Processes serving the API (the `api` role), sharing PORT: above 1, `npm start` forks them (node:cluster) and
   * keeps the worker and the ingest in its own process, so a live-stream burst's acknowledgements and its intake
   * run on cores of their own. Opt-in: on 2 cores a second API process only contends with the load it serves
   * (measured in BENCHMARKS.md), and PDA streams across several API processes are not yet proven.
   */
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  /** Fulfilment cost rates for the cost report (integer fen; the commission in percent per channel). */
  LABOUR_FEN_PER_ORDER: z.coerce.number().int().min(0).default(DEFAULT_COST_RATES.labourFenPerOrder),
  LABOUR_FEN_PER_LINE: z.coerce.number().int().min(0).default(DEFAULT_COST_RATES.labourFenPerLine),
  TRANSFER_FEN_PER_UNIT: z.coerce.number().int().min(0).default(DEFAULT_COST_RATES.transferFenPerUnit),
  PLATFORM_FEE_PCT: feePctList.default({ ...DEFAULT_COST_RATES.platformFeePct }),
  /** Sender phone on waybills of warehouses registered without a contact phone. */
  DEFAULT_SENDER_PHONE: z.string().min(5).default('4008000000'),
  DEFAULT_CARRIER: z.enum(['sf', 'jd']).default('sf'),
  SF_BASE_URL: optionalUrl,
  SF_PARTNER_ID: z.string().optional(),
  SF_CHECKWORD: z.string().optional(),
  JD_BASE_URL: optionalUrl,
  JD_APP_KEY: z.string().optional(),
  JD_APP_SECRET: z.string().optional(),
  JD_ACCESS_TOKEN: z.string().optional(),
  JD_CUSTOMER_CODE: z.string().optional(),
  /** 1688 open platform (purchasing). With none set, the built-in 1688 simulator serves. */
  ALIBABA_1688_BASE_URL: optionalUrl,
  ALIBABA_1688_APP_KEY: z.string().optional(),
  ALIBABA_1688_APP_SECRET: z.string().optional(),
  ALIBABA_1688_ACCESS_TOKEN: z.string().optional(),
  /** Where the built-in carrier simulators send route pushes (this API by default). */
  CARRIER_CALLBACK_URL: optionalUrl,
  /** Built-in carrier simulators: parcels are picked up after SIM_PICKUP_DELAY and delivered after SIM_DELIVERY_DELAY. */
  SIM_PICKUP_DELAY: duration('20s'),
  SIM_DELIVERY_DELAY: duration('2m'),
});
export type Env = z.output<typeof envSchema>;

/** Parses the environment once at start-up; a bad variable stops the process with a message naming it. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const named = parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`);
  throw new StartupError(`bad environment value: ${named.join('; ')}`, 'correct or unset it (README, "Configuration")');
}
