import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listStockSyncRounds, stockSyncLatency } from '../../db/queries/stock-sync';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

const stockSyncRoundsQuery = z.object({
  sku: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const stockSyncLatencyQuery = z.object({
  /** ISO time; default 24 hours ago. */
  since: z.iso.datetime({ offset: true }).optional(),
});

/** `/v1/stock-sync`: channel stock sync, observed: the rounds pushed, and how long orders took to reach every channel. */
export function stockSyncRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>()
    .use(requireScope('ops'))
    .get(
      '/rounds',
      doc('Channel stock-sync rounds, newest first (?sku=&limit=): count pushed, changes coalesced, per-store outcome (pushed, not_listed, not_authorized, refused, failed)', {
        200: '[{id, sku, available, changes, firstChangeAt, readAt, completedAt, stores, pushed, skipped, failed, outcomes}]',
      }),
      validate('query', stockSyncRoundsQuery),
      async (c) => c.json(await listStockSyncRounds(db, c.req.valid('query'))),
    )
    .get(
      '/latency',
      doc('Order accepted → every channel updated (?since=ISO, default 24h): p50/p90/p99/max over orders whose reservation was pushed, and rounds/pushes/changes', {
        200: '{since, orderAcceptedToChannelsUpdated: {count, p50Ms, p90Ms, p99Ms, maxMs}, rounds: {count, changes, pushes, failedRounds}}',
      }),
      validate('query', stockSyncLatencyQuery),
      async (c) => {
        const since = new Date(c.req.valid('query').since ?? Date.now() - 24 * 60 * 60 * 1000);
        const { orders, rounds } = await stockSyncLatency(db, since);
        return c.json({ since: since.toISOString(), orderAcceptedToChannelsUpdated: orders, rounds });
      },
    );
}
