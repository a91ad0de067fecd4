import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * Order intake: what happens the moment an order is accepted, before its workflow runs.
 *
 * `stock_holds` — units held for a paid order as soon as it is accepted, so a burst never oversells while the
 * workflows catch up. Each hold sits on one warehouse row (`inventory.held` is the sum of its warehouse's
 * `held` holds) and ends exactly once: `converted` into a reservation when the order allocates, or `released`
 * (cancelled, merged duplicate, backordered, stock counted away).
 *
 * `order_intake` — the outbox of accepted orders: the workflow input, written in the same transaction as the
 * order row and its holds, and marked `started_at` once the order's workflow runs. A process that dies in
 * between leaves the row for the next starter: every accepted order reaches exactly one workflow.
 */
export const stockHolds = pgTable(
  'stock_holds',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    orderId: text().notNull(),
    warehouseId: text().notNull(),
    sku: text().notNull(),
    quantity: integer().notNull(),
    /** held → converted (allocated) | released */
    status: text().notNull().default('held'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('stock_holds_order_wh_sku').on(t.orderId, t.warehouseId, t.sku),
    index('stock_holds_active_idx').on(t.sku, t.warehouseId).where(sql`${t.status} = 'held'`),
  ],
);

export const orderIntake = pgTable(
  'order_intake',
  {
    orderId: text().primaryKey(),
    /** The Temporal task queue the workflow runs on (the starters of that queue take it). */
    taskQueue: text().notNull(),
    /** The order workflow's input (without timings, which the starter adds from its configuration). */
    input: jsonb().notNull(),
    acceptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** A starter is handing it to Temporal until then; an expired claim is taken over. */
    claimedUntil: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('order_intake_pending_idx').on(t.taskQueue, t.acceptedAt).where(sql`${t.startedAt} is null`)],
);
