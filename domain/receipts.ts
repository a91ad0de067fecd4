/**
 * What stock arriving sets off: the pure decision behind the transfer and purchase receipts, stock counts
 * and supplier changes. The caller carries it out (signal the order, start the restock run).
 */

/** Something that makes stock sellable (or buyable) again. */
export type StockArrival =
  /** A transfer or a purchase was received; `forOrder` while the order it was made for still waits for it. */
  | { kind: 'inbound-received'; forOrder: boolean; orderId: string | null; skus: readonly string[] }
  /** A stock count of one SKU in one warehouse, and what is available after it. */
  | { kind: 'stock-counted'; sku: string; available: number }
  /** A SKU's master data was saved; `supplierSet` when it names a 1688 supplier. */
  | { kind: 'sku-updated'; sku: string; supplierSet: boolean };

export type FollowUp =
  /** The order the goods came for continues (transferReceived / purchaseReceived). */
  | { action: 'wake-order'; orderId: string }
  /** Offered to the backordered orders wanting these SKUs, oldest first (the restock run). */
  | { action: 'offer-to-backorders'; skus: string[] }
  /** Urgent backordered orders wanting the SKU may buy it now (stockReplenished to each). */
  | { action: 'wake-urgent-backorders'; sku: string }
  | { action: 'none' };

export function followUpOf(arrival: StockArrival): FollowUp {
  switch (arrival.kind) {
    case 'inbound-received':
      if (arrival.forOrder && arrival.orderId) return { action: 'wake-order', orderId: arrival.orderId };
      return { action: 'offer-to-backorders', skus: [...new Set(arrival.skus)] };
    case 'stock-counted':
      return arrival.available > 0 ? { action: 'offer-to-backorders', skus: [arrival.sku] } : { action: 'none' };
    case 'sku-updated':
      return arrival.supplierSet ? { action: 'wake-urgent-backorders', sku: arrival.sku } : { action: 'none' };
  }
}
