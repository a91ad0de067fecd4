import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Order ingest: the field mapping rule sets (one per platform, replacing the built-in default), the
 * dead-letter list of entries that could not become orders, and the platform message ids already handed to
 * Temporal by the direct (no Redis) pipeline. With Redis, message ids are remembered in Redis instead.
 */

/** A platform's mapping rules (`MappingRuleSet`), validated against that platform's sample order before saving. */
export const fieldMappings = pgTable('field_mappings', {
  platform: text().primaryKey(),
  rules: jsonb().notNull(),
  version: integer().notNull().default(1),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * What could not be ingested, with the reason, never dropped. One row per platform order (`key` is
 * `<storeId>:<channelOrderId>`, or `entry:<stream id>` for an entry that cannot even be read): a later
 * failure of the same order reopens and updates it, a successful replay closes it.
 */
export const ingestDeadLetters = pgTable(
  'ingest_dead_letters',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    key: text().notNull(),
    platform: text(),
    storeId: text(),
    channelOrderId: text(),
    /** push | poll | replay, or `unknown` for an unreadable entry. */
    source: text().notNull(),
    /** mapping | status | unknown-store | poison | unreadable */
    reason: text().notNull(),
    message: text().notNull(),
    /** Mapping issues `[{ path, source?, message }]`, when the payload did not map. */
    issues: jsonb(),
    /** The ingest entry as received (without the order payload). */
    entry: jsonb(),
    /** The platform order that failed, as fetched; replays map it again. Contains personal data: not logged. */
    payload: jsonb(),
    /** How many deliveries the last failure took (poison entries: the attempts before giving up). */
    attempts: integer().notNull().default(1),
    /** How many times this order has landed here. */
    failures: integer().notNull().default(1),
    /** open | replayed */
    status: text().notNull().default('open'),
    /** Set by a successful replay. */
    orderId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    replayedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('ingest_dead_letters_key').on(t.key), index('ingest_dead_letters_status_idx').on(t.status, t.updatedAt)],
);

/**
 * The ingest buffer without Redis: pushes and polled orders acknowledged but not yet recorded as orders. The
 * ingest consumers claim entries (`claimed_until`, counting `attempts`), record them and delete them; an entry
 * whose consumer died is claimed again once its claim runs out.
 */
export const ingestBuffer = pgTable(
  'ingest_buffer',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    /** Which pipeline's buffer (one per deployment; tests and benchmarks use their own). */
    queue: text().notNull(),
    /** The `IngestEntry`, as appended. */
    entry: jsonb().notNull(),
    acceptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    claimedUntil: timestamp({ withTimezone: true }),
    /** Deliveries so far (claims), crashes included. */
    attempts: integer().notNull().default(0),
  },
  (t) => [index('ingest_buffer_claim_idx').on(t.queue, t.claimedUntil, t.id)],
);

/** Platform message ids already buffered without Redis: a redelivered push is acknowledged and skipped. */
export const ingestMessages = pgTable(
  'ingest_messages',
  {
    platform: text().notNull(),
    messageId: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.platform, t.messageId] })],
);
