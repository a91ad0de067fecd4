import { bigserial, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Warehouse execution: waves of pick tasks, the durable event log the PDAs stream from, carrier rules and the
 * daily load that capacity is checked against.
 */

/**
 * A wave (波次): open pick tasks of one warehouse picked together on one batch pick list in walking order,
 * then sorted into the orders. open → picking → packed (every task in it closed) | cancelled.
 */
export const waves = pgTable(
  'waves',
  {
    id: text().primaryKey(),
    warehouseId: text().notNull(),
    status: text().notNull().default('open'),
    carrier: text(),
    cutoff: timestamp({ withTimezone: true }),
    orderIds: text().array().notNull(),
    taskIds: text().array().notNull(),
    /** `[{ sku, quantity, location, orderIds, perOrder: [{orderId, quantity}] }]` in walking order. */
    pickList: jsonb().notNull(),
    /** The route chosen and the walk it needs, against picking the same orders one by one. */
    routing: text().notNull(),
    walkMeters: doublePrecision().notNull(),
    naiveWalkMeters: doublePrecision().notNull(),
    /** on-demand | schedule */
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    packedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('waves_warehouse_idx').on(t.warehouseId, t.status, t.createdAt)],
);

/**
 * What the PDAs of a warehouse are told (`task`, `wave`), in order. The id is the SSE event id, so a device
 * that reconnects with `Last-Event-ID` gets exactly what it missed, also after an API restart.
 */
export const pdaEvents = pgTable(
  'pda_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    warehouseId: text().notNull(),
    /** task | wave */
    kind: text().notNull(),
    data: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('pda_events_warehouse_idx').on(t.warehouseId, t.id)],
);

/** The carrier rule set (one row, id `default`), validated by the carrier-rule schema; first match wins. */
export const carrierRules = pgTable('carrier_rules', {
  id: text().primaryKey(),
  rules: jsonb().notNull(),
  version: integer().notNull().default(1),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Orders allocated to a warehouse per Asia/Shanghai day, counted against its daily capacity. */
export const warehouseDayLoad = pgTable(
  'warehouse_day_load',
  {
    warehouseId: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    orders: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.day] })],
);
