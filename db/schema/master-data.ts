import { sql } from 'drizzle-orm';
import { check, doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const warehouses = pgTable('warehouses', {
  id: text().primaryKey(),
  name: text().notNull(),
  province: text().notNull(),
  city: text().notNull(),
  /** Street address and contact printed as the sender on waybills. */
  address: text().notNull().default(''),
  contactName: text(),
  contactPhone: text(),
  lat: doublePrecision(),
  lng: doublePrecision(),
  /** Shelf locations per SKU, used to sort pick lists in walking order. */
  layout: jsonb(),
  /** Orders a day (Asia/Shanghai) the warehouse can ship; allocation skips it when the day is full. Null: no cap. */
  dailyOrderCapacity: integer(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const skus = pgTable('skus', {
  sku: text().primaryKey(),
  title: text(),
  safetyStock: integer().notNull().default(0),
  supplier: jsonb(),
  /** Category for the reports (peaks by category), e.g. `cat-food`. */
  category: text(),
  /** Weight of one unit with its packaging, for carrier rules and freight cost. */
  weightGrams: integer(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Stock per warehouse and SKU. `reserved`: units allocated to orders; `held`: units held for accepted orders not
 * allocated yet (see `stock_holds`). `available = onHand - reserved - held`; the checks make overselling impossible.
 */
export const inventory = pgTable(
  'inventory',
  {
    warehouseId: text()
      .notNull()
      .references(() => warehouses.id),
    sku: text().notNull(),
    onHand: integer().notNull().default(0),
    reserved: integer().notNull().default(0),
    held: integer().notNull().default(0),
    safetyStock: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.warehouseId, t.sku] }),
    check('inventory_on_hand_non_negative', sql`${t.onHand} >= 0`),
    check('inventory_committed_within_on_hand', sql`${t.reserved} >= 0 AND ${t.held} >= 0 AND ${t.reserved} + ${t.held} <= ${t.onHand}`),
  ],
);

export const apiKeys = pgTable('api_keys', {
  id: text().primaryKey(),
  name: text().notNull(),
  /** SHA-256 of the key; the key itself is shown once, at creation. */
  keyHash: text().notNull().unique(),
  scopes: text().array().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp({ withTimezone: true }),
});
