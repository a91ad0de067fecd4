/**
 * What the pre-pack model learns from and scores on besides behaviour: orders keyed by customer
 * (`prepack_order_customers`, the phone never stored), customers' paid lines, and the training job's history.
 */
import { and, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { BehaviourType, PastPurchase } from '../../domain/prepack-features';
import type { DbOrTx } from '../client';
import { behaviourEvents, orderLines, orders, prepackOrderCustomers, skus } from '../schema';
import { categoriesOf } from './skus';

/** Orders with no customer key yet (oldest first): their id, time and phone, for the caller to key. */
export async function ordersToKey(db: DbOrTx, limit: number): Promise<{ orderId: string; orderedAt: Date; phone: string }[]> {
  const rows = await db
    .select({ orderId: orders.orderId, orderedAt: orders.orderedAt, customer: orders.customer })
    .from(orders)
    .leftJoin(prepackOrderCustomers, eq(prepackOrderCustomers.orderId, orders.orderId))
    .where(isNull(prepackOrderCustomers.orderId))
    .orderBy(orders.orderedAt)
    .limit(limit);
  return rows.map((r) => ({ orderId: r.orderId, orderedAt: r.orderedAt, phone: String((r.customer as { phone?: unknown }).phone ?? '') }));
}

export async function saveOrderCustomers(db: DbOrTx, rows: readonly { orderId: string; customerKey: string; orderedAt: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(prepackOrderCustomers).values([...rows]).onConflictDoNothing();
}

/** Paid order lines of these customers at or after `from` (cancelled and merged orders left out), by customer key. */
export async function purchasesOf(db: DbOrTx, customerKeys: readonly string[], from: Date): Promise<Map<string, PastPurchase[]>> {
  const out = new Map<string, PastPurchase[]>();
  if (customerKeys.length === 0) return out;
  const rows = await db
    .select({
      customerKey: prepackOrderCustomers.customerKey,
      sku: orderLines.sku,
      category: skus.category,
      quantity: orderLines.quantity,
      unitPriceFen: orderLines.unitPriceFen,
      paidAt: orders.paidAt,
    })
    .from(prepackOrderCustomers)
    .innerJoin(orders, eq(orders.orderId, prepackOrderCustomers.orderId))
    .innerJoin(orderLines, eq(orderLines.orderId, orders.orderId))
    .leftJoin(skus, eq(skus.sku, orderLines.sku))
    .where(
      and(
        inArray(prepackOrderCustomers.customerKey, [...customerKeys]),
        gte(orders.paidAt, from),
        sql`${orders.status} not in ('CANCELLED', 'MERGED')`,
      ),
    );
  for (const r of rows) {
    if (!r.paidAt) continue;
    const list = out.get(r.customerKey) ?? [];
    list.push({ sku: r.sku, category: r.category, quantity: r.quantity, amountFen: r.quantity * r.unitPriceFen, atMs: r.paidAt.getTime() });
    out.set(r.customerKey, list);
  }
  return out;
}

/** All events and customers' paid lines in [from, to): the training job's history. */
export async function historyBetween(db: DbOrTx, from: Date, to: Date) {
  const events = await db
    .select({ customerKey: behaviourEvents.customerKey, sku: behaviourEvents.sku, type: behaviourEvents.type, at: behaviourEvents.at, dwellSeconds: behaviourEvents.dwellSeconds })
    .from(behaviourEvents)
    .where(and(gte(behaviourEvents.at, from), sql`${behaviourEvents.at} < ${to.toISOString()}::timestamptz`));
  const keys = [...new Set(events.map((e) => e.customerKey))];
  const purchases = new Map<string, PastPurchase[]>();
  for (let i = 0; i < keys.length; i += 5000) {
    for (const [k, v] of await purchasesOf(db, keys.slice(i, i + 5000), new Date(from.getTime() - 365 * 86_400_000))) purchases.set(k, v);
  }
  const categories = await categoriesOf(db, [...new Set(events.map((e) => e.sku))]);
  return {
    events: events.map((e) => ({ customerKey: e.customerKey, sku: e.sku, type: e.type as BehaviourType, atMs: e.at.getTime(), dwellSeconds: e.dwellSeconds })),
    purchases,
    categories,
  };
}
