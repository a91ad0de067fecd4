import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import type { ShipmentStatus } from '../../domain/shipments';
import { orders, shipments } from '../schema';

/**
 * Records a booked forward waybill for an order, once (a retried activity finds the row there), with its
 * freight by the carrier's cost model and the carrier rule that chose the carrier (null: the default carrier).
 */
export async function insertForwardShipment(
  db: DbOrTx,
  s: { id: string; orderId: string; warehouseId: string; carrier: string; waybillNo: string; costFen?: number | null; carrierRuleId?: string | null },
): Promise<void> {
  await db
    .insert(shipments)
    .values({ ...s, direction: 'forward', status: 'created' })
    .onConflictDoNothing();
}

/** The order's first parcel left: `orders.shipped_at` is set once (later parcels of a split keep it). */
export async function markOrderShipped(db: DbOrTx, orderId: string): Promise<void> {
  await db
    .update(orders)
    .set({ shippedAt: sql`now()` })
    .where(and(eq(orders.orderId, orderId), isNull(orders.shippedAt)));
}

/**
 * Freight and carrier rule of these waybills (a merged parcel's waybill is recorded once, under the order
 * that booked it, so they are looked up by waybill, not by order).
 */
export async function shipmentCosts(db: DbOrTx, waybills: readonly { carrier: string; waybillNo: string }[]) {
  if (waybills.length === 0) return [];
  return db
    .select({ carrier: shipments.carrier, waybillNo: shipments.waybillNo, costFen: shipments.costFen, carrierRuleId: shipments.carrierRuleId })
    .from(shipments)
    .where(or(...waybills.map((w) => and(eq(shipments.carrier, w.carrier), eq(shipments.waybillNo, w.waybillNo)))));
}

/** The order a waybill (forward or return) was booked for; undefined for a waybill the OMS did not book. */
export async function orderOfWaybill(db: DbOrTx, carrier: string, waybillNo: string): Promise<string | undefined> {
  const [shipment] = await db
    .select({ orderId: shipments.orderId })
    .from(shipments)
    .where(and(eq(shipments.carrier, carrier), eq(shipments.waybillNo, waybillNo)));
  return shipment?.orderId;
}

/** The waybill's latest status as the carrier reported it (and when it was delivered). */
export async function setShipmentStatus(
  db: DbOrTx,
  s: { carrier: string; waybillNo: string; status: ShipmentStatus; at: Date },
): Promise<void> {
  await db
    .update(shipments)
    .set({
      status: s.status,
      lastEventAt: s.at,
      ...(s.status === 'delivered' ? { deliveredAt: s.at } : {}),
    })
    .where(and(eq(shipments.carrier, s.carrier), eq(shipments.waybillNo, s.waybillNo)));
}

/** Every waybill of the order (forward parcels and returns), oldest first. */
export async function shipmentsOfOrder(db: DbOrTx, orderId: string) {
  return db.select().from(shipments).where(eq(shipments.orderId, orderId)).orderBy(asc(shipments.createdAt));
}
