/** Taobao / Tmall through TOP: trades API, stock by merchant SKU code, offline shipping notice. */
import { yuanToFen } from '../../domain/finance';
import { formatBeijing } from '../beijing-time';
import { lowest } from '../item-prices';
import { ChannelApiError, checkRefundAmount } from '../errors';
import { expectShape } from '../http';
import { updateListings } from '../listings';
import { RELAY_ACK, verifyRelay } from '../relay';
import type { Carrier, ChannelAdapter, RawOrder, StoreCredentials, TimeWindow } from '../types';
import { splitWindow } from '../windows';
import { topCall } from './api';
import { taobaoMapping, tmallMapping } from './mapping';
import { parseTmcPush } from './push';
import { taobaoOpenRefundId, taobaoStatusOf } from './status';
import {
  fullinfoResponse,
  incrementResponse,
  offlineSendResponse,
  quantityUpdateResponse,
  refundGetResponse,
  refundsAgreeResponse,
  skusCustomResponse,
} from './wire';

/** Everything the mapping and status rules read. */
const TRADE_FIELDS = [
  'tid', 'tid_str', 'status', 'created', 'pay_time', 'modified', 'payment', 'total_fee', 'post_fee', 'buyer_message',
  'receiver_name', 'receiver_mobile', 'receiver_state', 'receiver_city', 'receiver_district', 'receiver_town',
  'receiver_address', 'receiver_zip', 'orders',
].join(',');

/** What agreeing a refund needs to quote back, plus the trade to check it belongs to. */
const REFUND_FIELDS = 'refund_id,tid,refund_fee,status,refund_version,refund_phase';

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
    refundIdOf: taobaoOpenRefundId,

    async fetchOrder(store, channelOrderId) {
      const method = 'taobao.trade.fullinfo.get';
      const json = await topCall(store, method, { tid: channelOrderId, fields: TRADE_FIELDS });
      return expectShape({ platform, method }, fullinfoResponse, json).trade_fullinfo_get_response.trade;
    },

    listChangedOrders: (store, window) => listTrades(store, window),

    async itemPrice(store, sku) {
      const method = 'taobao.skus.custom.get';
      const found = await topCall(store, method, { outer_id: sku, fields: 'sku_id,num_iid,outer_id,price' });
      const listings = expectShape({ platform, method }, skusCustomResponse, found).skus_custom_get_response.skus?.sku ?? [];
      return lowest(listings.map((l) => yuanToFen(String(l.price ?? ''))));
    },

    async pushStock(store, { sku, available }) {
      const lookup = 'taobao.skus.custom.get';
      await updateListings(
        store,
        sku,
        async () => {
          const found = await topCall(store, lookup, { outer_id: sku, fields: 'sku_id,num_iid,outer_id' });
          const listings = expectShape({ platform, method: lookup }, skusCustomResponse, found).skus_custom_get_response.skus?.sku ?? [];
          if (listings.length === 0) {
            throw new ChannelApiError({ platform, method: lookup, code: 'SKU_NOT_LISTED', message: `no listing has SKU code ${sku}` });
          }
          return listings;
        },
        // One merchant code can be on several listings; each keeps its own count.
        async (listings) => {
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
      );
    },

    async writeTracking(store, { channelOrderId, carrier, waybillNo }) {
      const method = 'taobao.logistics.offline.send';
      const json = await topCall(store, method, { tid: channelOrderId, out_sid: waybillNo, company_code: TOP_CARRIER_CODES[carrier] });
      const { shipping } = expectShape({ platform, method }, offlineSendResponse, json).logistics_offline_send_response;
      if (!shipping.is_success) throw new ChannelApiError({ platform, method, code: 'NOT_SHIPPED', message: 'TOP did not accept the shipment' });
    },

    /**
     * Agrees the buyer's refund so Taobao pays them back. taobao.refund.get reads the refund's current
     * refund_version and refund_phase, which taobao.rp.refunds.agree must quote in
     * refund_infos = "refund_id|amount in fen|refund_version|refund_phase". The agree call is a batch: a refused
     * refund comes back as a result with succ false, not as an error envelope.
     */
    async writeRefund(store, { channelOrderId, refundId, amountFen }) {
      const method = 'taobao.rp.refunds.agree';
      checkRefundAmount(platform, method, amountFen);
      const lookup = 'taobao.refund.get';
      const found = await topCall(store, lookup, { refund_id: refundId, fields: REFUND_FIELDS });
      const refund = expectShape({ platform, method: lookup }, refundGetResponse, found).refund_get_response.refund;
      // Agreeing pays money out: never on a refund of another trade because of a mixed-up id.
      if (String(refund.tid) !== channelOrderId) {
        throw new ChannelApiError({ platform, method: lookup, code: 'REFUND_ORDER_MISMATCH', message: `refund ${refundId} is not on trade ${channelOrderId}` });
      }
      // Tmall requires the phase; a Taobao refund may have none, and then the field is left off.
      const info = [refundId, String(amountFen), String(refund.refund_version), ...(refund.refund_phase ? [refund.refund_phase] : [])].join('|');
      const json = await topCall(store, method, { refund_infos: info });
      const body = expectShape({ platform, method }, refundsAgreeResponse, json).rp_refunds_agree_response;
      const result = body.results?.refund_mapping_result.find((r) => String(r.refund_id) === refundId);
      if (!result?.succ) {
        throw new ChannelApiError({ platform, method, code: 'REFUND_REFUSED', message: result?.message ?? body.msg ?? `refund ${refundId} not agreed` });
      }
      return { reference: refundId };
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
