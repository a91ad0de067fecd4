/**
 * Settlement statements: their rows and imports, and the two sides of a month's reconciliation (OMS orders
 * against statement rows), plus the fees the statements charged per order (profit).
 */
import { desc, eq, sql, type SQL } from 'drizzle-orm';
import type { LedgerRow } from '../../finance/statement-formats';
import type { DbOrTx } from '../client';
import { statementImports } from '../schema';

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

/**
 * Stores the rows not known yet (by platform and the statement's row id); returns how many were new. One
 * statement per batch, the rows as one JSON parameter expanded by PostgreSQL (json_to_recordset): a month of
 * rows is a few dozen round trips, with no per-value parameter encoding in Node.
 */
export async function insertStatementRows(db: DbOrTx, platform: string, importId: string, batch: readonly LedgerRow[]): Promise<number> {
  if (batch.length === 0) return 0;
  const json = JSON.stringify(
    batch.map((r) => ({
      row_id: r.rowId,
      order_ref: r.orderRef,
      alt_refs: r.altRefs,
      kind: r.kind,
      sale_fen: r.saleFen,
      refund_fen: r.refundFen,
      fee_fen: r.feeFen,
      freight_fen: r.freightFen,
      net_fen: r.netFen,
      booked_at: r.bookedAt,
      business_type: r.businessType,
      note: r.note,
    })),
  );
  const [row] = await rows<{ n: number }>(
    db,
    sql`
    with ins as (
      insert into statement_rows (platform, row_id, import_id, order_ref, alt_refs, kind, sale_fen, refund_fen, fee_fen, freight_fen, net_fen, booked_at, business_type, note)
      select ${platform}, u.row_id, ${importId}, u.order_ref, u.alt_refs, u.kind, u.sale_fen, u.refund_fen, u.fee_fen, u.freight_fen, u.net_fen, u.booked_at, u.business_type, u.note
      from json_to_recordset(${json}::json)
        as u(row_id text, order_ref text, alt_refs text[], kind text, sale_fen int, refund_fen int, fee_fen int, freight_fen int, net_fen int, booked_at timestamptz, business_type text, note text)
      on conflict do nothing
      returning 1)
    select count(*)::int as n from ins`,
  );
  return row?.n ?? 0;
}

export type StatementImportRecord = typeof statementImports.$inferSelect;

/**
 * Records the import under the file's SHA-256, with the upload id its new rows carry. The same file imported
 * before: the earlier record (its rows were all known, so nothing new was stored).
 */
export async function recordStatementImport(db: DbOrTx, rec: Omit<StatementImportRecord, 'importedAt'>): Promise<{ row: StatementImportRecord; existed: boolean }> {
  const [created] = await db.insert(statementImports).values(rec).onConflictDoNothing().returning();
  if (created) return { row: created, existed: false };
  const [earlier] = await db.select().from(statementImports).where(eq(statementImports.id, rec.id));
  return { row: earlier!, existed: true };
}

export async function listStatementImports(db: DbOrTx, platform?: string): Promise<StatementImportRecord[]> {
  return db
    .select()
    .from(statementImports)
    .where(platform ? eq(statementImports.platform, platform) : undefined)
    .orderBy(desc(statementImports.importedAt))
    .limit(200);
}

/**
 * Rows that name their order by another id too (WeChat: voucher, transaction id): point them at the one an OMS
 * order of those channels carries, for orders that arrived after the statement.
 */
export async function resolveAlternativeRefs(db: DbOrTx, platform: string, channels: readonly string[]): Promise<void> {
  await db.execute(sql`
    update statement_rows s set order_ref = m.channel_order_id
    from (
      select distinct on (s2.platform, s2.row_id) s2.platform, s2.row_id, o.channel_order_id
      from statement_rows s2 join orders o on o.channel = any(${toArray(channels)}) and o.channel_order_id = any(s2.alt_refs)
      where s2.platform = ${platform} and s2.alt_refs is not null
        and not exists (select 1 from orders o2 where o2.channel = any(${toArray(channels)}) and o2.channel_order_id = s2.order_ref)
      order by s2.platform, s2.row_id, o.channel_order_id) m
    where s.platform = m.platform and s.row_id = m.row_id`);
}

/** A text array as one parameter, however long. */
function toArray(values: readonly string[]): SQL {
  return sql`${sql.param([...values])}::text[]`;
}

/** An OMS order paid in the month with its returns' refunds and its statement rows (of any month) summed. */
export interface ReconciliationOrderRow {
  orderId: string;
  channelOrderId: string;
  status: string;
  paidAt: string;
  totalFen: number;
  omsRefundFen: number;
  returnIds: string[] | null;
  rows: number;
  saleFen: number;
  refundFen: number;
  feeFen: number;
  freightFen: number;
  netFen: number;
  kinds: string[] | null;
}

