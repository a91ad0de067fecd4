/** Taobao / Tmall through TOP: trades API, stock by merchant SKU code, offline shipping notice. */
import { formatBeijing } from '../beijing-time';
import { ChannelApiError } from '../errors';
import { expectShape } from '../http';
import { RELAY_ACK, verifyRelay } from '../relay';
import type { Carrier, ChannelAdapter, RawOrder, StoreCredentials, TimeWindow } from '../types';
import { splitWindow } from '../windows';
import { topCall } from './api';
import { taobaoMapping, tmallMapping } from './mapping';
import { parseTmcPush } from './push';
import { taobaoStatusOf } from './status';
import { fullinfoResponse, incrementResponse, offlineSendResponse, quantityUpdateResponse, skusCustomResponse } from './wire';

/** Everything the mapping and status rules read. */
const TRADE_FIELDS = [
  'tid', 'tid_str', 'status', 'created', 'pay_time', 'modified', 'payment', 'total_fee', 'post_fee', 'buyer_message',
  'receiver_name', 'receiver_mobile', 'receiver_state', 'receiver_city', 'receiver_district', 'receiver_town',
  'receiver_address', 'receiver_zip', 'orders',
].join(',');

/** taobao.trades.sold.increment.get accepts at most one day per query. */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
const PAGE_SIZE = 100;

/** Codes from TOP's logistics company list (taobao.logistics.companies.get). */
export const TOP_CARRIER_CODES: Readonly<Record<Carrier, string>> = { sf: 'SF', jd: 'JD' };

export function createTaobaoAdapter(platform: 'taobao' | 'tmall'): ChannelAdapter {
  return {
    platform,
    mapping: platform === 'taobao' ? taobaoMapping : tmallMapping,
    verifyPush: verifyRelay,
    parsePush: (rawBody) => parseTmcPush(platform, rawBody),
    pushAck: () => RELAY_ACK,
    statusOf: taobaoStatusOf,

    async fetchOrder(store, channelOrderId) {
      const method = 'taobao.trade.fullinfo.get';
      const json = await topCall(store, method, { tid: channelOrderId, fields: TRADE_FIELDS });
      return expectShape({ platform, method }, fullinfoResponse, json).trade_fullinfo_get_response.trade;
    },

    listChangedOrders: (store, window) => listTrades(store, window),

    async pushStock(store, { sku, available }) {
      const lookup = 'taobao.skus.custom.get';
      const found = await topCall(store, lookup, { outer_id: sku, fields: 'sku_id,num_iid,outer_id' });
      const listings = expectShape({ platform, method: lookup }, skusCustomResponse, found).skus_custom_get_response.skus?.sku ?? [];
      if (listings.length === 0) {
        throw new ChannelApiError({ platform, method: lookup, code: 'SKU_NOT_LISTED', message: `no listing has SKU code ${sku}` });
      }
      // One merchant code can be on several listings; each keeps its own count.
      for (const listing of listings) {
        const method = 'taobao.item.quantity.update';
        const json = await topCall(store, method, {
          num_iid: String(listing.num_iid),
          sku_id: String(listing.sku_id),
          // Platforms refuse negative stock; an oversold SKU simply shows none.
          quantity: String(Math.max(0, Math.floor(available))),
          type: '1',
        });
        expectShape({ platform, method }, quantityUpdateResponse, json);
      }
    },

    async writeTracking(store, { channelOrderId, carrier, waybillNo }) {
      const method = 'taobao.logistics.offline.send';
      const json = await topCall(store, method, { tid: channelOrderId, out_sid: waybillNo, company_code: TOP_CARRIER_CODES[carrier] });
      const { shipping } = expectShape({ platform, method }, offlineSendResponse, json).logistics_offline_send_response;
      if (!shipping.is_success) throw new ChannelApiError({ platform, method, code: 'NOT_SHIPPED', message: 'TOP did not accept the shipment' });
    },
  };
}

async function* listTrades(store: StoreCredentials, window: TimeWindow): AsyncGenerator<RawOrder> {
  const method = 'taobao.trades.sold.increment.get';
  for (const piece of splitWindow(window, MAX_WINDOW_MS)) {
    for (let page = 1, more = true; more; page += 1) {
      const json = await topCall(store, method, {
        fields: TRADE_FIELDS,
        start_modified: formatBeijing(piece.from),
        end_modified: formatBeijing(piece.to),
        page_no: String(page),
        page_size: String(PAGE_SIZE),
        use_has_next: 'true',
      });
      const body = expectShape({ platform: store.platform, method }, incrementResponse, json).trades_sold_increment_get_response;
      yield* body.trades?.trade ?? [];
      more = body.has_next === true;
    }
  }
}
