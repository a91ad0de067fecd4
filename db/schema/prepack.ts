import { sql } from 'drizzle-orm';
import { bigserial, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Predictive pre-pack: behaviour events (what customers look at), the purchase-probability models trained on
 * them, and the pre-packs opened for likely buyers. A customer is known by a key, never by the phone in clear:
 * `p:<hmac of the normalised phone>` or `b:<platform buyer id>`; `customerLabel` is what people may see (the
 * phone masked as `139****1001`, or the buyer id).
 */

/** Behaviour events as drained from the buffer; the event id makes a redelivery a no-op. */
export const behaviourEvents = pgTable(
  'behaviour_events',
  {
    eventId: text().primaryKey(),
    customerKey: text().notNull(),
    customerLabel: text().notNull(),
    sku: text().notNull(),
    /** view | cart | favourite */
    type: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    dwellSeconds: integer().notNull().default(0),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('behaviour_events_customer_sku_idx').on(t.customerKey, t.sku, t.at), index('behaviour_events_received_idx').on(t.receivedAt)],
);

/** Trained models: the newest is the one that scores. Weights over the standardised features, with the evaluation. */
export const prepackModels = pgTable('prepack_models', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  trainedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** `{ featureNames, means, scales, classifier }` (see prepack/model.ts). */
  model: jsonb().notNull(),
  /** Held-back window evaluation: precision at the threshold, recall, AUC, calibration, examples. */
  evaluation: jsonb().notNull(),
  trainFrom: timestamp({ withTimezone: true }).notNull(),
  trainTo: timestamp({ withTimezone: true }).notNull(),
  testTo: timestamp({ withTimezone: true }).notNull(),
});

/**
 * One pre-pack: a unit of `sku` reserved in `warehouseId` (reservation owner `prepack:<id>`), a pick-and-pack
 * task and a virtual waybill. open → bought (a paid order took the unit) | expired (unpacked after the TTL) |
 * cancelled. At most one open pre-pack per customer × SKU.
 */
export const prepacks = pgTable(
  'prepacks',
  {
    id: text().primaryKey(),
    customerKey: text().notNull(),
    customerLabel: text().notNull(),
    sku: text().notNull(),
    probability: doublePrecision().notNull(),
    modelId: integer(),
    warehouseId: text().notNull(),
    taskId: text().notNull(),
    waybillNo: text().notNull(),
    /** open | bought | expired | cancelled */
    status: text().notNull().default('open'),
    /** Asia/Shanghai day it was opened on (the warehouse's daily cap counts these). */
    day: text().notNull(),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
    /** The order that bought the unit. */
    orderId: text(),
  },
  (t) => [
    uniqueIndex('prepacks_open_customer_sku').on(t.customerKey, t.sku).where(sql`${t.status} = 'open'`),
    index('prepacks_warehouse_day_idx').on(t.warehouseId, t.day),
    index('prepacks_customer_sku_idx').on(t.customerKey, t.sku, t.closedAt),
  ],
);

/**
 * Who placed each order, as a customer key (the orders keep the phone in clear; the model only ever sees
 * keys). Filled for new orders by the scoring job, so purchase history can be joined to behaviour in SQL.
 */
export const prepackOrderCustomers = pgTable(
  'prepack_order_customers',
  {
    orderId: text().primaryKey(),
    customerKey: text().notNull(),
    orderedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('prepack_order_customers_key_idx').on(t.customerKey, t.orderedAt)],
);
