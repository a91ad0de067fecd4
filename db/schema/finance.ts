import { sql } from 'drizzle-orm';
import { bigserial, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One uploaded settlement statement file, by the SHA-256 of its bytes: the same file again is the same import. */
export const statementImports = pgTable('statement_imports', {
  id: text().primaryKey(),
  /** The statement's account: `taobao` (the Alipay statement, Taobao and Tmall), `douyin`, `pdd`, `wechat`. */
  platform: text().notNull(),
  fileName: text(),
  /** The id this upload's new rows carry in `statement_rows.import_id` (known before the file is read to its end). */
  uploadId: text(),
  encoding: text().notNull(),
  /** Data rows in the file, and how many of them were not known from an earlier file. */
  rows: integer().notNull(),
  newRows: integer().notNull(),
  firstAt: timestamp({ withTimezone: true }),
  lastAt: timestamp({ withTimezone: true }),
  importedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * One ledger row of a settlement statement, by the statement's own row id (Alipay 账务流水号, Douyin 结算单号 +
 * 子订单号, WeChat 资金流水单号, …): overlapping downloads repeat it and it is stored once. Money in integer fen.
 */
export const statementRows = pgTable(
  'statement_rows',
  {
    platform: text().notNull(),
    rowId: text().notNull(),
    importId: text().notNull(),
    /** The platform order id the row belongs to (the order's `channelOrderId`); null: no order (withdrawals, transfers). */
    orderRef: text(),
    /** Other ids on the row that may name the order (WeChat: the payment's transaction id, voucher number). */
    altRefs: text().array(),
    /** sale | refund | fee | other */
    kind: text().notNull(),
    /** What the buyer paid (sales), what went back to the buyer (refunds, positive), platform fees (positive). */
    saleFen: integer().notNull().default(0),
    refundFen: integer().notNull().default(0),
    feeFen: integer().notNull().default(0),
    /** Freight included in the row, where the statement says (Douyin 运费). */
    freightFen: integer().notNull().default(0),
    /** The row's signed effect on the seller's account, as the statement states it. */
    netFen: integer().notNull(),
    bookedAt: timestamp({ withTimezone: true }).notNull(),
    businessType: text(),
    note: text(),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.rowId] }),
    index('statement_rows_order_idx').on(t.platform, t.orderRef),
    index('statement_rows_booked_idx').on(t.platform, t.bookedAt),
  ],
);

/** The listed price of a SKU per channel: set by API or read from the platform's item API. */
export const skuPrices = pgTable(
  'sku_prices',
  {
    sku: text().notNull(),
    channel: text().notNull(),
    priceFen: integer().notNull(),
    /** `api` (set by a person) or `platform` (read from the store's item API). */
    source: text().notNull(),
    storeId: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sku, t.channel] })],
);

/** The same SKU listed at prices too far apart across channels: open while the gap lasts, one open alert per SKU. */
export const priceGapAlerts = pgTable(
  'price_gap_alerts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    sku: text().notNull(),
    lowChannel: text().notNull(),
    lowFen: integer().notNull(),
    highChannel: text().notNull(),
    highFen: integer().notNull(),
    gapFen: integer().notNull(),
    /** The gap in percent of the lower price. */
    gapPct: doublePrecision().notNull(),
    /** `{ [channel]: fen }` when last checked. */
    prices: jsonb().notNull(),
    /** open → closed (the prices agree again). */
    status: text().notNull().default('open'),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp({ withTimezone: true }),
    /** When the WeCom group was told (once per alert). */
    pushedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('price_gap_alerts_open_sku').on(t.sku).where(sql`${t.status} = 'open'`),
    index('price_gap_alerts_opened_idx').on(t.openedAt),
  ],
);