export async function reconciliationOrders(db: DbOrTx, platform: string, channels: readonly string[], from: Date, to: Date): Promise<ReconciliationOrderRow[]> {
  return rows(
    db,
    sql`
    with o as (
      select o.order_id, o.channel_order_id, o.status, o.paid_at, o.total_fen from orders o
      where o.channel = any(${toArray(channels)}) and o.paid_at >= ${from.toISOString()}::timestamptz and o.paid_at < ${to.toISOString()}::timestamptz
        and o.merged_into is null and o.status <> 'MERGED'),
    rf as (
      select r.order_id, sum(r.amount_fen)::int as fen, array_agg(r.return_id order by r.return_id) as ids
      from return_refunds r join o using (order_id) where r.status <> 'refused' group by r.order_id),
    s as (
      select s.order_ref, count(*)::int as n, sum(s.sale_fen)::int as sale, sum(s.refund_fen)::int as refund, sum(s.fee_fen)::int as fee,
        sum(s.freight_fen)::int as freight, sum(s.net_fen)::int as net, array_agg(distinct coalesce(s.business_type, s.kind)) as kinds
      from statement_rows s
      where s.platform = ${platform} and s.kind <> 'other' and s.order_ref in (select channel_order_id from o)
      group by s.order_ref)
    select o.order_id as "orderId", o.channel_order_id as "channelOrderId", o.status, o.paid_at as "paidAt", o.total_fen as "totalFen",
      coalesce(rf.fen, 0) as "omsRefundFen", rf.ids as "returnIds",
      coalesce(s.n, 0) as rows, coalesce(s.sale, 0) as "saleFen", coalesce(s.refund, 0) as "refundFen", coalesce(s.fee, 0) as "feeFen",
      coalesce(s.freight, 0) as "freightFen", coalesce(s.net, 0) as "netFen", s.kinds
    from o left join rf using (order_id) left join s on s.order_ref = o.channel_order_id
    order by o.paid_at, o.order_id`,
  );
}

/** Statement rows booked in the month naming an order the OMS does not have (on those channels), per order. */
export interface MissingInOmsRow {
  orderRef: string;
  rows: number;
  saleFen: number;
  refundFen: number;
  feeFen: number;
  netFen: number;
  firstBookedAt: string;
  kinds: string[];
}

export async function statementOrdersMissingInOms(db: DbOrTx, platform: string, channels: readonly string[], from: Date, to: Date): Promise<MissingInOmsRow[]> {
  return rows(
    db,
    sql`
    select s.order_ref as "orderRef", count(*)::int as rows, sum(s.sale_fen)::int as "saleFen", sum(s.refund_fen)::int as "refundFen",
      sum(s.fee_fen)::int as "feeFen", sum(s.net_fen)::int as "netFen", min(s.booked_at) as "firstBookedAt",
      array_agg(distinct coalesce(s.business_type, s.kind)) as kinds
    from statement_rows s
    where s.platform = ${platform} and s.kind in ('sale', 'refund') and s.order_ref is not null
      and s.booked_at >= ${from.toISOString()}::timestamptz and s.booked_at < ${to.toISOString()}::timestamptz
      and not exists (select 1 from orders o where o.channel = any(${toArray(channels)}) and o.channel_order_id = s.order_ref)
    group by s.order_ref order by min(s.booked_at), s.order_ref`,
  );
}

/** The statement's own totals for the rows booked in the month, by kind. */
export async function statementTotals(db: DbOrTx, platform: string, from: Date, to: Date): Promise<{ rows: number; saleFen: number; refundFen: number; feeFen: number; otherFen: number; netFen: number }> {
  const [row] = await rows<{ rows: number; saleFen: number; refundFen: number; feeFen: number; otherFen: number; netFen: number }>(
    db,
    sql`
    select count(*)::int as rows, coalesce(sum(sale_fen), 0)::float8 as "saleFen", coalesce(sum(refund_fen), 0)::float8 as "refundFen",
      coalesce(sum(fee_fen), 0)::float8 as "feeFen", coalesce(sum(net_fen) filter (where kind = 'other'), 0)::float8 as "otherFen",
      coalesce(sum(net_fen), 0)::float8 as "netFen"
    from statement_rows where platform = ${platform} and booked_at >= ${from.toISOString()}::timestamptz and booked_at < ${to.toISOString()}::timestamptz`,
  );
  return row!;
}

/** Fees the statements charged per order (channel order id), for the orders given. */
export async function statementFeesByOrder(db: DbOrTx, refs: readonly { channel: string; channelOrderId: string }[]): Promise<Map<string, { feeFen: number; refundFen: number }>> {
  const out = new Map<string, { feeFen: number; refundFen: number }>();
  if (refs.length === 0) return out;
  const platformOf = (channel: string) => (channel === 'tmall' ? 'taobao' : channel);
  const found = await rows<{ platform: string; orderRef: string; feeFen: number; refundFen: number }>(
    db,
    sql`
    select s.platform, s.order_ref as "orderRef", sum(s.fee_fen)::int as "feeFen", sum(s.refund_fen)::int as "refundFen"
    from statement_rows s
    join unnest(${toArray(refs.map((r) => platformOf(r.channel)))}, ${toArray(refs.map((r) => r.channelOrderId))}) as want(platform, ref)
      on s.platform = want.platform and s.order_ref = want.ref
    where s.kind <> 'other'
    group by 1, 2`,
  );
  for (const f of found) out.set(`${f.platform}\n${f.orderRef}`, { feeFen: f.feeFen, refundFen: f.refundFen });
  return out;
}
