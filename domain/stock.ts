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
