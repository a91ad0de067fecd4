/** A quantity of one SKU: what an order line, a reservation, a hold, a transfer or a pick asks for. */
export interface StockLine {
  sku: string;
  quantity: number;
}

/** A line of a 1688 purchase order: the SKU and the supplier offer it is bought from. */
export interface PurchaseLine extends StockLine {
  offerId: string;
  specId?: string | undefined;
  pricePerUnitFen?: number | undefined;
}

/** One line per SKU, quantities added (the canonical order forbids repeats; other callers might not). */
export function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const merged = new Map<string, number>();
  for (const l of lines) merged.set(l.sku, (merged.get(l.sku) ?? 0) + l.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

// ── Channel stock sync: changes of one SKU, coalesced until the next push round ─────────────────────────

export interface StockChange {
  /** When the change was made (ISO). */
  at: string;
  /** Orders whose reservation made the change, for the order-accepted → channels-updated measurement. */
  orderIds?: string[];
  /** How many changes this signal stands for (a sender may coalesce several); default 1. */
  changes?: number;
  /** The change took the SKU's last sellable unit: the channels are told at once, not at the next interval. */
  soldOut?: boolean;
}

export interface PendingStockChanges {
  firstChangeAt: string;
  changes: number;
  orderIds: string[];
  soldOut?: boolean;
}

/** Orders remembered per round for the latency measurement; more changes still count, unmeasured. */
export const MAX_ORDER_IDS_PER_ROUND = 2_000;

/** The changes waiting for the next round, with one more: earliest time kept, counts added, sold-out sticky. */
export function mergeStockChange(pending: PendingStockChanges | undefined, change: StockChange): PendingStockChanges {
  const orderIds = pending ? [...pending.orderIds] : [];
  for (const id of change.orderIds ?? []) if (orderIds.length < MAX_ORDER_IDS_PER_ROUND && !orderIds.includes(id)) orderIds.push(id);
  const changes = change.changes ?? 1;
  const soldOut = change.soldOut || pending?.soldOut ? { soldOut: true } : {};
  if (!pending) return { firstChangeAt: change.at, changes, orderIds, ...soldOut };
  return { firstChangeAt: change.at < pending.firstChangeAt ? change.at : pending.firstChangeAt, changes: pending.changes + changes, orderIds, ...soldOut };
}
