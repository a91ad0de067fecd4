import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * SKUs a store sells, as told by `PUT /v1/stores/:storeId/skus`. Stock sync also pushes to every store an
 * order for the SKU came from, so this list is only needed for SKUs a store has not sold yet.
 */
export const storeSkus = pgTable(
  'store_skus',
  {
    storeId: text().notNull(),
    sku: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.sku] }), index('store_skus_sku_idx').on(t.sku)],
);

/**
 * One stock-sync round of one SKU: the available count read at `readAt`, pushed to every store selling the
 * SKU. `changes` stock changes (reservations, releases, shipments, counts) were coalesced into it.
 */
export const stockSyncRounds = pgTable(
  'stock_sync_rounds',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    sku: text().notNull(),
    available: integer().notNull(),
    changes: integer().notNull(),
    /** The earliest stock change this round carried to the channels. */
    firstChangeAt: timestamp({ withTimezone: true }),
    readAt: timestamp({ withTimezone: true }).notNull(),
    completedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    stores: integer().notNull(),
    pushed: integer().notNull(),
    /** Stores that do not list the SKU, or have no usable token. */
    skipped: integer().notNull(),
    /** Stores the push failed for (retried). */
    failed: integer().notNull(),
    /** Per store: {storeId, outcome, error?}. */
    outcomes: jsonb().notNull(),
  },
  (t) => [index('stock_sync_rounds_sku_idx').on(t.sku, t.completedAt)],
);

/**
 * Order accepted → every channel updated: for each order whose reservation changed a SKU's stock, when the
 * round carrying that change finished. The first such round counts.
 */
export const stockSyncOrders = pgTable(
  'stock_sync_orders',
  {
    orderId: text().notNull(),
    sku: text().notNull(),
    roundId: bigint({ mode: 'number' }).notNull(),
    /** When the order was accepted: its read-model row's creation, the first thing its workflow does. */
    acceptedAt: timestamp({ withTimezone: true }).notNull(),
    syncedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] }), index('stock_sync_orders_synced_idx').on(t.syncedAt)],
);
