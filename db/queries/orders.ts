import { and, asc, desc, eq, gte, inArray, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { ORDER_STATUSES, orderTotalFen, TERMINAL, type Address, type CanonicalOrder, type OrderStatus } from '../../domain/order';
import { maskPhone, phoneKey } from '../../domain/phone';
import type { TransitionRecord } from '../../workflows/contract';
import type { DbOrTx } from '../client';
import { orderEvents, orderLines, orders } from '../schema';

/** Inserts the order and its lines once; a retry or a redelivery changes nothing. */
export async function insertOrder(
  db: DbOrTx,
  params: { orderId: string; workflowId: string; order: CanonicalOrder; status: OrderStatus; at: Date },
): Promise<void> {
  const { order } = params;
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(orders)
      .values({
        orderId: params.orderId,
        workflowId: params.workflowId,
        channel: order.channel,
        channelOrderId: order.channelOrderId,
        storeId: order.storeId ?? null,
        status: params.status,
        statusSince: params.at,
        urgent: order.urgent,
        customer: order.customer,
        shippingAddress: order.shippingAddress,
        totalFen: orderTotalFen(order.lines),
        buyerMessage: order.buyerMessage ?? null,
        orderedAt: new Date(order.createdAt),
        paidAt: order.paidAt ? new Date(order.paidAt) : null,
      })
      .onConflictDoNothing()
      .returning({ orderId: orders.orderId });
    if (inserted.length === 0) return;
    await tx.insert(orderLines).values(
      order.lines.map((l) => ({
        orderId: params.orderId,
        sku: l.sku,
        quantity: l.quantity,
        unitPriceFen: l.unitPriceFen,
        title: l.title ?? null,
      })),
    );
  });
}

/**
 * Appends a timeline event and applies it to the order row, exactly once per (order, seq). The row only moves
 * forward: an older event retried late is stored in the timeline but does not roll the status back.
 */
export async function recordTransition(db: DbOrTx, t: TransitionRecord): Promise<void> {
  await recordTransitions(db, [t]);
}

/** Several events (of one order or many), in order; each exactly once. One statement per order. */
export async function recordTransitions(db: DbOrTx, transitions: readonly TransitionRecord[]): Promise<void> {
  const byOrder = new Map<string, TransitionRecord[]>();
  for (const t of transitions) byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
  if (byOrder.size <= 1) {
    if (transitions.length) await recordOrderTransitions(db, transitions);
    return;
  }
  await db.transaction(async (tx) => {
    for (const events of byOrder.values()) await recordOrderTransitions(tx, events);
  });
}

/**
 * One order's events and their effect on its row, in one statement: the events are inserted (an (order, seq)
 * already stored is skipped), and the row takes the newest status and patch among them, only if something was
 * inserted and only if the row has not moved past them. The events of one call are stored together or not at
 * all, so "something inserted" means "all of them".
 */
async function recordOrderTransitions(db: DbOrTx, events: readonly TransitionRecord[]): Promise<void> {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const last = sorted.at(-1)!;
  const sets: SQL[] = [sql`last_event_seq = ${last.seq}`, sql`updated_at = now()`];
  const moved = sorted.findLast((t) => t.status);
  if (moved) sets.push(sql`status = ${moved.status}`, sql`status_since = ${moved.at}::timestamptz`);
  const patched = <K extends keyof NonNullable<TransitionRecord['patch']>>(key: K) => sorted.findLast((t) => t.patch?.[key] !== undefined)?.patch?.[key];
  const warehouseId = patched('warehouseId');
  if (warehouseId !== undefined) sets.push(sql`warehouse_id = ${warehouseId}`);
  const paidAt = patched('paidAt');
  if (paidAt !== undefined) sets.push(sql`paid_at = ${paidAt}::timestamptz`);
  const shippingAddress = patched('shippingAddress');
  if (shippingAddress !== undefined) sets.push(sql`shipping_address = ${JSON.stringify(shippingAddress)}::jsonb`);
  const mergedInto = patched('mergedInto');
  if (mergedInto !== undefined) sets.push(sql`merged_into = ${mergedInto}`);
  const col = <V>(pick: (t: TransitionRecord) => V) => sql.param(sorted.map(pick));
  await db.execute(sql`
    with inserted as (
      insert into ${orderEvents} (order_id, seq, type, status, at, data)
      select ${last.orderId}, v.seq, v.type, v.status, v.at, v.data::jsonb
      from unnest(${col((t) => t.seq)}::int[], ${col((t) => t.type)}::text[], ${col((t) => t.status ?? null)}::text[],
        ${col((t) => t.at)}::timestamptz[], ${col((t) => (t.detail ? JSON.stringify(t.detail) : null))}::text[]) as v(seq, type, status, at, data)
      on conflict do nothing
      returning 1)
    update ${orders} set ${sql.join(sets, sql`, `)}
    where order_id = ${last.orderId} and last_event_seq < ${last.seq} and exists (select 1 from inserted)`);
}

