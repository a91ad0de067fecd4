import { lookupStatus, withOpenRefund } from '../status';
import type { PlatformStatus, RawOrder } from '../types';
import { pddOrderSchema } from './wire';

/** PDD's API never returns unpaid orders: 1 is "paid, awaiting shipment". */
const ORDER_STATUSES: Readonly<Record<string, PlatformStatus>> = { 1: 'paid', 2: 'shipped', 3: 'completed' };

/** refund_status: 1 none (or closed), 2 after-sale in progress, 3 refunding, 4 refunded. */
const REFUND_OPEN = new Set([2, 3]);
const REFUNDED = 4;

export function pddStatusOf(raw: RawOrder): PlatformStatus {
  const order = pddOrderSchema.parse(raw);
  // A fully refunded order has nothing left to fulfil, like Taobao's TRADE_CLOSED.
  if (order.refund_status === REFUNDED) return 'cancelled';
  return withOpenRefund(lookupStatus('pdd', ORDER_STATUSES, order.order_status), REFUND_OPEN.has(order.refund_status ?? 1));
}
