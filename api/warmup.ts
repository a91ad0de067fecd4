/**
 * Warms the push path before the API takes traffic.
 *
 * V8 optimises a function only once it has run hot. Until then a push costs several times its steady-state CPU,
 * and a live stream's platforms open dozens of connections at once: a cold API answered the first tenth of a
 * 30,000-push burst at p99 126 ms, the rest at 21–28 ms (BENCHMARKS.md). So before the API listens, the same code
 * runs: the HTTP server, the middleware, the webhook route, each platform's parsing and signature check, the
 * pacing and the buffer's append. It runs on a private loopback port, for throwaway stores, into a scratch queue
 * of the buffer that is emptied at the end: no order, no stored message id, no log line.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { Pool } from 'undici';
import { createSimulator } from '../channels/simulators';
import type { SignedPush } from '../channels/simulators/types';
import { PLATFORMS, type Platform, type StoreCredentials } from '../channels/types';
import { discardQueue } from '../db/queries/ingest-buffer';
import { storeIdOf } from '../db/queries/stores';
import { createIngest, type IngestDeps } from '../ingest';
import { bufferKeys } from '../ingest/redis-buffer';
import type { StoreDirectory } from '../ingest/stores';
import type { Logger } from '../infra/logger';
import { channelWebhookRoutes, type PushIntake } from './routes/webhooks';

/** The buffer's queue (PostgreSQL) or key prefix (Redis) the warm-up appends to; no consumer reads it. */
export const WARMUP_QUEUE = 'oms:warmup';

export interface WarmUpOptions {
  /** The request basics every route of the API passes through (`baseApp`), to mount the webhook route on. */
  base: () => Hono;
  /** What the API's own ingest is made of (the buffer, its pacing): the warm-up's intake is made the same way. */
  ingest: Omit<IngestDeps, 'stores' | 'prefix' | 'listener'>;
  logger: Logger;
  /** Pushes sent, spread over the platforms. */
  pushes?: number;
  /** Connections they are sent over at once. */
  connections?: number;
}

/** Sends `pushes` signed pushes through the webhook route on a private port; resolves once all are answered. */
export async function warmUpPushPath({ base, ingest, logger, pushes = 2_000, connections = 16 }: WarmUpOptions): Promise<{ pushes: number; ms: number }> {
  if (pushes <= 0) return { pushes: 0, ms: 0 };
  const started = performance.now();
  const { stores, signed } = throwawayStores(Math.ceil(pushes / PLATFORMS.length));
  const scratch = createIngest({ ...ingest, stores, prefix: WARMUP_QUEUE });
  const intake: PushIntake = {
    signers: stores,
    admit: () => scratch.admit(),
    // Without their message ids: a platform's redelivery of a real message must not meet a warm-up's id.
    accept: (entries) => scratch.accept(entries.map(({ messageId: _, ...entry }) => entry)),
  };
  const app = base().route('/v1/webhooks', channelWebhookRoutes({ ingest: intake, logger }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const { port } = server.address() as AddressInfo;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections });
  let next = 0;
  let answered = 0;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = next++; i < signed.length && i < pushes; i = next++) {
          const { platform, push } = signed[i]!;
          if ((await post(pool, platform, push)) === 200) answered++;
        }
      }),
    );
  } finally {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
    await (ingest.redis ? ingest.redis.del(bufferKeys(WARMUP_QUEUE).stream) : discardQueue(ingest.db, WARMUP_QUEUE));
  }
  if (answered < Math.min(pushes, signed.length)) throw new Error(`push path warm-up: ${answered} of ${Math.min(pushes, signed.length)} pushes answered 200`);
  return { pushes: answered, ms: performance.now() - started };
}

/** One store per platform with fresh random secrets, `perPlatform` signed "paid" pushes each, interleaved. */
function throwawayStores(perPlatform: number): { stores: StoreDirectory; signed: { platform: Platform; push: SignedPush }[] } {
  const stores = new Map<string, StoreCredentials>();
  const queues = PLATFORMS.map((platform) => {
    const shopId = platform === 'wechat' ? 'gh_0000warmup00' : '7000000001';
    const credentials: StoreCredentials = {
      storeId: storeIdOf(platform, shopId),
      platform,
      shopId,
      appKey: `warmup-${platform}`,
      appSecret: randomBytes(16).toString('hex'),
      pushToken: randomBytes(16).toString('hex'),
    };
    stores.set(credentials.storeId, credentials);
    const sim = createSimulator(platform, { appKey: credentials.appKey, appSecret: credentials.appSecret, pushToken: credentials.pushToken!, shopId, seed: 1, skus: ['WARMUP-1'] });
    return Array.from({ length: perPlatform }, () => ({ platform, push: sim.signedPush({ kind: 'paid', channelOrderId: sim.idOf(sim.addOrder(sim.generateOrder())) }) }));
  });
  const signed = Array.from({ length: perPlatform }, (_, i) => queues.map((q) => q[i]!)).flat();

  const directory: StoreDirectory = {
    credentials: async (storeId) => stores.get(storeId),
    byShop: async (platform, shopId) => stores.get(storeIdOf(platform, shopId)),
    ofPlatform: async (platform) => [...stores.values()].filter((s) => s.platform === platform),
  };
  return { stores: directory, signed };
}

async function post(pool: Pool, platform: Platform, push: SignedPush): Promise<number> {
  const query = new URLSearchParams(push.query).toString();
  const res = await pool.request({ path: `/v1/webhooks/${platform}${query ? `?${query}` : ''}`, method: 'POST', headers: push.headers, body: push.body });
  await res.body.dump();
  return res.statusCode;
}
