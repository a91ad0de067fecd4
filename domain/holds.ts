/**
 * Stock holds: the units an accepted, paid order takes off every channel at once, before its workflow has
 * allocated it. Placing holds for a batch of orders is a pure decision over the locked stock rows of their
 * SKUs, first come first served:
 *
 *   - an order is held whole or not at all (a part-held order would block units it cannot ship with);
 *   - each line takes units from the warehouses nearest the receiver first (where allocation will most likely
 *     ship from, so the hold seldom moves), then from the rest, most available first;
 *   - nothing is ever held beyond `onHand − reserved − held` of a row.
 *
 * An order left unheld is not refused: its workflow allocates it as usual and, with nothing available,
 * backorders it.
 */
import { mergeLines, type StockLine } from './stock';

export interface StockPosition {
  warehouseId: string;
  sku: string;
  onHand: number;
  reserved: number;
  held: number;
}

export interface HoldRequest {
  orderId: string;
  lines: readonly StockLine[];
  /** Warehouse ids to take units from first (nearest the receiver first); the rest follow. */
  preferred?: readonly string[];
}

export interface Hold {
  orderId: string;
  warehouseId: string;
  sku: string;
  quantity: number;
}

export interface HoldPlan {
  holds: Hold[];
  /** Orders that could not be held whole (in request order). */
  unheld: string[];
  /** Units added to `held` per row, `warehouseId␟sku` → units. */
  added: Map<string, number>;
  /** SKUs these holds sold out: available somewhere before, nowhere after. */
  soldOut: string[];
}

export const availableOf = (row: Pick<StockPosition, 'onHand' | 'reserved' | 'held'>): number => row.onHand - row.reserved - row.held;

/** A stock row's key (warehouse, SKU) as one string, for maps and sets; `splitRowKey` reads it back. */
export const rowKey = (warehouseId: string, sku: string): string => `${warehouseId}\u241f${sku}`;

export function splitRowKey(key: string): { warehouseId: string; sku: string } {
  const [warehouseId, sku] = key.split('\u241f') as [string, string];
  return { warehouseId, sku };
}

/** Decides the holds for `requests` in order over `stock` (the rows of their SKUs). Does not mutate its input. */
export function planHolds(stock: readonly StockPosition[], requests: readonly HoldRequest[]): HoldPlan {
  const free = new Map<string, number>();
  const rowsOfSku = new Map<string, string[]>();
  for (const row of stock) {
    free.set(rowKey(row.warehouseId, row.sku), Math.max(0, availableOf(row)));
    rowsOfSku.set(row.sku, [...(rowsOfSku.get(row.sku) ?? []), row.warehouseId]);
  }

  const holds: Hold[] = [];
  const unheld: string[] = [];
  const added = new Map<string, number>();
  for (const request of requests) {
    const taken: Hold[] = [];
    let whole = true;
    for (const line of mergeLines(request.lines)) {
      let wanted = line.quantity;
      for (const warehouseId of sourcesFor(line.sku, request.preferred ?? [], rowsOfSku, free)) {
        if (wanted === 0) break;
        const key = rowKey(warehouseId, line.sku);
        const units = Math.min(wanted, free.get(key) ?? 0);
        if (units <= 0) continue;
        taken.push({ orderId: request.orderId, warehouseId, sku: line.sku, quantity: units });
        free.set(key, free.get(key)! - units);
        wanted -= units;
      }
      if (wanted > 0) {
        whole = false;
        break;
      }
    }
    if (!whole) {
      for (const t of taken) free.set(rowKey(t.warehouseId, t.sku), free.get(rowKey(t.warehouseId, t.sku))! + t.quantity);
      unheld.push(request.orderId);
      continue;
    }
    for (const t of taken) {
      holds.push(t);
      const key = rowKey(t.warehouseId, t.sku);
      added.set(key, (added.get(key) ?? 0) + t.quantity);
    }
  }
  const soldOut = [...rowsOfSku.keys()].filter((sku) => {
    const rows = rowsOfSku.get(sku)!;
    const before = stock.filter((r) => r.sku === sku).reduce((sum, r) => sum + Math.max(0, availableOf(r)), 0);
    return before > 0 && rows.every((w) => (free.get(rowKey(w, sku)) ?? 0) === 0);
  });
  return { holds, unheld, added, soldOut };
}

/** Preferred warehouses first (in the given order), then the others with the most units free first. */
function sourcesFor(sku: string, preferred: readonly string[], rowsOfSku: Map<string, string[]>, free: Map<string, number>): string[] {
  const rows = rowsOfSku.get(sku) ?? [];
  const first = preferred.filter((w) => rows.includes(w));
  const rest = rows
    .filter((w) => !first.includes(w))
    .sort((a, b) => (free.get(rowKey(b, sku)) ?? 0) - (free.get(rowKey(a, sku)) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return [...first, ...rest];
}
