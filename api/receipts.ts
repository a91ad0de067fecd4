/** What the transfer and purchase routes share: their list filters and what a receipt sets off. */
import { z } from 'zod';
import type { ReceiptResult } from '../db/queries/inventory';
import type { StockPair } from '../db/queries/replenishment';
import { followUpOf } from '../domain/receipts';
import type { ReplenishmentMonitor } from '../replenishment/monitor';
import { conflict, notFound } from './errors';

export interface ReceiptDeps {
  /** Stock became sellable: offer it to the backordered orders (oldest first). */
  onStockReceived: (skus: string[]) => Promise<void>;
  replenishment?: ReplenishmentMonitor | undefined;
}

export const idParam = z.object({ id: z.string().min(1).max(120) });

export const inboundQuery = (statuses: readonly [string, ...string[]]) =>
  z.object({
    status: z.enum(statuses).optional(),
    orderId: z.string().min(1).max(80).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  });

export function receiptOrThrow<Row>(result: ReceiptResult<Row>, what: string): Row {
  if (result.outcome === 'not-found') throw notFound(what);
  if (result.outcome === 'conflict') throw conflict(`${what} is ${result.status}; it cannot be received`);
  return result.row;
}

/**
 * Goods are in: the order they came for continues (`wake`); goods no order waits for any more are offered to
 * the backorders. Either way the replenishment alerts of the touched rows are checked.
 */
export async function stockArrived(
  deps: ReceiptDeps,
  receipt: { forOrder: boolean; orderId: string | null; skus: string[]; rows: StockPair[] },
  wake: (orderId: string) => Promise<void>,
): Promise<void> {
  const next = followUpOf({ kind: 'inbound-received', forOrder: receipt.forOrder, orderId: receipt.orderId, skus: receipt.skus });
  if (next.action === 'wake-order') await wake(next.orderId);
  else if (next.action === 'offer-to-backorders') await deps.onStockReceived(next.skus);
  await deps.replenishment?.check(receipt.rows);
}
