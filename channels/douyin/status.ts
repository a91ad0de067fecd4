import { lookupStatus, withOpenRefund } from '../status';
import type { PlatformStatus, RawOrder } from '../types';
import { douyinOrderSchema } from './wire';

const ORDER_STATUSES: Readonly<Record<string, PlatformStatus>> = {
  1: 'unpaid',
  105: 'paid',
  // 2 is "preparing" (备货中): paid and waiting for us.
  2: 'paid',
  // Partly shipped: it can no longer be cancelled as a whole.
  101: 'shipped',
  3: 'shipped',
  4: 'cancelled',
  5: 'completed',
};

/** after_sale_info.refund_status: 1 awaiting refund, 2 refunding. */
const REFUND_OPEN = new Set([1, 2]);

export function douyinStatusOf(raw: RawOrder): PlatformStatus {
  const order = douyinOrderSchema.parse(raw);
  const refundOpen = (order.sku_order_list ?? []).some((sku) => REFUND_OPEN.has(sku.after_sale_info?.refund_status ?? 0));
  return withOpenRefund(lookupStatus('douyin', ORDER_STATUSES, order.order_status), refundOpen);
}
