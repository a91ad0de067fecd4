/**
 * Internal transfers (`transfer_orders`): the units are held at the source until the receipt moves them to the
 * destination, still reserved for the order while it wants them. The transfer row is locked before the stock
 * rows (`lockStock`), as every writer does.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { StockLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { inventory, transferOrders } from '../schema';
import { receiveStock, type ReceiptResult } from './inventory';
import { listInbound, receiveInbound, type InboundFilter } from './receipts';

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
  return receiveInbound(db, transferOrders, id, {
    receivable: (status) => status === 'in_transit',
    async bookIn(tx, transfer, lines) {
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
    },
  });
}

export async function listTransfers(db: DbOrTx, f: InboundFilter): Promise<TransferRow[]> {
  return listInbound(db, transferOrders, f);
}
