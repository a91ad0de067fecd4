/**
 * Internal transfers (`transfer_orders`): the units are held at the source until the receipt moves them to the
 * destination, still reserved for the order while it wants them. The transfer row is locked before the stock
 * rows (`lockStock`), as every writer does.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { StockLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { inventory, transferOrders } from '../schema';
import { lockStock, receiveStock, type ReceiptResult } from './inventory';

export type TransferRow = typeof transferOrders.$inferSelect;

/** A transfer holds its units at the source until receipt: counted as reserved there, so nobody sells them. */
export async function holdAtSource(db: DbOrTx, warehouseId: string, lines: readonly StockLine[]): Promise<void> {
  for (const line of lines) {
    await db
      .update(inventory)
      .set({ reserved: sql`${inventory.reserved} + ${line.quantity}`, updatedAt: sql`now()` })
      .where(and(eq(inventory.warehouseId, warehouseId), eq(inventory.sku, line.sku)));
  }
}

export async function insertTransfer(db: DbOrTx, row: typeof transferOrders.$inferInsert): Promise<TransferRow> {
  const [created] = await db.insert(transferOrders).values(row).returning();
  if (!created) throw new Error('transfer insert returned no row');
  return created;
}

export async function findTransfer(db: DbOrTx, id: string): Promise<TransferRow | undefined> {
  const [row] = await db.select().from(transferOrders).where(eq(transferOrders.id, id));
  return row;
}

/**
 * A transfer arrived: in one transaction the units leave the source (on hand and the hold), land at the
 * destination and, while the order still wants them, stay reserved for it there.
 */
export async function receiveTransfer(db: DbOrTx, id: string): Promise<ReceiptResult<TransferRow>> {
  return db.transaction(async (tx) => {
    const [transfer] = await tx.select().from(transferOrders).where(eq(transferOrders.id, id)).for('update');
    if (!transfer) return { outcome: 'not-found' };
    if (transfer.status !== 'in_transit') return { outcome: 'conflict', status: transfer.status };
    const lines = transfer.lines as StockLine[];
    await lockStock(
      tx,
      lines.map((l) => l.sku),
    );
    for (const line of lines) {
      await tx
        .update(inventory)
        .set({
          onHand: sql`${inventory.onHand} - ${line.quantity}`,
          reserved: sql`${inventory.reserved} - ${line.quantity}`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(inventory.warehouseId, transfer.fromWarehouseId), eq(inventory.sku, line.sku)));
    }
    await receiveStock(tx, transfer.toWarehouseId, lines, transfer.forOrder ? transfer.orderId : null);
    const [row] = await tx
      .update(transferOrders)
      .set({ status: 'received', receivedAt: sql`now()` })
      .where(eq(transferOrders.id, id))
      .returning();
    return { outcome: 'received', row: row! };
  });
}

export async function listTransfers(db: DbOrTx, f: { status?: string | undefined; orderId?: string | undefined; limit: number }) {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(transferOrders.status, f.status) : undefined,
    f.orderId ? eq(transferOrders.orderId, f.orderId) : undefined,
  ];
  return db
    .select()
    .from(transferOrders)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(transferOrders.createdAt))
    .limit(f.limit);
}
