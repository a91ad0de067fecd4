/**
 * What transfers and purchases share as inbound goods: the list filters and the receipt's transaction. Each
 * module keeps what its receipt does to the stock (`bookIn`) and which statuses may still be received.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { StockLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { purchaseOrders, transferOrders } from '../schema';
import { lockStock, type ReceiptResult } from './inventory';

/** Goods on their way to a warehouse for an order (or, once it let go, for stock), received once. */
type InboundTable = typeof transferOrders | typeof purchaseOrders;
type InboundRow<T extends InboundTable> = T['$inferSelect'];

export interface InboundFilter {
  status?: string | undefined;
  orderId?: string | undefined;
  limit: number;
}

/** Newest first. */
export async function listInbound<T extends InboundTable>(db: DbOrTx, table: T, f: InboundFilter): Promise<InboundRow<T>[]> {
  const inbound: InboundTable = table;
  const conditions: (SQL | undefined)[] = [f.status ? eq(inbound.status, f.status) : undefined, f.orderId ? eq(inbound.orderId, f.orderId) : undefined];
  const rows = await db
    .select()
    .from(inbound)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(inbound.createdAt))
    .limit(f.limit);
  return rows as InboundRow<T>[];
}

/**
 * One receipt, in one transaction: the inbound row is locked before the stock rows (`lockStock`), as every
 * writer does; a row that may not be received is a conflict; `bookIn` moves the units; the row becomes received.
 */
export async function receiveInbound<T extends InboundTable>(
  db: DbOrTx,
  table: T,
  id: string,
  receipt: {
    receivable(status: string): boolean;
    bookIn(tx: DbOrTx, row: InboundRow<T>, lines: StockLine[]): Promise<void>;
  },
): Promise<ReceiptResult<InboundRow<T>>> {
  const inbound: InboundTable = table;
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(inbound).where(eq(inbound.id, id)).for('update');
    if (!locked) return { outcome: 'not-found' };
    if (!receipt.receivable(locked.status)) return { outcome: 'conflict', status: locked.status };
    const lines = locked.lines as StockLine[];
    await lockStock(
      tx,
      lines.map((l) => l.sku),
    );
    await receipt.bookIn(tx, locked as InboundRow<T>, lines);
    const [row] = await tx.update(inbound).set({ status: 'received', receivedAt: sql`now()` }).where(eq(inbound.id, id)).returning();
    return { outcome: 'received', row: row as InboundRow<T> };
  });
}