export interface OrderListFilter {
  status?: string | undefined;
  channel?: string | undefined;
  warehouseId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: { orderedAt: string; orderId: string } | undefined;
}

/** An order as lists show it. */
const orderSummary = {
  orderId: orders.orderId,
  channel: orders.channel,
  channelOrderId: orders.channelOrderId,
  storeId: orders.storeId,
  status: orders.status,
  statusSince: orders.statusSince,
  urgent: orders.urgent,
  warehouseId: orders.warehouseId,
  totalFen: orders.totalFen,
  mergedInto: orders.mergedInto,
  orderedAt: orders.orderedAt,
  paidAt: orders.paidAt,
};

/** Newest first, keyset-paginated on (orderedAt, orderId). */
export async function listOrders(db: DbOrTx, f: OrderListFilter) {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(orders.status, f.status) : undefined,
    f.channel ? eq(orders.channel, f.channel) : undefined,
    f.warehouseId ? eq(orders.warehouseId, f.warehouseId) : undefined,
    f.from ? gte(orders.orderedAt, new Date(f.from)) : undefined,
    f.to ? lte(orders.orderedAt, new Date(f.to)) : undefined,
    f.cursor
      ? or(
          lt(orders.orderedAt, new Date(f.cursor.orderedAt)),
          and(eq(orders.orderedAt, new Date(f.cursor.orderedAt)), lt(orders.orderId, f.cursor.orderId)),
        )
      : undefined,
  ];
  const rows = await db
    .select(orderSummary)
    .from(orders)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(orders.orderedAt), desc(orders.orderId))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page,
    next: rows.length > f.limit && last ? { orderedAt: last.orderedAt.toISOString(), orderId: last.orderId } : null,
  };
}

export async function findOrder(db: DbOrTx, orderId: string) {
  const [row] = await db.select().from(orders).where(eq(orders.orderId, orderId));
  if (!row) return undefined;
  const [lines, events] = await Promise.all([
    db.select().from(orderLines).where(eq(orderLines.orderId, orderId)),
    db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(orderEvents.seq),
  ]);
  return { row, lines, events };
}

/** What the carrier choice needs to know of an order: where it goes (as last changed) and whether it is urgent. */
export async function shippingFactsOf(db: DbOrTx, orderId: string): Promise<{ shippingAddress: Address; urgent: boolean } | undefined> {
  const [row] = await db.select({ shippingAddress: orders.shippingAddress, urgent: orders.urgent }).from(orders).where(eq(orders.orderId, orderId));
  return row ? { shippingAddress: row.shippingAddress as Address, urgent: row.urgent } : undefined;
}

/** When the order was paid and when its first parcel left (the dispatch time), from the read model. */
export async function dispatchOf(db: DbOrTx, orderId: string): Promise<{ paidAt: Date | null; shippedAt: Date | null } | undefined> {
  const [row] = await db.select({ paidAt: orders.paidAt, shippedAt: orders.shippedAt }).from(orders).where(eq(orders.orderId, orderId));
  return row;
}

export async function orderExists(db: DbOrTx, orderId: string): Promise<boolean> {
  const rows = await db.select({ one: sql`1` }).from(orders).where(eq(orders.orderId, orderId)).limit(1);
  return rows.length > 0;
}

/** Backordered orders with a line for one of these SKUs, oldest first (first come, first served). */
export async function backorderedOrdersWanting(db: DbOrTx, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  return backorderedWanting(db, inArray(orderLines.sku, [...skus]));
}

