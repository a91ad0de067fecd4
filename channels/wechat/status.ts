import { lookupStatus, withOpenRefund } from '../status';
import type { PlatformStatus, RawOrder } from '../types';
import { wechatOrderSchema } from './wire';

const ORDER_STATUSES: Readonly<Record<string, PlatformStatus>> = {
  10: 'unpaid',
  20: 'paid',
  // Partly shipped: it can no longer be cancelled as a whole.
  21: 'shipped',
  30: 'shipped',
  100: 'completed',
  // 200: cancelled by a full after-sale refund; 250: cancelled before payment or by the buyer.
  200: 'cancelled',
  250: 'cancelled',
};

export function wechatStatusOf(raw: RawOrder): PlatformStatus {
  const order = wechatOrderSchema.parse(raw);
  const refundOpen = (order.aftersale_detail?.on_aftersale_order_cnt ?? 0) > 0;
  return withOpenRefund(lookupStatus('wechat', ORDER_STATUSES, order.status), refundOpen);
}

/**
 * The open after-sale's id. The order says how many after-sales are open but (WeChat dropped the per-entry
 * status) not which, so the last one listed is taken; with several open, the push's id is the one to trust.
 */
export function wechatRefundIdOf(raw: RawOrder): string | undefined {
  const detail = wechatOrderSchema.parse(raw).aftersale_detail;
  if ((detail?.on_aftersale_order_cnt ?? 0) <= 0) return undefined;
  const id = detail?.aftersale_order_list?.at(-1)?.aftersale_order_id;
  return id === undefined ? undefined : String(id);
}
