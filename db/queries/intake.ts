/**
 * Accepting a batch of orders in one transaction: the order rows, their lines and first timeline events, the
 * stock holds of the paid ones, and the outbox rows their workflows start from. Either all of it is written
 * or none; an order already known is left untouched (a redelivery).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DEFAULT_DEDUP_WINDOW_MS, fingerprintOf } from '../../domain/fingerprint';
import type { HoldRequest } from '../../domain/holds';
import { orderTotalFen, type CanonicalOrder } from '../../domain/order';
import { pairKey } from '../../domain/prepack';
import { phoneCustomer } from '../../prepack/customer';
import type { OrderIntake, OrderWorkflowInput, TimelineEntry } from '../../workflows/contract';
import type { DbOrTx } from '../client';
import { orderEvents, orderIntake, orderLines, orders } from '../schema';
import { claimFingerprints, fingerprintHash, type NewClaim } from './dedup';
import { placeHolds } from './holds';
import { openPrepackPairs } from './prepacks';

export interface IntakeOrder {
  orderId: string;
  workflowId: string;
  order: CanonicalOrder;
  /** Hold the order's units now (a paid order). */
  hold: boolean;
  /** Warehouses to hold from first, nearest the receiver first. */
  preferred?: readonly string[];
}

export interface Accepted {
  orderId: string;
  /** False when the order was already known: nothing was written for it. */
  created: boolean;
  /** Units are held for it (created and paid, and the stock was there). */
  held: boolean;
  /** The workflow input, for orders created now. */
  input?: Omit<OrderWorkflowInput, 'timings'>;
}

/** Writes the batch; `at` is the acceptance time of all of it. Call inside a transaction. */
export async function acceptOrders(
  tx: DbOrTx,
  batch: readonly IntakeOrder[],
  at: Date,
  taskQueue: string,
): Promise<{ accepted: Accepted[]; /** The orders holding each SKU now. */ heldBySku: Map<string, string[]>; soldOut: string[] }> {
  const unique = [...new Map(batch.map((o) => [o.orderId, o])).values()];
  if (unique.length === 0) return { accepted: [], heldBySku: new Map(), soldOut: [] };
  // Column arrays and unnest(): one statement with a parameter per column, whatever the batch size.
  const inserted = await tx.execute<{ order_id: string }>(sql`
    insert into ${orders} (order_id, workflow_id, channel, channel_order_id, store_id, status, status_since, urgent,
      customer, shipping_address, total_fen, buyer_message, ordered_at, paid_at)
    select v.order_id, v.workflow_id, v.channel, v.channel_order_id, v.store_id, 'PENDING_PAYMENT', ${at.toISOString()}::timestamptz, v.urgent,
      v.customer::jsonb, v.shipping_address::jsonb, v.total_fen, v.buyer_message, v.ordered_at, v.paid_at
    from unnest(
      ${column(unique, (o) => o.orderId)}::text[], ${column(unique, (o) => o.workflowId)}::text[], ${column(unique, (o) => o.order.channel)}::text[],
      ${column(unique, (o) => o.order.channelOrderId)}::text[], ${column(unique, (o) => o.order.storeId ?? null)}::text[],
      ${column(unique, (o) => o.order.urgent)}::bool[], ${column(unique, (o) => JSON.stringify(o.order.customer))}::text[],
      ${column(unique, (o) => JSON.stringify(o.order.shippingAddress))}::text[], ${column(unique, (o) => orderTotalFen(o.order.lines))}::int[],
      ${column(unique, (o) => o.order.buyerMessage ?? null)}::text[], ${column(unique, (o) => o.order.createdAt)}::timestamptz[],
      ${column(unique, (o) => o.order.paidAt ?? null)}::timestamptz[]
    ) as v(order_id, workflow_id, channel, channel_order_id, store_id, urgent, customer, shipping_address, total_fen, buyer_message, ordered_at, paid_at)
    on conflict do nothing
    returning order_id`);
  const created = new Set(inserted.rows.map((r) => r.order_id));
  const fresh = unique.filter((o) => created.has(o.orderId));
  if (fresh.length === 0) return { accepted: batch.map((o) => ({ orderId: o.orderId, created: false, held: false })), heldBySku: new Map(), soldOut: [] };

  const requests: HoldRequest[] = fresh
    .filter((o) => o.hold && o.order.paidAt)
    .map((o) => ({ orderId: o.orderId, lines: o.order.lines, ...(o.preferred ? { preferred: o.preferred } : {}) }));
  const plan = await placeHolds(tx, requests);
  const holdsOf = new Map<string, { warehouseId: string; sku: string; quantity: number }[]>();
  const holders = new Map<string, Set<string>>(); // an order held from two warehouses is one change
  for (const h of plan.holds) {
    holdsOf.set(h.orderId, [...(holdsOf.get(h.orderId) ?? []), { warehouseId: h.warehouseId, sku: h.sku, quantity: h.quantity }]);
    holders.set(h.sku, (holders.get(h.sku) ?? new Set()).add(h.orderId));
  }
  const heldBySku = new Map([...holders].map(([sku, ids]) => [sku, [...ids]]));

  const iso = at.toISOString();
  const intakes = new Map<string, OrderIntake>();
  for (const o of fresh) {
    const timeline: TimelineEntry[] = [
      { seq: 1, at: iso, type: 'ORDER_RECEIVED', status: 'PENDING_PAYMENT', detail: { channel: o.order.channel, totalFen: orderTotalFen(o.order.lines) } },
    ];
    if (o.order.paidAt) timeline.push({ seq: timeline.length + 1, at: iso, type: 'PAYMENT_CONFIRMED', detail: { paidAt: o.order.paidAt } });
    const holds = holdsOf.get(o.orderId);
    if (holds) timeline.push({ seq: timeline.length + 1, at: iso, type: 'STOCK_HELD', detail: { holds } });
    intakes.set(o.orderId, { acceptedAt: iso, timeline, held: holds !== undefined });
  }

  // Lines, timeline events, each row's last event seq and the outbox: one statement.
  const inputs = new Map(fresh.map((o) => [o.orderId, { orderId: o.orderId, order: o.order, intake: intakes.get(o.orderId)! }]));
  const lines = fresh.flatMap((o) => o.order.lines.map((l) => ({ orderId: o.orderId, ...l })));
  const events = fresh.flatMap((o) => intakes.get(o.orderId)!.timeline.map((e) => ({ orderId: o.orderId, ...e })));
  await tx.execute(sql`
    with lines as (
      insert into ${orderLines} (order_id, sku, quantity, unit_price_fen, title)
      select * from unnest(${column(lines, (l) => l.orderId)}::text[], ${column(lines, (l) => l.sku)}::text[], ${column(lines, (l) => l.quantity)}::int[],
        ${column(lines, (l) => l.unitPriceFen)}::int[], ${column(lines, (l) => l.title ?? null)}::text[])
    ), events as (
      insert into ${orderEvents} (order_id, seq, type, status, at, data)
      select v.order_id, v.seq, v.type, v.status, ${at.toISOString()}::timestamptz, v.data::jsonb
      from unnest(${column(events, (e) => e.orderId)}::text[], ${column(events, (e) => e.seq)}::int[], ${column(events, (e) => e.type)}::text[],
        ${column(events, (e) => e.status ?? null)}::text[], ${column(events, (e) => (e.detail ? JSON.stringify(e.detail) : null))}::text[]) as v(order_id, seq, type, status, data)
    ), seqs as (
      update ${orders} as o set last_event_seq = v.seq
      from unnest(${column(fresh, (o) => o.orderId)}::text[], ${column(fresh, (o) => intakes.get(o.orderId)!.timeline.length)}::int[]) as v(order_id, seq)
      where o.order_id = v.order_id
    )
    insert into ${orderIntake} (order_id, task_queue, input, accepted_at)
    select v.order_id, ${taskQueue}, v.input::jsonb, ${at.toISOString()}::timestamptz
    from unnest(${column(fresh, (o) => o.orderId)}::text[], ${column(fresh, (o) => JSON.stringify(inputs.get(o.orderId)))}::text[]) as v(order_id, input)`);

  return {
    accepted: batch.map((o) => {
      if (!created.has(o.orderId)) return { orderId: o.orderId, created: false, held: false };
      const input = inputs.get(o.orderId)!;
      return { orderId: o.orderId, created: true, held: input.intake.held, input };
    }),
    heldBySku,
    soldOut: plan.soldOut,
  };
}

