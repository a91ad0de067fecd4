import { bigint, boolean, date, index, integer, pgTable, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { orders } from './orders';

/**
 * One narrow row per order with what the reports count: when it reached each stage, where it went, what it held
 * and what fulfilling it cost. The reports scan this instead of joining the timeline, the lines and the shipments
 * order by order. PostgreSQL keeps it: triggers on the tables it is derived from mark an order whenever one of them
 * changes (`order_facts_pending`, migration 0016), so no write path can forget it and a replayed write changes
 * nothing; the marked rows are recomputed in batches, off the write's path (`refresh_pending_order_facts`: by a
 * background job between bursts, and by every report before it reads). Days and hours are Asia/Shanghai.
 */
export const orderFacts = pgTable(
  'order_facts',
  {
    orderId: text()
      .primaryKey()
      .references(() => orders.orderId, { onDelete: 'cascade' }),
    orderedAt: timestamp({ withTimezone: true }).notNull(),
    /** Shanghai calendar day, ISO weekday (1 = Monday) and hour of `orderedAt`. */
    day: date().notNull(),
    weekday: smallint().notNull(),
    hour: smallint().notNull(),
    channel: text().notNull(),
    warehouseId: text(),
    province: text(),
    city: text(),
    /** A merged duplicate: not an order of its own, left out of every report. */
    merged: boolean().notNull(),
    totalFen: bigint({ mode: 'number' }).notNull(),
    paidAt: timestamp({ withTimezone: true }),
    /** First SHIPPED / DELIVERED timeline event, first return requested. */
    shippedAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    returnedAt: timestamp({ withTimezone: true }),
    lineCount: integer().notNull(),
    units: integer().notNull(),
    /** The distinct SKUs of the order, sorted (the basket of co-purchase, the filter of peaks). */
    skus: text().array().notNull(),
    /**
     * The basket as the integers co-purchase counts (migration 0017): the `sku_dictionary` ids of those SKUs,
     * ascending, the first one negated (it counts the order as well as that SKU), then each pair of them as
     * `sku_pair_key(a, b)` (a < b; a << 32 | b with the low half scrambled by a, so PostgreSQL's bigint hash
     * spreads the pairs; always ≥ 2³², so above every SKU id).
     */
    basketKeys: bigint({ mode: 'bigint' }).array().notNull().default([]),
    /** The distinct categories of those SKUs, sorted (kept when a SKU's category changes). */
    categories: text().array().notNull().default([]),
    /** Recorded freight of its forward shipments, units transferred for it, freight of its urgent purchases. */
    carrierFen: integer().notNull(),
    forwardShipped: boolean().notNull(),
    transferUnits: integer().notNull(),
    purchaseFreightFen: integer().notNull(),
  },
  (t) => [
    index('order_facts_ordered_at_idx').on(t.orderedAt),
    // Units as the index's last column: a warehouse's shipped units over 30 days are read from the index alone.
    index('order_facts_warehouse_shipped_idx').on(t.warehouseId, t.shippedAt, t.units),
  ],
);

/**
 * Orders whose `order_facts` row is behind the tables it is derived from. Written by the triggers in the same
 * transaction as the change (a primary-key insert, cheap enough for a live-stream intake), emptied by
 * `refresh_pending_order_facts`.
 */
export const orderFactsPending = pgTable('order_facts_pending', {
  orderId: text().primaryKey(),
  markedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every SKU the report facts have met, numbered once (an id is never reused nor changed, and stays after the SKU's
 * last order is gone): `order_facts.basket_keys` holds these ids, so co-purchase counts integers, not text.
 * Filled by `refresh_order_facts` when it first meets a SKU.
 */
export const skuDictionary = pgTable('sku_dictionary', {
  id: serial().primaryKey(),
  sku: text().notNull().unique(),
});
