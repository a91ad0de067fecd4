/**
 * The pre-pack ledger (`prepacks`: open → bought | expired | cancelled) with its reserved unit and pre-pack
 * task, and what it shows: outcomes, and payment-to-dispatch times of pre-packed orders against the others.
 */
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { pairKey } from '../../domain/prepack';
import { mergeLines, type StockLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { orderAllocations, orders, prepacks, warehouseTasks } from '../schema';
import { activeHolds, settleHolds } from './holds';
import { lockStock, reserveLines, settleReservations } from './inventory';

export type PrepackRow = typeof prepacks.$inferSelect;

/** Open pre-packs and, per customer × SKU, when the newest closed one (expired or bought) closed. */
export async function prepackHistory(db: DbOrTx, customerKeys: readonly string[]): Promise<{ open: PrepackRow[]; expired: { customerKey: string; sku: string; closedAt: Date }[] }> {
  if (customerKeys.length === 0) return { open: [], expired: [] };
  const rows = await db.select().from(prepacks).where(inArray(prepacks.customerKey, [...customerKeys]));
  const expired = new Map<string, { customerKey: string; sku: string; closedAt: Date }>();
  for (const r of rows) {
    if ((r.status !== 'expired' && r.status !== 'bought') || !r.closedAt) continue;
    const k = pairKey(r.customerKey, r.sku);
    if (!expired.has(k) || expired.get(k)!.closedAt < r.closedAt) expired.set(k, { customerKey: r.customerKey, sku: r.sku, closedAt: r.closedAt });
  }
  return { open: rows.filter((r) => r.status === 'open'), expired: [...expired.values()] };
}

export const prepackOwner = (prepackId: string): string => `prepack:${prepackId}`;

export type OpenResult = { opened: true; row: PrepackRow } | { opened: false; why: 'exists' | 'no-stock' | 'cap' };

/**
 * Opens a pre-pack in one transaction over the SKU's locked stock rows: the first warehouse of `nearestFirst`
 * with a unit available and under its daily cap reserves one unit (owner `prepack:<id>`), and the pre-pack task
 * and the row are written. Idempotent on the id: a retry finds the row. A customer × SKU with one open already
 * is refused (`exists`).
 */
export async function openPrepack(
  db: DbOrTx,
  p: {
    id: string;
    customerKey: string;
    customerLabel: string;
    sku: string;
    probability: number;
    modelId: number | null;
    nearestFirst: readonly string[];
    day: string;
    dailyCap: number;
    expiresAt: Date;
    waybillNo: string;
  },
): Promise<OpenResult> {
  return db.transaction(async (tx) => {
    const stock = await lockStock(tx, [p.sku]);
    const [existing] = await tx.select().from(prepacks).where(eq(prepacks.id, p.id));
    if (existing) return { opened: true, row: existing };
    const [open] = await tx
      .select({ id: prepacks.id })
      .from(prepacks)
      .where(and(eq(prepacks.customerKey, p.customerKey), eq(prepacks.sku, p.sku), eq(prepacks.status, 'open')));
    if (open) return { opened: false, why: 'exists' };
    const withStock = stock.filter((s) => s.available > 0).map((s) => s.warehouseId);
    const ordered = [...p.nearestFirst.filter((w) => withStock.includes(w)), ...withStock.filter((w) => !p.nearestFirst.includes(w)).sort()];
    if (ordered.length === 0) return { opened: false, why: 'no-stock' };
    const counts = await tx
      .select({ warehouseId: prepacks.warehouseId, n: sql<number>`count(*)::int` })
      .from(prepacks)
      .where(and(inArray(prepacks.warehouseId, ordered), eq(prepacks.day, p.day)))
      .groupBy(prepacks.warehouseId);
    const warehouseId = ordered.find((w) => (counts.find((c) => c.warehouseId === w)?.n ?? 0) < p.dailyCap);
    if (!warehouseId) return { opened: false, why: 'cap' };
    const taskId = `task-${p.id}`;
    await reserveLines(tx, prepackOwner(p.id), warehouseId, [{ sku: p.sku, quantity: 1 }]);
    await tx.insert(warehouseTasks).values({ id: taskId, orderId: prepackOwner(p.id), warehouseId, kind: 'prepack', lines: [{ sku: p.sku, quantity: 1 }] });
    const [row] = await tx
      .insert(prepacks)
      .values({
        id: p.id,
        customerKey: p.customerKey,
        customerLabel: p.customerLabel,
        sku: p.sku,
        probability: p.probability,
        modelId: p.modelId,
        warehouseId,
        taskId,
        waybillNo: p.waybillNo,
        day: p.day,
        expiresAt: p.expiresAt,
      })
      .returning();
    return { opened: true, row: row! };
  });
}

/**
 * Closes an open pre-pack that nobody bought: the unit is unpacked (task cancelled) and its reservation
 * released. Idempotent; a pre-pack already bought stays bought. Returns the row as it ends.
 */
export async function expirePrepack(db: DbOrTx, id: string, status: 'expired' | 'cancelled' = 'expired'): Promise<PrepackRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(prepacks).where(eq(prepacks.id, id));
    if (!row || row.status !== 'open') return row;
    await lockStock(tx, [row.sku]);
    await settleReservations(tx, prepackOwner(id), 'released');
    await tx
      .update(warehouseTasks)
      .set({ status: 'cancelled', completedAt: sql`now()` })
      .where(and(eq(warehouseTasks.id, row.taskId), eq(warehouseTasks.status, 'open')));
    const [closed] = await tx.update(prepacks).set({ status, closedAt: sql`now()` }).where(eq(prepacks.id, id)).returning();
    return closed;
  });
}

