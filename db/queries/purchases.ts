/**
 * 1688 purchase orders (`purchase_orders`): placed once from `pending` (claimed as `placing`), received into
 * their warehouse and, while the order still wants the goods, reserved for it there.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { PurchaseLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { purchaseOrders } from '../schema';
import { lockStock, receiveStock, type ReceiptResult } from './inventory';

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
  return db.transaction(async (tx) => {
    const [purchase] = await tx.select().from(purchaseOrders).where(eq(purchaseOrders.id, id)).for('update');
    if (!purchase) return { outcome: 'not-found' };
    if (purchase.status === 'received' || purchase.status === 'cancelled') return { outcome: 'conflict', status: purchase.status };
    const lines = purchase.lines as PurchaseLine[];
    await lockStock(
      tx,
      lines.map((l) => l.sku),
    );
    await receiveStock(tx, purchase.warehouseId, lines, purchase.forOrder ? purchase.orderId : null);
    const [row] = await tx
      .update(purchaseOrders)
      .set({ status: 'received', receivedAt: sql`now()` })
      .where(eq(purchaseOrders.id, id))
      .returning();
    return { outcome: 'received', row: row! };
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

export async function listPurchases(db: DbOrTx, f: { status?: string | undefined; orderId?: string | undefined; limit: number }) {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(purchaseOrders.status, f.status) : undefined,
    f.orderId ? eq(purchaseOrders.orderId, f.orderId) : undefined,
  ];
  return db
    .select()
    .from(purchaseOrders)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(purchaseOrders.createdAt))
    .limit(f.limit);
}
