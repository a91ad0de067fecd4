import { integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * A connected shop on a platform. Secrets (`*Sealed`) are encrypted with the SecretBox and never leave the
 * server through the API.
 */
export const stores = pgTable(
  'stores',
  {
    id: text().primaryKey(),
    platform: text().notNull(),
    shopId: text().notNull(),
    name: text(),
    appKey: text().notNull(),
    appSecretSealed: text().notNull(),
    pushTokenSealed: text(),
    accessTokenSealed: text(),
    refreshTokenSealed: text(),
    accessTokenExpiresAt: timestamp({ withTimezone: true }),
    refreshTokenExpiresAt: timestamp({ withTimezone: true }),
    /** When the current access token was obtained: with its expiry, how long it lives (refresh at half-life at the latest). */
    tokenRefreshedAt: timestamp({ withTimezone: true }),
    /** Why the store cannot get a token any more (refresh refused): the seller must authorize again. */
    authError: text(),
    /** Overrides the platform gateway (sandbox, simulator). */
    baseUrl: text(),
    /** Incremental poll: orders modified up to here are safely in the buffer. */
    pollCursor: timestamp({ withTimezone: true }),
    lastPolledAt: timestamp({ withTimezone: true }),
    /** The last poll's failure, cleared by the next successful poll. */
    lastPollError: text(),
    /** Bumped on every credential change, so a cached adapter knows it is stale. */
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('stores_platform_shop').on(t.platform, t.shopId)],
);
