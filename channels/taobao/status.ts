import type { z } from 'zod';
import { lookupStatus, withOpenRefund } from '../status';
import type { PlatformStatus, RawOrder } from '../types';
import { tradeSchema } from './wire';

const TRADE_STATUSES: Readonly<Record<string, PlatformStatus>> = {
  TRADE_NO_CREATE_PAY: 'unpaid',
  WAIT_BUYER_PAY: 'unpaid',
  PAY_PENDING: 'unpaid',
  WAIT_PRE_AUTH_CONFIRM: 'unpaid',
  WAIT_SELLER_SEND_GOODS: 'paid',
  PAID_FORBID_CONSIGN: 'paid',
  // Part of the order has left: it can no longer be cancelled as a whole.
  SELLER_CONSIGNED_PART: 'shipped',
  WAIT_BUYER_CONFIRM_GOODS: 'shipped',
  TRADE_BUYER_SIGNED: 'shipped',
  TRADE_FINISHED: 'completed',
  TRADE_CLOSED: 'cancelled',
  TRADE_CLOSED_BY_TAOBAO: 'cancelled',
};

/** Line refund states that mean the buyer is waiting on the seller or sending goods back. */
const OPEN_REFUND = new Set(['WAIT_SELLER_AGREE', 'WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS']);

export function taobaoStatusOf(raw: RawOrder): PlatformStatus {
  const trade = tradeSchema.parse(raw);
  return withOpenRefund(lookupStatus('taobao', TRADE_STATUSES, trade.status), openRefundLines(trade).length > 0);
}

/** The refund_id of the first line whose refund is still open; closed or finished refunds are nothing to agree. */
export function taobaoOpenRefundId(raw: RawOrder): string | undefined {
  const id = openRefundLines(tradeSchema.parse(raw)).find((line) => line.refund_id !== undefined)?.refund_id;
  return id === undefined ? undefined : String(id);
}

function openRefundLines(trade: z.output<typeof tradeSchema>) {
  return (trade.orders?.order ?? []).filter((line) => OPEN_REFUND.has(line.refund_status ?? ''));
}
