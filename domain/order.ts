import type { OrderLine } from './order-schema';

/** Sales channels. `tmall` shares Taobao's gateway; `manual` is for orders keyed in through the API. */
export const CHANNELS = ['taobao', 'tmall', 'pdd', 'douyin', 'wechat', 'manual'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Before anything has left a warehouse: the order can still be cancelled. */
const BEFORE_SHIPMENT = [
  'PENDING_PAYMENT',
  'RESERVED',
  'AWAITING_TRANSFER',
  'AWAITING_PURCHASE',
  'BACKORDERED',
  'ALLOCATED',
  'PICKING',
] as const;

/** The parcel has left the warehouse (and may have come back). */
const SHIPMENT_AND_AFTER = ['SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURN_IN_TRANSIT', 'RETURN_REVIEW', 'RETURNED', 'COMPLETED'] as const;

/** In lifecycle order. */
export const ORDER_STATUSES = [...BEFORE_SHIPMENT, ...SHIPMENT_AND_AFTER, 'CANCELLED', 'MERGED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses from which the order can still be cancelled: nothing has left a warehouse yet. */
export const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(BEFORE_SHIPMENT);

/** Statuses after which the parcel has left the warehouse: no cancel, no address change. */
export const SHIPPED_OR_LATER: ReadonlySet<OrderStatus> = new Set(SHIPMENT_AND_AFTER);

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['COMPLETED', 'CANCELLED', 'MERGED', 'RETURNED']);

/** Waiting for stock before a warehouse holds it: allocation may run again from any of them (restock, late inbound). */
const WAITING_FOR_STOCK = ['AWAITING_TRANSFER', 'AWAITING_PURCHASE', 'BACKORDERED'] as const;

/**
 * The order lifecycle as one table: every status an order may move to from each status. Cancelling is possible
 * until the parcel leaves (CANCELLABLE); a duplicate is merged before it is allocated; a pre-packed unit ships
 * without picking; a return opens on a delivered order, on a partly returned one (another return), or on a shipped
 * parcel the buyer refused at the door; a partly returned order completes when the after-sale window closes.
 */
export const ORDER_MOVES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING_PAYMENT: ['RESERVED', ...WAITING_FOR_STOCK, 'CANCELLED', 'MERGED'],
  AWAITING_TRANSFER: ['RESERVED', 'AWAITING_PURCHASE', 'BACKORDERED', 'CANCELLED'],
  AWAITING_PURCHASE: ['RESERVED', 'AWAITING_TRANSFER', 'BACKORDERED', 'CANCELLED'],
  BACKORDERED: ['RESERVED', 'AWAITING_TRANSFER', 'AWAITING_PURCHASE', 'CANCELLED'],
  RESERVED: ['ALLOCATED', 'CANCELLED'],
  ALLOCATED: ['PICKING', 'SHIPPED', 'CANCELLED'],
  PICKING: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED', 'RETURN_REQUESTED'],
  DELIVERED: ['RETURN_REQUESTED', 'COMPLETED'],
  RETURN_REQUESTED: ['RETURN_IN_TRANSIT', 'RETURN_REVIEW', 'RETURNED'],
  RETURN_IN_TRANSIT: ['RETURN_REVIEW', 'RETURNED'],
  RETURN_REVIEW: ['RETURN_REQUESTED', 'RETURN_IN_TRANSIT', 'RETURNED'],
  RETURNED: ['RETURN_REQUESTED', 'COMPLETED'],
  COMPLETED: [],
  CANCELLED: [],
  MERGED: [],
};

/** Whether an order may move from one status to another (staying where it is always may). */
export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return from === to || ORDER_MOVES[from].includes(to);
}

// The order's schemas live in ./order-schema: workflow code imports this module, and the workflow sandbox
// evaluates its imports for every workflow it loads, so nothing here builds a schema.
export type { Address, CanonicalOrder, CanonicalOrderInput, OrderLine } from './order-schema';

/** The order id is derived from the channel order, so the same platform order always lands on the same workflow. */
export function orderIdOf(channel: Channel, channelOrderId: string): string {
  return `${channel}-${channelOrderId}`;
}

export function orderTotalFen(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, l) => sum + l.quantity * l.unitPriceFen, 0);
}