type AcceptedInput = Omit<OrderWorkflowInput, 'timings'>;

/**
 * What the order starter adds to the inputs of the accepted orders it is about to start, for a whole round in
 * one transaction: each order's duplicate claim (`dedupWindowMs`: how far apart two orders of one buyer are
 * suspected duplicates) and, for a paid order, whether a pre-pack waits for its customer. Their workflows then
 * have neither to ask. Idempotent: an order claimed before (a start that failed, a workflow that claimed
 * itself) keeps its claim. Off the intake's path: the burst does not pay for it.
 */
export async function prepareStarts(tx: DbOrTx, inputs: readonly AcceptedInput[], dedupWindowMs = DEFAULT_DEDUP_WINDOW_MS): Promise<AcceptedInput[]> {
  const fromIntake = inputs.filter((i) => i.intake);
  if (fromIntake.length === 0) return [...inputs];
  const claims = await claimFingerprints(tx, fromIntake.flatMap((i) => newClaim(i) ?? []), dedupWindowMs);
  const prepackWaiting = await openPrepackOrders(tx, fromIntake.filter((i) => i.order.paidAt));
  return inputs.map((input) => {
    if (!input.intake) return input;
    const claim = claims.get(input.orderId);
    return {
      ...input,
      intake: { ...input.intake, ...(claim ? { claim } : {}), ...(input.order.paidAt ? { prepack: prepackWaiting.has(input.orderId) } : {}) },
    };
  });
}

