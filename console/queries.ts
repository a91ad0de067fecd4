/**
 * The three reads the ops console needs that the rest of the API did not answer: orders counted by status (every
 * status, final ones too), order search by platform order id or phone, and the pick tasks of a warehouse.
 * Served under `/v1/ops/*` (api/routes/console.ts) with the `ops` scope, like the rest of the ops API.
 */
import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { orders, warehouseTasks } from '../db/schema';
import { ORDER_STATUSES, type OrderStatus } from '../domain/order';

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

/** The last 11 digits of a mainland number however it was typed (`+86 139-1234-5678` → `13912345678`); null when too short. */
export function phoneKey(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  return digits.length >= 11 ? digits.slice(-11) : null;
}

/** `13812348000` → `138****8000` (the first 3 and last 4 digits); anything shorter than 7 digits keeps only its last 2. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  // +86 in front of a mobile number is dropped; a landline keeps its area code (0571-88886666 → 057****6666).
  const key = /^861\d{10}$/.test(digits) ? digits.slice(2) : digits;
  if (key.length >= 7) return `${key.slice(0, 3)}****${key.slice(-4)}`;
  return `****${key.slice(-2)}`;
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
    .select({
      orderId: orders.orderId,
      channel: orders.channel,
      channelOrderId: orders.channelOrderId,
      storeId: orders.storeId,
      status: orders.status,
      statusSince: orders.statusSince,
      urgent: orders.urgent,
      warehouseId: orders.warehouseId,
      totalFen: orders.totalFen,
      orderedAt: orders.orderedAt,
      paidAt: orders.paidAt,
      customer: orders.customer,
      shippingAddress: orders.shippingAddress,
    })
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

export const TASK_STATES = ['open', 'completed', 'cancelled', 'all'] as const;

/** A warehouse's pick tasks (what its PDAs get), newest first. */
export async function warehouseTaskList(db: DbOrTx, filter: { warehouseId: string; status: (typeof TASK_STATES)[number]; limit: number }) {
  const rows = await db
    .select({
      taskId: warehouseTasks.id,
      orderId: warehouseTasks.orderId,
      warehouseId: warehouseTasks.warehouseId,
      kind: warehouseTasks.kind,
      status: warehouseTasks.status,
      lines: warehouseTasks.lines,
      carrier: warehouseTasks.carrier,
      waveId: warehouseTasks.waveId,
      scanned: warehouseTasks.scanned,
      packCheck: warehouseTasks.packCheck,
      createdAt: warehouseTasks.createdAt,
      completedAt: warehouseTasks.completedAt,
    })
    .from(warehouseTasks)
    .where(and(eq(warehouseTasks.warehouseId, filter.warehouseId), filter.status === 'all' ? undefined : eq(warehouseTasks.status, filter.status)))
    .orderBy(desc(warehouseTasks.createdAt), desc(warehouseTasks.id))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r, lines: r.lines as { sku: string; quantity: number; location?: unknown }[] }));
}
