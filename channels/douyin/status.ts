import type { z } from 'zod';
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

/** after_sale_info.refund_status: 1 awaiting refund, 2 refunding. 3 refunded and 4 refund failed leave nothing open. */
const REFUND_OPEN = new Set([1, 2]);

export function douyinStatusOf(raw: RawOrder): PlatformStatus {
  const order = douyinOrderSchema.parse(raw);
  return withOpenRefund(lookupStatus('douyin', ORDER_STATUSES, order.order_status), openAfterSales(order).length > 0);
}

/** The after-sale id of the first line with an open refund: each line (sku order) carries its own after-sale. */
export function douyinRefundIdOf(raw: RawOrder): string | undefined {
  const id = openAfterSales(douyinOrderSchema.parse(raw)).find((info) => info.after_sale_id !== undefined)?.after_sale_id;
  return id === undefined ? undefined : String(id);
}

function openAfterSales(order: z.output<typeof douyinOrderSchema>) {
  return (order.sku_order_list ?? []).flatMap((sku) => {
    const info = sku.after_sale_info;
    return info !== undefined && REFUND_OPEN.has(info.refund_status ?? 0) ? [info] : [];
  });
}
