/**
 * Accepting a batch of orders in one transaction: the order rows, their lines and first timeline events, the
 * stock holds of the paid ones, and the outbox rows their workflows start from. Either all of it is written
 * or none; an order already known is left untouched (a redelivery).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { HoldRequest } from '../../domain/holds';
import { orderTotalFen, type CanonicalOrder } from '../../domain/order';
import type { OrderIntake, OrderWorkflowInput, TimelineEntry } from '../../workflows/contract';
import type { DbOrTx } from '../client';
import { orderEvents, orderIntake, orderLines, orders } from '../schema';
import { placeHolds } from './holds';

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
export async function acceptOrders(tx: DbOrTx, batch: readonly IntakeOrder[], at: Date, taskQueue: string): Promise<{ accepted: Accepted[]; heldSkus: string[]; soldOut: string[] }> {
  const unique = [...new Map(batch.map((o) => [o.orderId, o])).values()];
  if (unique.length === 0) return { accepted: [], heldSkus: [], soldOut: [] };
  const inserted = await tx
    .insert(orders)
    .values(
      unique.map((o) => ({
        orderId: o.orderId,
        workflowId: o.workflowId,
        channel: o.order.channel,
        channelOrderId: o.order.channelOrderId,
        storeId: o.order.storeId ?? null,
        status: 'PENDING_PAYMENT',
        statusSince: at,
        urgent: o.order.urgent,
        customer: o.order.customer,
        shippingAddress: o.order.shippingAddress,
        totalFen: orderTotalFen(o.order.lines),
        buyerMessage: o.order.buyerMessage ?? null,
        orderedAt: new Date(o.order.createdAt),
        paidAt: o.order.paidAt ? new Date(o.order.paidAt) : null,
      })),
    )
    .onConflictDoNothing()
    .returning({ orderId: orders.orderId });
  const created = new Set(inserted.map((r) => r.orderId));
  const fresh = unique.filter((o) => created.has(o.orderId));
  if (fresh.length === 0) return { accepted: batch.map((o) => ({ orderId: o.orderId, created: false, held: false })), heldSkus: [], soldOut: [] };

  await tx.insert(orderLines).values(
    fresh.flatMap((o) => o.order.lines.map((l) => ({ orderId: o.orderId, sku: l.sku, quantity: l.quantity, unitPriceFen: l.unitPriceFen, title: l.title ?? null }))),
  );

  const requests: HoldRequest[] = fresh
    .filter((o) => o.hold && o.order.paidAt)
    .map((o) => ({ orderId: o.orderId, lines: o.order.lines, ...(o.preferred ? { preferred: o.preferred } : {}) }));
  const plan = await placeHolds(tx, requests);
  const holdsOf = new Map<string, { warehouseId: string; sku: string; quantity: number }[]>();
  for (const h of plan.holds) holdsOf.set(h.orderId, [...(holdsOf.get(h.orderId) ?? []), { warehouseId: h.warehouseId, sku: h.sku, quantity: h.quantity }]);

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

  await tx.insert(orderEvents).values(
    fresh.flatMap((o) =>
      intakes.get(o.orderId)!.timeline.map((e) => ({ orderId: o.orderId, seq: e.seq, type: e.type, status: e.status ?? null, at, data: e.detail ?? null })),
    ),
  );
  // Every fresh order has its ORDER_RECEIVED (seq 1); paid ones more. One statement sets each row's last seq.
  await tx.execute(sql`
    update ${orders} as o set last_event_seq = v.seq
    from unnest(${sql.param(fresh.map((o) => o.orderId))}::text[], ${sql.param(fresh.map((o) => intakes.get(o.orderId)!.timeline.length))}::int[]) as v(order_id, seq)
    where o.order_id = v.order_id`);

  const inputs = new Map(fresh.map((o) => [o.orderId, { orderId: o.orderId, order: o.order, intake: intakes.get(o.orderId)! }]));
  await tx.insert(orderIntake).values(fresh.map((o) => ({ orderId: o.orderId, taskQueue, input: inputs.get(o.orderId)!, acceptedAt: at })));

  return {
    accepted: batch.map((o) => {
      if (!created.has(o.orderId)) return { orderId: o.orderId, created: false, held: false };
      const input = inputs.get(o.orderId)!;
      return { orderId: o.orderId, created: true, held: input.intake.held, input };
    }),
    heldSkus: [...new Set(plan.holds.map((h) => h.sku))],
    soldOut: plan.soldOut,
  };
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
