/** Channel stock sync, observed: the rounds pushed, and how long accepted orders took to reach every channel. */
import { desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import { orders, stockSyncOrders, stockSyncRounds } from '../schema';

/** Two-key advisory lock namespace of a SKU's push rounds: (this, hashtext(sku)). */
const PUSH_ROUND_LOCK = 4_801_311;

/**
 * Runs one push round of a SKU holding the SKU's round lock, waiting for it: rounds of one SKU never overlap,
 * whichever process runs them (its stock-sync workflow, or an intake pushing a sell-out at once). A round
 * reads the count after it has the lock and pushes before letting go, so a count read earlier can never reach a
 * store after one read later.
 */
export async function underSkuRoundLock<T>(db: Db, sku: string, round: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PUSH_ROUND_LOCK}, hashtext(${sku}))`);
    return round(tx);
  });
}

/** What the channels are told of a SKU: available units over every warehouse (never below 0 per row), and when it was read. */
export async function channelAvailable(db: DbOrTx, sku: string): Promise<{ available: number; readAt: Date }> {
  const read = await db.execute<{ available: number; read_at: Date }>(
    sql`select coalesce(sum(greatest(on_hand - reserved - held, 0)), 0)::int as available, now() as read_at from inventory where sku = ${sku}`,
  );
  const { available, read_at: readAt } = read.rows[0] ?? { available: 0, read_at: new Date() };
  return { available, readAt: new Date(readAt) };
}

/** One push round of a SKU to the stores selling it, as it ended. */
export async function insertStockSyncRound(db: DbOrTx, round: typeof stockSyncRounds.$inferInsert): Promise<{ id: number; completedAt: Date } | undefined> {
  const [row] = await db.insert(stockSyncRounds).values(round).returning({ id: stockSyncRounds.id, completedAt: stockSyncRounds.completedAt });
  return row;
}

/** Order accepted (its row, written first thing by its workflow) → the round that carried its change. Once per order and SKU. */
export async function recordSyncedOrders(db: DbOrTx, p: { sku: string; round: { id: number; completedAt: Date }; orderIds: string[] }): Promise<void> {
  await db.execute(sql`
    insert into ${stockSyncOrders} (order_id, sku, round_id, accepted_at, synced_at)
    select ${orders.orderId}, ${p.sku}, ${p.round.id}, ${orders.createdAt}, ${p.round.completedAt} from ${orders}
    where ${inArray(orders.orderId, p.orderIds)}
    on conflict do nothing`);
}

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