/** Which of these customer × SKU pairs have an open pre-pack (one statement for a whole batch); each as `pairKey`. */
export async function openPrepackPairs(db: DbOrTx, pairs: readonly { customerKey: string; sku: string }[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const { rows } = await db.execute<{ customer_key: string; sku: string }>(sql`
    select distinct p.customer_key, p.sku from ${prepacks} p
    join unnest(${sql.param(pairs.map((x) => x.customerKey))}::text[], ${sql.param(pairs.map((x) => x.sku))}::text[]) as v(customer_key, sku)
      on p.customer_key = v.customer_key and p.sku = v.sku
    where p.status = 'open'`);
  return new Set(rows.map((r) => pairKey(r.customer_key, r.sku)));
}

/**
 * A paid order takes an open pre-pack of its customer for one of its SKUs, when everything else it orders is
 * available in the same warehouse: in one transaction, the pre-pack's unit becomes the order's (its
 * reservation moves to the order), the units the order held at acceptance go back on sale, the rest of the
 * order is reserved in that warehouse, and the pre-pack is `bought`. One unit held, never two. Idempotent: the
 * same order again finds its pre-pack. Undefined when no pre-pack fits.
 */
export async function claimPrepack(
  db: DbOrTx,
  p: { orderId: string; customerKey: string; lines: readonly StockLine[] },
): Promise<PrepackRow | undefined> {
  const skuIds = [...new Set(p.lines.map((l) => l.sku))];
  if (skuIds.length === 0) return undefined;
  // Nearly every order has no pre-pack: find that out without locking any stock row.
  const [any] = await db
    .select({ id: prepacks.id })
    .from(prepacks)
    .where(and(eq(prepacks.customerKey, p.customerKey), inArray(prepacks.sku, skuIds), sql`(${prepacks.status} = 'open' or ${prepacks.orderId} = ${p.orderId})`))
    .limit(1);
  if (!any) return undefined;
  return db.transaction(async (tx) => {
    const stock = await lockStock(tx, skuIds);
    const [mine] = await tx.select().from(prepacks).where(and(eq(prepacks.orderId, p.orderId), eq(prepacks.status, 'bought')));
    if (mine) return mine;
    const open = await tx
      .select()
      .from(prepacks)
      .where(and(eq(prepacks.customerKey, p.customerKey), inArray(prepacks.sku, skuIds), eq(prepacks.status, 'open')))
      .orderBy(prepacks.openedAt)
      .for('update');
    const held = await activeHolds(tx, p.orderId);
    for (const row of open) {
      // What the order needs from the warehouse beyond the pre-packed unit, against what is free there
      // (counting the order's own holds there as its own).
      const fits = p.lines.every((l) => {
        const need = l.quantity - (l.sku === row.sku ? 1 : 0);
        if (need <= 0) return true;
        const s = stock.find((x) => x.warehouseId === row.warehouseId && x.sku === l.sku);
        const own = held.filter((h) => h.warehouseId === row.warehouseId && h.sku === l.sku).reduce((n, h) => n + h.quantity, 0);
        return (s?.available ?? 0) + own >= need;
      });
      if (!fits) continue;
      await settleHolds(tx, p.orderId, 'released');
      await settleReservations(tx, prepackOwner(row.id), 'released');
      await reserveLines(tx, p.orderId, row.warehouseId, mergeLines(p.lines));
      await tx
        .update(warehouseTasks)
        .set({ status: 'completed', completedAt: sql`now()`, orderId: p.orderId })
        .where(eq(warehouseTasks.id, row.taskId));
      const [bought] = await tx.update(prepacks).set({ status: 'bought', closedAt: sql`now()`, orderId: p.orderId }).where(eq(prepacks.id, row.id)).returning();
      return bought;
    }
    return undefined;
  });
}

export async function listPrepacks(db: DbOrTx, filter: { status?: string | undefined; limit: number }): Promise<PrepackRow[]> {
  return db
    .select()
    .from(prepacks)
    .where(filter.status ? eq(prepacks.status, filter.status) : undefined)
    .orderBy(desc(prepacks.openedAt))
    .limit(filter.limit);
}

/** Pre-pack outcomes since `from`: how many were opened, bought, expired. */
export async function prepackOutcomes(db: DbOrTx, from: Date): Promise<{ opened: number; bought: number; expired: number; open: number }> {
  const rows = await db
    .select({ status: prepacks.status, n: sql<number>`count(*)::int` })
    .from(prepacks)
    .where(gte(prepacks.openedAt, from))
    .groupBy(prepacks.status);
  const of = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return { opened: rows.reduce((n, r) => n + r.n, 0), bought: of('bought'), expired: of('expired'), open: of('open') };
}

/** Payment → first parcel shipped, in minutes (p50, p90), for orders shipped from a pre-pack and for the others, paid since `from`. */
export async function dispatchMinutes(db: DbOrTx, from: Date): Promise<{ path: 'prepacked' | 'normal'; orders: number; p50: number | null; p90: number | null }[]> {
  const rows = await db.execute<{ path: 'prepacked' | 'normal'; orders: number; p50: number | null; p90: number | null }>(sql`
    select case when a.rule = 'prepack' then 'prepacked' else 'normal' end as path, count(*)::int as orders,
      percentile_cont(0.5) within group (order by extract(epoch from o.shipped_at - o.paid_at) / 60) as p50,
      percentile_cont(0.9) within group (order by extract(epoch from o.shipped_at - o.paid_at) / 60) as p90
    from ${orders} o left join ${orderAllocations} a on a.order_id = o.order_id
    where o.paid_at >= ${from.toISOString()}::timestamptz and o.shipped_at is not null
    group by 1 order by 1 desc`);
  return (['prepacked', 'normal'] as const).map((path) => {
    const r = rows.rows.find((x) => x.path === path);
    return { path, orders: r?.orders ?? 0, p50: r?.p50 ?? null, p90: r?.p90 ?? null };
  });
}
