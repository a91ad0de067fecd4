/**
 * Allocation: the rule set, what was decided per order, and the inbound goods an order may wait for
 * (internal transfers, 1688 purchase orders), plus replenishment alerts.
 *
 * Stock bookkeeping (see docs/allocation.md): `inventory.reserved` of a warehouse is the sum of its active
 * order reservations PLUS the units held by its outgoing transfers still in transit. A transfer holds its
 * units at the source from creation until receipt, whatever happens to the order, so goods on a truck are
 * never sellable anywhere.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** The allocation rule set (one row, id `default`), validated by `allocationRuleSetSchema`. */
export const allocationRules = pgTable('allocation_rules', {
  id: text().primaryKey(),
  rules: jsonb().notNull(),
  version: integer().notNull().default(1),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The allocation carried out for an order (not written for backorders). It makes the allocating activity
 * idempotent: a retry finds the row and returns the same outcome instead of reserving twice.
 */
export const orderAllocations = pgTable('order_allocations', {
  orderId: text().primaryKey(),
  rule: text().notNull(),
  /** ship | split | transfer | purchase */
  action: text().notNull(),
  reason: text().notNull(),
  /** The warehouse that ships (the local one for transfers and purchases; the first parcel's for splits). */
  warehouseId: text().notNull(),
  /** Split: one entry per parcel `{ warehouseId, lines }`. */
  parcels: jsonb(),
  transferId: text(),
  purchaseOrderId: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** Set when the order let go of it (cancelled): its reservations were released. */
  releasedAt: timestamp({ withTimezone: true }),
}, (t) => [index('order_allocations_warehouse_idx').on(t.warehouseId, t.createdAt)]);

/** An internal transfer (调拨单) of an order's shortfall to its local warehouse. */
export const transferOrders = pgTable(
  'transfer_orders',
  {
    id: text().primaryKey(),
    orderId: text(),
    fromWarehouseId: text().notNull(),
    toWarehouseId: text().notNull(),
    /** `[{ sku, quantity }]` */
    lines: jsonb().notNull(),
    /** in_transit → received */
    status: text().notNull().default('in_transit'),
    /** False once the order let go (cancelled): on receipt the units become free stock at the destination. */
    forOrder: boolean().notNull().default(true),
    distanceKm: integer(),
    eta: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    receivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('transfer_orders_status_idx').on(t.status, t.eta),
    index('transfer_orders_order_idx').on(t.orderId),
    index('transfer_orders_from_idx').on(t.fromWarehouseId, t.createdAt),
    index('transfer_orders_to_idx').on(t.toWarehouseId, t.createdAt),
  ],
);

/** A purchase order with a 1688 supplier, booked into `warehouseId` on receipt. */
export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    id: text().primaryKey(),
    orderId: text(),
    warehouseId: text().notNull(),
    /** `[{ sku, quantity, offerId, specId?, pricePerUnitFen? }]` */
    lines: jsonb().notNull(),
    /** pending → placing → ordered | failed | unknown → received; pending → cancelled */
    status: text().notNull().default('pending'),
    forOrder: boolean().notNull().default(true),
    supplier: text().notNull().default('1688'),
    /** The 1688 order id (19 digits: text, never a number). */
    supplierOrderId: text(),
    totalFen: integer(),
    postFeeFen: integer(),
    failedOffers: jsonb(),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    orderedAt: timestamp({ withTimezone: true }),
    receivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('purchase_orders_status_idx').on(t.status, t.createdAt), index('purchase_orders_order_idx').on(t.orderId)],
);

/** Available stock fell below the safety stock. At most one open alert per warehouse and SKU. */
export const replenishmentAlerts = pgTable(
  'replenishment_alerts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    warehouseId: text().notNull(),
    sku: text().notNull(),
    /** open → resolved (stock back at or above the safety stock) */
    status: text().notNull().default('open'),
    available: integer().notNull(),
    safetyStock: integer().notNull(),
    /** Units sold per day over the look-back window. */
    velocityPerDay: doublePrecision().notNull(),
    suggestedQuantity: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('replenishment_alerts_open_uq').on(t.warehouseId, t.sku).where(sql`status = 'open'`),
    index('replenishment_alerts_status_idx').on(t.status, t.createdAt),
  ],
);
