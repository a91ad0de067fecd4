import { and, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { stockSyncOrders, stockSyncRounds } from '../../db/schema';
import { requireScope, type Caller } from '../auth';
import { validate } from '../validate';

export const stockSyncRoundsQuery = z.object({
  sku: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const stockSyncLatencyQuery = z.object({
  /** ISO time; default 24 hours ago. */
  since: z.iso.datetime({ offset: true }).optional(),
});

/** Channel stock sync, observed: the rounds pushed, and how long orders took to reach every channel. */
export function stockSyncRoutes({ db }: { db: Db }) {
  return new Hono<{ Variables: { caller: Caller } }>()
    .use(requireScope('ops'))
    .get('/rounds', validate('query', stockSyncRoundsQuery), async (c) => {
      const { sku, limit } = c.req.valid('query');
      const where: SQL | undefined = sku ? eq(stockSyncRounds.sku, sku) : undefined;
      const rows = await db.select().from(stockSyncRounds).where(where).orderBy(desc(stockSyncRounds.id)).limit(limit);
      return c.json(rows);
    })
    .get('/latency', validate('query', stockSyncLatencyQuery), async (c) => {
      const since = new Date(c.req.valid('query').since ?? Date.now() - 24 * 60 * 60 * 1000);
      const lag = sql`extract(epoch from (${stockSyncOrders.syncedAt} - ${stockSyncOrders.acceptedAt})) * 1000`;
      const [orders] = await db
        .select({
          count: sql<number>`count(*)::int`,
          p50Ms: sql<number | null>`round(percentile_cont(0.5) within group (order by ${lag}))::int`,
          p90Ms: sql<number | null>`round(percentile_cont(0.9) within group (order by ${lag}))::int`,
          p99Ms: sql<number | null>`round(percentile_cont(0.99) within group (order by ${lag}))::int`,
          maxMs: sql<number | null>`round(max(${lag}))::int`,
        })
        .from(stockSyncOrders)
        .where(gte(stockSyncOrders.syncedAt, since));
      const [rounds] = await db
        .select({
          count: sql<number>`count(*)::int`,
          changes: sql<number>`coalesce(sum(${stockSyncRounds.changes}), 0)::int`,
          pushes: sql<number>`coalesce(sum(${stockSyncRounds.pushed}), 0)::int`,
          failedRounds: sql<number>`count(*) filter (where ${stockSyncRounds.failed} > 0)::int`,
        })
        .from(stockSyncRounds)
        .where(and(gte(stockSyncRounds.completedAt, since)));
      return c.json({ since: since.toISOString(), orderAcceptedToChannelsUpdated: orders, rounds });
    });
}
