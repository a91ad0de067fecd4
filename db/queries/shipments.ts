import type { DbOrTx } from '../client';
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
