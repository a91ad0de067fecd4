import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** Read model of the order workflows. Written only by activities; the workflow is the source of truth. */
export const orders = pgTable(
  'orders',
  {
    orderId: text().primaryKey(),
    workflowId: text().notNull(),
    channel: text().notNull(),
    channelOrderId: text().notNull(),
    storeId: text(),
    status: text().notNull(),
    statusSince: timestamp({ withTimezone: true }).notNull(),
    /** Sequence number of the last timeline event applied, so a late retry never rolls the status back. */
    lastEventSeq: integer().notNull().default(0),
    urgent: boolean().notNull().default(false),
    warehouseId: text(),
    customer: jsonb().notNull(),
    shippingAddress: jsonb().notNull(),
    totalFen: integer().notNull(),
    buyerMessage: text(),
    mergedInto: text(),
    orderedAt: timestamp({ withTimezone: true }).notNull(),
    paidAt: timestamp({ withTimezone: true }),
    /** When the first parcel left; `shippedAt − paidAt` is the dispatch time. */
    shippedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('orders_channel_order').on(t.channel, t.channelOrderId),
    index('orders_status_idx').on(t.status, t.orderedAt),
    index('orders_ordered_at_idx').on(t.orderedAt, t.orderId),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    orderId: text()
      .notNull()
      .references(() => orders.orderId),
    sku: text().notNull(),
    quantity: integer().notNull(),
    unitPriceFen: integer().notNull(),
    title: text(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] }), index('order_lines_sku_idx').on(t.sku)],
);

/** The timeline. `(orderId, seq)` is unique so a retried activity writes each event once. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    orderId: text().notNull(),
    seq: integer().notNull(),
    type: text().notNull(),
    status: text(),
    at: timestamp({ withTimezone: true }).notNull(),
    data: jsonb(),
  },
  (t) => [unique('order_events_order_seq').on(t.orderId, t.seq), index('order_events_type_at_idx').on(t.type, t.at)],
);

export const reservations = pgTable(
  'reservations',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    orderId: text().notNull(),
    warehouseId: text().notNull(),
    sku: text().notNull(),
    quantity: integer().notNull(),
    /** active → consumed (shipped) | released (cancelled, merged, returned). */
    status: text().notNull().default('active'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('reservations_order_wh_sku').on(t.orderId, t.warehouseId, t.sku),
    index('reservations_sku_idx').on(t.sku, t.status),
  ],
);

/** Work handed to a warehouse: pick lists (in walking order) and later receipts. Completed from the PDA. */
export const warehouseTasks = pgTable(
  'warehouse_tasks',
  {
    id: text().primaryKey(),
    orderId: text().notNull(),
    warehouseId: text().notNull(),
    kind: text().notNull(),
    status: text().notNull().default('open'),
    lines: jsonb().notNull(),
    /** The carrier the carrier rules chose when the task opened (waves group by it), and that rule's id. */
    carrier: text(),
    carrierRuleId: text(),
    /** The wave it is picked in (null: not in a wave yet). */
    waveId: text(),
    /** Pack check: units scanned per SKU (`{ [sku]: quantity }`). */
    scanned: jsonb().notNull().default({}),
    /** How the pack was confirmed: `scanned` (every unit scanned) | `unverified` (confirmed without scanning). */
    packCheck: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('warehouse_tasks_open_idx').on(t.warehouseId, t.status), index('warehouse_tasks_wave_idx').on(t.waveId)],
);

export const shipments = pgTable(
  'shipments',
  {
    id: text().primaryKey(),
    orderId: text().notNull(),
    warehouseId: text().notNull(),
    direction: text().notNull(),
    carrier: text().notNull(),
    waybillNo: text().notNull(),
    status: text().notNull(),
    /** Freight by the carrier's cost model, and the carrier rule that chose the carrier (null: the default carrier). */
    costFen: integer(),
    carrierRuleId: text(),
    lastEventAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('shipments_carrier_waybill').on(t.carrier, t.waybillNo),
    index('shipments_order_idx').on(t.orderId),
    index('shipments_warehouse_idx').on(t.warehouseId, t.createdAt),
  ],
);

/** Idempotency-Key of POST /v1/orders: the same key with another body is refused. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text().primaryKey(),
  requestHash: text().notNull(),
  orderId: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Work for a person: stalled returns, double payments, late transfers, … */
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    orderId: text(),
    reason: text().notNull(),
    data: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolution: text(),
  },
  (t) => [index('review_tasks_open_idx').on(t.resolvedAt, t.createdAt)],
);
