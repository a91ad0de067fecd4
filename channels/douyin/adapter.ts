/** Douyin Shop (抖店): order search and detail, stock by merchant SKU code, logistics and refund write-back. */
import { unixSeconds } from '../beijing-time';
import { ChannelApiError } from '../errors';
import { expectShape } from '../http';
import type { Carrier, ChannelAdapter, RawOrder, StoreCredentials, TimeWindow } from '../types';
import { splitWindow } from '../windows';
import { douyinCall } from './api';
import { douyinMapping } from './mapping';
import { DOUYIN_ACK, parseDouyinPush, verifyDouyinPush } from './push';
import { douyinRefundIdOf, douyinStatusOf } from './status';
import { afterSaleOperateData, orderDetailData, searchListData } from './wire';

/** A conservative slice: one day of changes stays well inside searchList's paging depth. */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
const PAGE_SIZE = 100;

/** Codes from order.logisticsCompanyList. */
export const DOUYIN_CARRIER_CODES: Readonly<Record<Carrier, string>> = { sf: 'shunfeng', jd: 'jd' };

/** afterSale.operate `type`: 201 agrees the refund (仅退款, or the refund once returned goods are in). */
export const DOUYIN_AGREE_REFUND = 201;

export const douyinAdapter: ChannelAdapter = {
  platform: 'douyin',
  mapping: douyinMapping,
  verifyPush: (req, store) => verifyDouyinPush(req, store),
  parsePush: parseDouyinPush,
  pushAck: () => DOUYIN_ACK,
  statusOf: douyinStatusOf,
  refundIdOf: douyinRefundIdOf,

  async fetchOrder(store, channelOrderId) {
    const method = 'order.orderDetail';
    const data = await douyinCall(store, method, { shop_order_id: channelOrderId });
    return expectShape({ platform: 'douyin', method }, orderDetailData, data).shop_order_detail;
  },

  listChangedOrders: (store, window) => listOrders(store, window),

  async itemPrice(store, sku) {
    try {
      const data = await douyinCall(store, 'sku.detail', { code: sku });
      const price = (data as { price?: unknown } | null)?.price;
      return typeof price === 'number' && Number.isSafeInteger(price) ? price : undefined;
    } catch (err) {
      // 50002 business failure: no SKU with that code in the shop.
      if (err instanceof ChannelApiError && err.code === '50002') return undefined;
      throw err;
    }
  },

  async pushStock(store, { sku, available }) {
    // incremental=false sets the count; platforms refuse negative stock.
    await douyinCall(store, 'sku.syncStock', { code: sku, stock_num: Math.max(0, Math.floor(available)), incremental: false });
  },

  async writeTracking(store, { channelOrderId, carrier, waybillNo }) {
    await douyinCall(store, 'order.logisticsAdd', {
      order_id: channelOrderId,
      company_code: DOUYIN_CARRIER_CODES[carrier],
      logistics_code: waybillNo,
    });
  },

  /**
   * Agrees one after-sale with afterSale.operate (type 201); Douyin then pays the buyer back what the
   * after-sale asks. Refusals come back either as an error envelope (mapped by douyinCall) or per item: a
   * non-zero status_code (already handled, closed, amount too high) that retrying will not change.
   * `operate_info.refund_amount` (fen, what the OMS owes) is not among Douyin's published parameters: it
   * rides along so the request records the amount we agreed to, and the simulator checks it.
   */
  async writeRefund(store, { refundId, amountFen }) {
    const method = 'afterSale.operate';
    const data = await douyinCall(store, method, {
      type: DOUYIN_AGREE_REFUND,
      items: [{ aftersale_id: refundId, operate_info: { refund_amount: amountFen } }],
    });
    const { items } = expectShape({ platform: 'douyin', method }, afterSaleOperateData, data);
    const item = items.find((i) => String(i.aftersale_id) === refundId) ?? items[0];
    if (item === undefined) throw new ChannelApiError({ platform: 'douyin', method, code: 'INVALID_RESPONSE', message: `no result for after-sale ${refundId}` });
    if (item.status_code !== 0) {
      throw new ChannelApiError({ platform: 'douyin', method, code: 'REFUND_REFUSED', subCode: String(item.status_code), message: item.status_msg ?? 'refused' });
    }
    return { reference: refundId };
  },
};

async function* listOrders(store: StoreCredentials, window: TimeWindow): AsyncGenerator<RawOrder> {
  const method = 'order.searchList';
  for (const piece of splitWindow(window, MAX_WINDOW_MS)) {
    for (let page = 0, more = true; more; page += 1) {
      const data = await douyinCall(store, method, {
        update_time_start: unixSeconds(piece.from),
        update_time_end: unixSeconds(piece.to),
        order_by: 'update_time',
        order_asc: true,
        page,
        size: PAGE_SIZE,
      });
      const body = expectShape({ platform: 'douyin', method }, searchListData, data);
      yield* body.shop_order_list;
      more = (page + 1) * PAGE_SIZE < body.total;
    }
  }
}