/** Urgent backordered orders with a line for this SKU, oldest first: a new supplier may let them buy. */
export async function urgentBackorderedOrdersWanting(db: DbOrTx, sku: string): Promise<string[]> {
  return backorderedWanting(db, and(eq(orders.urgent, true), eq(orderLines.sku, sku)));
}

async function backorderedWanting(db: DbOrTx, lineCondition: SQL | undefined): Promise<string[]> {
  const rows = await db
    .selectDistinct({ orderId: orders.orderId, orderedAt: orders.orderedAt })
    .from(orders)
    .innerJoin(orderLines, eq(orderLines.orderId, orders.orderId))
    .where(and(eq(orders.status, 'BACKORDERED'), lineCondition))
    .orderBy(orders.orderedAt);
  return rows.map((r) => r.orderId);
}

/** Open orders whose status has not changed since `before`, longest stuck first. */
export async function stuckOrders(db: DbOrTx, before: Date, limit: number) {
  return db
    .select({
      orderId: orders.orderId,
      channel: orders.channel,
      status: orders.status,
      statusSince: orders.statusSince,
      warehouseId: orders.warehouseId,
      workflowId: orders.workflowId,
    })
    .from(orders)
    .where(and(lt(orders.statusSince, before), notInArray(orders.status, [...TERMINAL])))
    .orderBy(asc(orders.statusSince))
    .limit(limit);
}

/** Every status with its count, in the lifecycle's order; statuses without orders count 0. */
export async function orderCountsByStatus(db: DbOrTx): Promise<{ statuses: { status: OrderStatus; count: number }[]; total: number }> {
  const rows = await db
    .select({ status: orders.status, count: sql<number>`count(*)::int` })
    .from(orders)
    .groupBy(orders.status);
  const byStatus = new Map(rows.map((r) => [r.status, r.count]));
  const statuses = ORDER_STATUSES.map((status) => ({ status, count: byStatus.get(status) ?? 0 }));
  return { statuses, total: rows.reduce((sum, r) => sum + r.count, 0) };
}

export interface OrderSearch {
  /** A platform order id, an order id, or a phone number (matched on its last 11 digits). */
  q?: string | undefined;
  status?: OrderStatus | undefined;
  limit: number;
}

/** Newest first. The phone never leaves masked: callers get `phone: "138****8000"`. */
export async function searchOrders(db: DbOrTx, search: OrderSearch) {
  const q = search.q?.trim();
  const phone = q ? phoneKey(q) : null;
  const text: SQL | undefined = q
    ? or(
        eq(orders.channelOrderId, q),
        eq(orders.orderId, q),
        // Only a string that is a phone number (digits, spaces, dashes, +) searches by phone.
        phone && /^[\d\s+\-()]+$/.test(q) ? sql`right(regexp_replace(${orders.customer}->>'phone', '\\D', '', 'g'), 11) = ${phone}` : undefined,
      )
    : undefined;
  const rows = await db
    .select({ ...orderSummary, customer: orders.customer, shippingAddress: orders.shippingAddress })
    .from(orders)
    .where(and(text, search.status ? eq(orders.status, search.status) : undefined))
    .orderBy(desc(orders.orderedAt), desc(orders.orderId))
    .limit(search.limit);
  return rows.map(({ customer, shippingAddress, ...row }) => {
    const c = customer as { name?: string; phone?: string };
    const a = shippingAddress as { province?: string; city?: string; district?: string };
    return {
      ...row,
      customerName: c.name ?? '',
      phone: maskPhone(c.phone),
      region: [a.province, a.city, a.district].filter(Boolean).join(' '),
    };
  });
}

/** The orders' lines (SKU and value), for profit per SKU. */
export async function linesOfOrders(db: DbOrTx, orderIds: readonly string[]): Promise<Map<string, { sku: string; valueFen: number }[]>> {
  const out = new Map<string, { sku: string; valueFen: number }[]>();
  if (orderIds.length === 0) return out;
  const found = await db.execute<{ orderId: string; sku: string; valueFen: number }>(
    sql`select order_id as "orderId", sku, (quantity * unit_price_fen)::float8 as "valueFen" from order_lines where order_id = any(${sql.param([...orderIds])}::text[]) order by order_id, sku`,
  );
  for (const l of found.rows) out.set(l.orderId, [...(out.get(l.orderId) ?? []), { sku: l.sku, valueFen: l.valueFen }]);
  return out;
}
