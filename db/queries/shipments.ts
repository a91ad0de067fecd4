import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import type { ShipmentStatus } from '../../domain/shipments';
import { shipments } from '../schema';

/** Records a booked forward waybill for an order, once (a retried activity finds the row there). */
export async function insertForwardShipment(
  db: DbOrTx,
  s: { id: string; orderId: string; warehouseId: string; carrier: string; waybillNo: string },
): Promise<void> {
  await db
    .insert(shipments)
    .values({ ...s, direction: 'forward', status: 'created' })
    .onConflictDoNothing();
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
