/**
 * 1688 purchase orders (`purchase_orders`): placed once from `pending` (claimed as `placing`), received into
 * their warehouse and, while the order still wants the goods, reserved for it there.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { purchaseOrders } from '../schema';
import { receiveStock, type ReceiptResult } from './inventory';
import { listInbound, receiveInbound, type InboundFilter } from './receipts';

export type PurchaseRow = typeof purchaseOrders.$inferSelect;

export async function insertPurchase(db: DbOrTx, row: typeof purchaseOrders.$inferInsert): Promise<PurchaseRow> {
  const [created] = await db.insert(purchaseOrders).values(row).returning();
  if (!created) throw new Error('purchase insert returned no row');
  return created;
}

export async function findPurchase(db: DbOrTx, id: string): Promise<PurchaseRow | undefined> {
  const [row] = await db.select().from(purchaseOrders).where(eq(purchaseOrders.id, id));
  return row;
}

/** A purchase arrived at its warehouse: booked in and, while the order still wants it, reserved for it. */
export async function receivePurchase(db: DbOrTx, id: string): Promise<ReceiptResult<PurchaseRow>> {
  return receiveInbound(db, purchaseOrders, id, {
    receivable: (status) => status !== 'received' && status !== 'cancelled',
    bookIn: (tx, purchase, lines) => receiveStock(tx, purchase.warehouseId, lines, purchase.forOrder ? purchase.orderId : null),
  });
}

/** Takes a pending purchase for placing; undefined when it is not pending (placed, cancelled, in flight). */
export async function claimPurchase(db: DbOrTx, id: string): Promise<PurchaseRow | undefined> {
  const [row] = await db
    .update(purchaseOrders)
    .set({ status: 'placing' })
    .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'pending')))
    .returning();
  return row;
}

/** Records what placing came to; only a purchase still `placing` changes (a receipt may have overtaken it). */
export async function settlePurchase(
  db: DbOrTx,
  id: string,
  change: Partial<Pick<PurchaseRow, 'status' | 'supplierOrderId' | 'totalFen' | 'postFeeFen' | 'failedOffers' | 'error' | 'orderedAt'>>,
): Promise<void> {
  await db
    .update(purchaseOrders)
    .set(change)
    .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'placing')));
}

export async function listPurchases(db: DbOrTx, f: InboundFilter): Promise<PurchaseRow[]> {
  return listInbound(db, purchaseOrders, f);
}