/** The duplicate claim of an order; undefined when its fingerprint cannot match anything (masked phone). */
function newClaim({ orderId, order }: AcceptedInput): NewClaim | undefined {
  const fingerprint = fingerprintOf(order);
  if (!fingerprint.matchable) return undefined;
  return {
    orderId,
    fingerprint: fingerprintHash(fingerprint.key),
    orderedAt: new Date(order.createdAt),
    paidAt: order.paidAt ? new Date(order.paidAt) : null,
    totalFen: orderTotalFen(order.lines),
  };
}

/** Of these orders, those whose customer has an open pre-pack of one of their SKUs. */
async function openPrepackOrders(tx: DbOrTx, paid: readonly AcceptedInput[]): Promise<Set<string>> {
  const pairs = paid.flatMap((o) => {
    const customer = phoneCustomer(o.order.customer.phone);
    return customer ? [...new Set(o.order.lines.map((l) => l.sku))].map((sku) => ({ orderId: o.orderId, customerKey: customer.key, sku })) : [];
  });
  const open = await openPrepackPairs(tx, pairs);
  return new Set(pairs.filter((p) => open.has(pairKey(p.customerKey, p.sku))).map((p) => p.orderId));
}

/** One array parameter per column (for `unnest`): a handful of parameters instead of one per value. */
function column<T, V>(rows: readonly T[], pick: (row: T) => V) {
  return sql.param(rows.map(pick));
}

export type IntakeRow = typeof orderIntake.$inferSelect;

/**
 * Takes up to `limit` accepted orders of this task queue whose workflow has not started and nobody else is starting (or whose
 * starter's claim ran out), oldest first, claiming them for `claimMs`.
 */
export async function claimUnstarted(db: DbOrTx, taskQueue: string, limit: number, claimMs: number): Promise<{ orderId: string; input: Omit<OrderWorkflowInput, 'timings'> }[]> {
  const rows = await db.execute<{ order_id: string; input: Omit<OrderWorkflowInput, 'timings'> }>(sql`
    update ${orderIntake} set claimed_until = now() + ${`${claimMs} milliseconds`}::interval
    where order_id in (
      select order_id from ${orderIntake}
      where task_queue = ${taskQueue} and started_at is null and (claimed_until is null or claimed_until < now())
      order by accepted_at
      limit ${limit}
      for update skip locked)
    returning order_id, input`);
  return rows.rows.map((r) => ({ orderId: r.order_id, input: r.input }));
}

/** The workflows of these orders run (started now, or found running). */
export async function markStarted(db: DbOrTx, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await db
    .update(orderIntake)
    .set({ startedAt: sql`now()`, claimedUntil: null })
    .where(and(inArray(orderIntake.orderId, [...orderIds]), isNull(orderIntake.startedAt)));
}

/** Paid orders of this task queue whose workflow has started but not allocated them yet. */
export async function startedNotAllocated(db: DbOrTx, taskQueue: string): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from ${orders} o join ${orderIntake} i on i.order_id = o.order_id
    where o.status = 'PENDING_PAYMENT' and o.paid_at is not null and i.task_queue = ${taskQueue} and i.started_at is not null`);
  return rows.rows[0]?.n ?? 0;
}

/** Gives claimed orders back to the starters after `afterMs` (their start failed). */
export async function releaseClaims(db: DbOrTx, orderIds: readonly string[], afterMs: number): Promise<void> {
  if (orderIds.length === 0) return;
  await db.execute(sql`
    update ${orderIntake} set claimed_until = now() + ${`${afterMs} milliseconds`}::interval
    where order_id = any(${sql.param([...orderIds])}::text[]) and started_at is null`);
}

/** The outbox row of one order (undefined for orders that did not come through the intake). */
export async function findIntake(db: DbOrTx, orderId: string): Promise<IntakeRow | undefined> {
  const [row] = await db.select().from(orderIntake).where(eq(orderIntake.orderId, orderId));
  return row;
}

/**
 * Where the intake stands: orders accepted but whose workflow has not started (and the oldest one's age),
 * paid orders whose workflow has not allocated them yet, and over the last `windowMs`: orders accepted and
 * orders whose workflow reached allocation (allocated, waiting for a transfer or purchase, or backordered).
 */
export async function intakeStatus(db: DbOrTx, windowMs: number) {
  const since = new Date(Date.now() - windowMs).toISOString();
  const result = await db.execute<{ unstarted: number; oldest: Date | null; waiting: number; accepted: number; caught_up: number }>(sql`
    select
      (select count(*)::int from ${orderIntake} where started_at is null) as unstarted,
      (select min(accepted_at) from ${orderIntake} where started_at is null) as oldest,
      (select count(*)::int from ${orders} where status = 'PENDING_PAYMENT' and paid_at is not null) as waiting,
      (select count(*)::int from ${orderIntake} where accepted_at >= ${since}::timestamptz) as accepted,
      (select count(*)::int from ${orderEvents} where type in ('ALLOCATED', 'TRANSFER_CREATED', 'PURCHASE_CREATED', 'BACKORDERED') and at >= ${since}::timestamptz) as caught_up`);
  const row = result.rows[0]!;
  return { unstarted: row.unstarted, oldest: row.oldest ? new Date(row.oldest) : null, paidWaiting: row.waiting, accepted: row.accepted, caughtUp: row.caught_up };
}
