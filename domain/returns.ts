/**
 * Pure rules of returns (after sale): when a return may be requested, how much may come back, what a
 * warehouse scan means for each unit, and what the buyer is refunded. Deterministic: the order workflow
 * and the unit tests both call these.
 */
import type { OrderStatus } from './order';
import { mergeLines, type StockLine } from './stock';

/** requested → in_transit (carrier picked up) → received; `review` while a person checks a stalled return. */
export type ReturnStatus = 'requested' | 'in_transit' | 'review' | 'received';

export const RETURN_CONDITIONS = ['resaleable', 'damaged'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

export interface PricedLine extends StockLine {
  unitPriceFen: number;
}
export interface ConditionedLine extends StockLine {
  condition: ReturnCondition;
}

/** The longest id the carriers accept as their order key (SF and JD: 64). */
export const MAX_CARRIER_ORDER_ID = 64;

/**
 * The id of the order's n-th return (n from 1). It keys the reverse waybill at the carrier, which shares one
 * namespace with order ids: the `ret-` prefix is no channel name, so it never equals an order id. Long order
 * ids are shortened with a hash so the id stays within the carriers' limit.
 */
export function returnIdFor(orderId: string, n: number): string {
  const plain = `ret-${n}-${orderId}`;
  if (plain.length <= MAX_CARRIER_ORDER_ID) return plain;
  const hash = fnv1a32(orderId).toString(36);
  const head = `ret-${n}-${hash}-`;
  return head + orderId.slice(-(MAX_CARRIER_ORDER_ID - head.length));
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export interface ReturnRequestFacts {
  status: OrderStatus;
  /** What left the warehouse. */
  shipped: readonly StockLine[];
  /** Every return so far, open or received (units of both count as "coming back"). */
  returns: readonly { returnId: string; open: boolean; lines: readonly StockLine[] }[];
  /** When the order was delivered (ISO), undefined while it is not. */
  deliveredAt: string | undefined;
  afterSaleWindowMs: number;
  /** Set once the workflow has closed the window (it may not accept returns even a millisecond later). */
  windowClosed: boolean;
  now: number;
}

export interface ReturnRequest {
  lines: readonly StockLine[];
  /** The buyer refused the parcel at the door: allowed while SHIPPED, for the whole parcel. */
  refusedByBuyer?: boolean | undefined;
}

/** Why this return cannot be accepted, or undefined when it can. Each reason is a sentence for the 409. */
export function returnRequestRefusal(facts: ReturnRequestFacts, request: ReturnRequest): string | undefined {
  const open = facts.returns.find((r) => r.open);
  if (open) return `return ${open.returnId} is still open; request another once it is received`;

  if (request.refusedByBuyer) {
    if (facts.status !== 'SHIPPED') return `order is ${facts.status}; only a shipped parcel can be refused by the buyer`;
    if (!sameQuantities(request.lines, facts.shipped)) return 'a refused parcel comes back whole: return every shipped unit';
  } else if (facts.status === 'SHIPPED') {
    return 'order is SHIPPED; returns open once it is delivered (or when the buyer refused the parcel: refusedByBuyer)';
  } else if (facts.status === 'COMPLETED') {
    return 'order is COMPLETED; the after-sale window has closed';
  } else if (facts.status !== 'DELIVERED' && facts.status !== 'RETURNED') {
    return `order is ${facts.status}; only delivered orders can be returned`;
  } else {
    const closesAt = facts.deliveredAt === undefined ? -Infinity : Date.parse(facts.deliveredAt) + facts.afterSaleWindowMs;
    if (facts.windowClosed || facts.now >= closesAt) return 'the after-sale window has closed';
  }

  const shipped = totals(facts.shipped);
  const returned = totals(facts.returns.flatMap((r) => r.lines));
  const requested = totals(request.lines);
  if (requested.size === 0) return 'a return needs at least one unit';
  for (const [sku, quantity] of requested) {
    const sent = shipped.get(sku);
    if (sent === undefined) return `SKU ${sku} was not shipped in this order`;
    const left = sent - (returned.get(sku) ?? 0);
    if (quantity > left) {
      return `SKU ${sku}: ${quantity} requested, but only ${left} of ${sent} shipped unit${sent === 1 ? '' : 's'} can still be returned`;
    }
  }
  return undefined;
}

/** The units requested, with the unit prices the buyer paid. */
export function priceReturnLines(requested: readonly StockLine[], orderLines: readonly PricedLine[]): PricedLine[] {
  return [...totals(requested)].map(([sku, quantity]) => ({
    sku,
    quantity,
    unitPriceFen: orderLines.find((l) => l.sku === sku)?.unitPriceFen ?? 0,
  }));
}

/** The refund: what the buyer paid for the returned units, in fen. */
export function refundFenOf(lines: readonly PricedLine[]): number {
  return lines.reduce((sum, l) => sum + l.quantity * l.unitPriceFen, 0);
}

/** Why a warehouse scan does not fit the return, or undefined when it does. */
export function receiptRefusal(returnLines: readonly StockLine[], scanned: readonly ConditionedLine[] | undefined): string | undefined {
  if (!scanned) return undefined;
  const expected = totals(returnLines);
  for (const [sku, quantity] of totals(scanned)) {
    const due = expected.get(sku);
    if (due === undefined) return `SKU ${sku} is not part of this return`;
    if (quantity > due) return `SKU ${sku}: ${quantity} scanned, but the return has ${due}`;
  }
  return undefined;
}

/**
 * What came back, unit by unit: the scanned lines with their condition; every unit of the return the scan
 * does not mention (or all of them, without a scan: the carrier's "signed for") counts as resaleable.
 * One line per (sku, condition), resaleable first, in the return's SKU order.
 */
export function receivedLines(returnLines: readonly StockLine[], scanned: readonly ConditionedLine[] | undefined): ConditionedLine[] {
  const out: ConditionedLine[] = [];
  for (const [sku, quantity] of totals(returnLines)) {
    const damaged = (scanned ?? []).filter((l) => l.sku === sku && l.condition === 'damaged').reduce((s, l) => s + l.quantity, 0);
    const resaleable = quantity - Math.min(damaged, quantity);
    if (resaleable > 0) out.push({ sku, quantity: resaleable, condition: 'resaleable' });
    if (damaged > 0) out.push({ sku, quantity: Math.min(damaged, quantity), condition: 'damaged' });
  }
  return out;
}

/** Units per SKU, summed (lines of the same SKU merge). */
export function totals(lines: readonly StockLine[]): Map<string, number> {
  return new Map(mergeLines(lines).map((l) => [l.sku, l.quantity]));
}

function sameQuantities(a: readonly StockLine[], b: readonly StockLine[]): boolean {
  const ta = totals(a);
  const tb = totals(b);
  return ta.size === tb.size && [...ta].every(([sku, q]) => tb.get(sku) === q);
}

/** True once every shipped unit has come back. */
export function everythingReturned(shipped: readonly StockLine[], returned: readonly StockLine[]): boolean {
  const back = totals(returned);
  return [...totals(shipped)].every(([sku, q]) => (back.get(sku) ?? 0) >= q);
}

// ── Return progress: how carrier events and review resolutions move a return and its order ─────────────

/** A return moving again: where it stands and the order status that goes with it. */
export interface ReturnMove {
  status: 'requested' | 'in_transit';
  orderStatus: 'RETURN_REQUESTED' | 'RETURN_IN_TRANSIT';
}

/** Carrier event kinds that mean the parcel has been collected from the buyer. */
const COLLECTED_KINDS: ReadonlySet<string> = new Set(['picked_up', 'in_transit', 'out_for_delivery', 'delivered']);

/** True when a carrier event of this kind means the carrier has the parcel. */
export function collectedBy(kind: string): boolean {
  return COLLECTED_KINDS.has(kind);
}

/** Following the carrier again: in transit once collected, else still requested. */
export function returnMoving(pickedUp: boolean): ReturnMove {
  return pickedUp ? { status: 'in_transit', orderStatus: 'RETURN_IN_TRANSIT' } : { status: 'requested', orderStatus: 'RETURN_REQUESTED' };
}

/**
 * What a carrier event (other than "delivered", which is the receipt) does to a return: a return in review
 * goes back to following the carrier; a requested return that has been collected is in transit.
 * Undefined: its status stays.
 */
export function moveOnCarrierEvent(status: ReturnStatus, pickedUp: boolean, kind: string): ReturnMove | undefined {
  if (kind === 'delivered') return undefined;
  if (status === 'review' || (pickedUp && status === 'requested')) return returnMoving(pickedUp);
  return undefined;
}

/** A stalled-return review resolved with anything but "received": back to following the carrier. */
export function moveOnReviewResolved(status: ReturnStatus, pickedUp: boolean): ReturnMove | undefined {
  return status === 'review' ? returnMoving(pickedUp) : undefined;
}

/** Resolving a stalled-return task with "received" (any case, spaces around) completes the return. */
export function isReceivedResolution(resolution: string): boolean {
  return resolution.trim().toLowerCase() === 'received';
}

/** How the after-sale window ends: what the order records when it closes. */
export type AfterSaleClosing =
  | { type: 'COMPLETED'; status: 'COMPLETED'; detail?: { returns: number; partiallyReturned: true } }
  | { type: 'AFTER_SALE_CLOSED'; detail: { returns: number } };

/** No return: COMPLETED. Everything returned: the order stays RETURNED. Some returned: COMPLETED, partly returned. */
export function afterSaleClosing(shipped: readonly StockLine[], returns: readonly { lines: readonly StockLine[] }[]): AfterSaleClosing {
  if (returns.length === 0) return { type: 'COMPLETED', status: 'COMPLETED' };
  if (everythingReturned(shipped, returns.flatMap((r) => r.lines))) return { type: 'AFTER_SALE_CLOSED', detail: { returns: returns.length } };
  return { type: 'COMPLETED', status: 'COMPLETED', detail: { returns: returns.length, partiallyReturned: true } };
}
