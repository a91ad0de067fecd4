import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * Returns (after sale), written only by activities of the order workflow. The workflow is the source of truth;
 * these rows let the API find a return by id, and make receipt, restock and refund happen exactly once.
 */
export const returns = pgTable(
  'returns',
  {
    returnId: text().primaryKey(),
    orderId: text().notNull(),
    /** `api` (a person) or `channel` (a platform refund/return request). */
    source: text().notNull(),
    /** Idempotency-Key or the platform's refund id. */
    externalId: text(),
    reason: text().notNull(),
    refusedByBuyer: boolean().notNull().default(false),
    /** requested → in_transit → received; `review` while a person checks a stalled return. */
    status: text().notNull(),
    warehouseId: text().notNull(),
    /** `[{ sku, quantity, unitPriceFen }]` */
    lines: jsonb().notNull(),
    carrier: text(),
    waybillNo: text(),
    carrierStatus: text(),
    lastUpdateAt: timestamp({ withTimezone: true }),
    refundFen: integer().notNull(),
    requestedAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('returns_order_idx').on(t.orderId), index('returns_status_idx').on(t.status, t.requestedAt)],
);

/**
 * The receipt of a return: one row per return, inserted in the same transaction that puts the units back in
 * stock. Its primary key is what makes restocking happen once, however many times receipt is reported.
 */
export const returnReceipts = pgTable('return_receipts', {
  returnId: text().primaryKey(),
  orderId: text().notNull(),
  warehouseId: text().notNull(),
  /** carrier | warehouse | review */
  receivedBy: text().notNull(),
  /** Who scanned it, for warehouse receipts. */
  scannedBy: text(),
  /** `[{ sku, quantity, condition }]` */
  lines: jsonb().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Returned units that cannot be sold again, per warehouse and SKU, until someone repairs or writes them off. */
export const quarantineStock = pgTable(
  'quarantine_stock',
  {
    warehouseId: text().notNull(),
    sku: text().notNull(),
    quantity: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.sku] }), check('quarantine_stock_non_negative', sql`${t.quantity} >= 0`)],
);

/** Refunds owed for received returns (integer fen), and whether they were written back to the platform. */
export const returnRefunds = pgTable('return_refunds', {
  returnId: text().primaryKey(),
  orderId: text().notNull(),
  channel: text().notNull(),
  amountFen: integer().notNull(),
  /** recorded → written_back | not_applicable (manual orders) | manual (a person refunds on the platform) | refused (the platform said no) */
  status: text().notNull().default('recorded'),
  /** The platform's reference for the refund, once written back. */
  reference: text(),
  recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  writtenBackAt: timestamp({ withTimezone: true }),
});

/**
 * What purchasing is told about stock coming back (an outbox): returned units change the replenishment
 * suggestion. One row per (return, SKU); `notifiedAt` is set once the notifier has passed it on.
 */
export const purchasingNotifications = pgTable(
  'purchasing_notifications',
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    sku: text().notNull(),
    warehouseId: text().notNull(),
    returnId: text(),
    orderId: text(),
    /** Units back on sale. */
    resaleable: integer().notNull().default(0),
    /** Units in quarantine. */
    damaged: integer().notNull().default(0),
    message: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    notifiedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('purchasing_notifications_sku_idx').on(t.sku, t.createdAt), unique('purchasing_notifications_return_sku').on(t.returnId, t.sku)],
);
