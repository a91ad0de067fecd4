/** Douyin Shop (抖店): order search and detail, stock by merchant SKU code, logistics write-back. */
import { unixSeconds } from '../beijing-time';
import { expectShape } from '../http';
import type { Carrier, ChannelAdapter, RawOrder, StoreCredentials, TimeWindow } from '../types';
import { splitWindow } from '../windows';
import { douyinCall } from './api';
import { douyinMapping } from './mapping';
import { DOUYIN_ACK, parseDouyinPush, verifyDouyinPush } from './push';
import { douyinStatusOf } from './status';
import { orderDetailData, searchListData } from './wire';

/** A conservative slice: one day of changes stays well inside searchList's paging depth. */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
const PAGE_SIZE = 100;

/** Codes from order.logisticsCompanyList. */
export const DOUYIN_CARRIER_CODES: Readonly<Record<Carrier, string>> = { sf: 'shunfeng', jd: 'jd' };

export const douyinAdapter: ChannelAdapter = {
  platform: 'douyin',
  mapping: douyinMapping,
  verifyPush: (req, store) => verifyDouyinPush(req, store),
  parsePush: parseDouyinPush,
  pushAck: () => DOUYIN_ACK,
  statusOf: douyinStatusOf,

  async fetchOrder(store, channelOrderId) {
    const method = 'order.orderDetail';
    const data = await douyinCall(store, method, { shop_order_id: channelOrderId });
    return expectShape({ platform: 'douyin', method }, orderDetailData, data).shop_order_detail;
  },

  listChangedOrders: (store, window) => listOrders(store, window),

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
