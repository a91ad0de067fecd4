import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Same-buyer shipment merge (合单), per store; off unless a row says otherwise. */
export const shipmentMergeSettings = pgTable('shipment_merge_settings', {
  /** The order's storeId, or its channel name for orders without one (e.g. `manual`). */
  storeId: text().primaryKey(),
  enabled: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Orders of one store for the same receiver and address, allocated to one warehouse within the merge
 * window, share one pick task and one waybill. open (others may join) → sealed (picked) | closed (empty).
 */
export const mergedParcels = pgTable(
  'merged_parcels',
  {
    id: text().primaryKey(),
    /** SHA-256 of store, warehouse and receiver (name, phone, address): no personal data in clear. */
    groupKey: text().notNull(),
    storeId: text().notNull(),
    warehouseId: text().notNull(),
    taskId: text().notNull().unique(),
    status: text().notNull().default('open'),
    carrier: text(),
    waybillNo: text(),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sealedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('merged_parcels_group_idx').on(t.groupKey, t.status), index('merged_parcels_waybill_idx').on(t.carrier, t.waybillNo)],
);

/** Which orders are in a parcel, with their lines; an order that left (cancelled, readdressed) has `leftAt`. */
export const mergedParcelOrders = pgTable(
  'merged_parcel_orders',
  {
    orderId: text().primaryKey(),
    parcelId: text().notNull(),
    lines: jsonb().notNull(),
    joinedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leftAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('merged_parcel_orders_parcel_idx').on(t.parcelId)],
);
