/** Channel stock sync, observed: the rounds pushed, and how long accepted orders took to reach every channel. */
import { desc, eq, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { stockSyncOrders, stockSyncRounds } from '../schema';

/** Newest first. */
export async function listStockSyncRounds(db: DbOrTx, f: { sku?: string | undefined; limit: number }) {
  return db
    .select()
    .from(stockSyncRounds)
    .where(f.sku ? eq(stockSyncRounds.sku, f.sku) : undefined)
    .orderBy(desc(stockSyncRounds.id))
    .limit(f.limit);
}

/** Order accepted → every channel updated (percentiles over orders synced since), and the rounds completed since. */
export async function stockSyncLatency(db: DbOrTx, since: Date) {
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
    .where(gte(stockSyncRounds.completedAt, since));
  return { orders, rounds };
}
