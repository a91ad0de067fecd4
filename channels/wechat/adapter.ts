/** WeChat Channels shop (视频号小店): order list and detail, stock per listing, delivery and refund write-back. */
import { unixSeconds } from '../beijing-time';
import { ChannelApiError } from '../errors';
import { expectShape } from '../http';
import { lowest } from '../item-prices';
import { updateListings } from '../listings';
import type { Carrier, ChannelAdapter, RawOrder, StoreCredentials, TimeWindow } from '../types';
import { splitWindow } from '../windows';
import { wechatCall } from './api';
import { wechatMapping } from './mapping';
import { parseWechatPush, verifyWechatPush, WECHAT_ACK } from './push';
import { listingsOf } from './sku-index';
import { wechatRefundIdOf, wechatStatusOf } from './status';
import { orderGetResponse, orderListResponse, productGetResponse, wechatOrderSchema } from './wire';

/** /order/list/get accepts an update_time_range of at most 7 days. */
const MAX_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const PAGE_SIZE = 100;

/** delivery_id values from /channels/ec/order/deliverycompanylist/get. */
export const WECHAT_DELIVERY_IDS: Readonly<Record<Carrier, string>> = { sf: 'SF', jd: 'JD' };

/** acceptapply `accept_type` 2: refund the buyer (goods received back, or refund only). 1 would only let the buyer send goods back. */
export const WECHAT_ACCEPT_REFUND = 2;
/** 10021044 "too many users, try later", 10021059 "at most one refund request per order per minute": worth retrying. */
const REFUND_TRY_LATER: ReadonlySet<number> = new Set([10021044, 10021059]);

export const wechatAdapter: ChannelAdapter = {
  platform: 'wechat',
  mapping: wechatMapping,
  verifyPush: verifyWechatPush,
  parsePush: parseWechatPush,
  pushAck: () => WECHAT_ACK,
  statusOf: wechatStatusOf,
  refundIdOf: wechatRefundIdOf,

  fetchOrder: (store, channelOrderId) => fetchOrder(store, channelOrderId),

  listChangedOrders: (store, window) => listOrders(store, window),

  async itemPrice(store, sku) {
    const prices: (number | undefined)[] = [];
    for (const { productId, skuId } of await listingsOf(store, sku)) {
      const method = '/channels/ec/product/get';
      const { product } = expectShape({ platform: 'wechat', method }, productGetResponse, await wechatCall(store, method, { product_id: productId }));
      const listed = product.skus.find((s) => String(s.sku_id) === skuId);
      prices.push(typeof listed?.sale_price === 'number' ? listed.sale_price : undefined);
    }
    return lowest(prices);
  },

  async pushStock(store, { sku, available }) {
    const method = '/channels/ec/product/stock/update';
    await updateListings(
      store,
      sku,
      async (afterFailure) => {
        const listings = await listingsOf(store, sku, { reread: afterFailure });
        if (listings.length === 0) throw new ChannelApiError({ platform: 'wechat', method, code: 'SKU_NOT_LISTED', message: `no product has SKU code ${sku}` });
        return listings;
      },
      async (listings) => {
        for (const { productId, skuId } of listings) {
          // diff_type 3 sets the count (1 adds, 2 subtracts). Platforms refuse negative stock.
          await wechatCall(store, method, { product_id: productId, sku_id: skuId, diff_type: 3, num: Math.max(0, Math.floor(available)) });
        }
      },
    );
  },

  async writeTracking(store, { channelOrderId, carrier, waybillNo }) {
    // A delivery must say which products are in it; we always ship the whole order in one parcel.
    const order = wechatOrderSchema.parse(await fetchOrder(store, channelOrderId));
    await wechatCall(store, '/channels/ec/order/delivery/send', {
      order_id: channelOrderId,
      delivery_list: [
        {
          delivery_id: WECHAT_DELIVERY_IDS[carrier],
          waybill_id: waybillNo,
          // 1 = sent by the merchant's own courier account.
          deliver_type: 1,
          product_infos: order.order_detail.product_infos.map((p) => ({ product_id: String(p.product_id), sku_id: String(p.sku_id), product_cnt: p.sku_cnt })),
        },
      ],
    });
  },

  /**
   * Agrees the after-sale with /channels/ec/aftersale/acceptapply (accept_type 2): WeChat refunds what the
   * buyer asked for. `refund_amount` (fen, what the OMS owes) is not a WeChat parameter: it rides along so
   * the request log shows the amount we agreed to. Any errcode is final except WeChat's "try later" codes.
   */
  async writeRefund(store, { refundId, amountFen }) {
    const body = { after_sale_order_id: refundId, accept_type: WECHAT_ACCEPT_REFUND, refund_amount: amountFen };
    await wechatCall(store, '/channels/ec/aftersale/acceptapply', body, REFUND_TRY_LATER);
    return { reference: refundId };
  },
};

async function fetchOrder(store: StoreCredentials, channelOrderId: string): Promise<RawOrder> {
  const method = '/channels/ec/order/get';
  return expectShape({ platform: 'wechat', method }, orderGetResponse, await wechatCall(store, method, { order_id: channelOrderId })).order;
}

async function* listOrders(store: StoreCredentials, window: TimeWindow): AsyncGenerator<RawOrder> {
  const method = '/channels/ec/order/list/get';
  for (const piece of splitWindow(window, MAX_WINDOW_MS)) {
    let nextKey: string | undefined;
    for (let more = true; more; ) {
      const json = await wechatCall(store, method, {
        update_time_range: { start_time: unixSeconds(piece.from), end_time: unixSeconds(piece.to) },
        page_size: PAGE_SIZE,
        ...(nextKey ? { next_key: nextKey } : {}),
      });
      const page = expectShape({ platform: 'wechat', method }, orderListResponse, json);
      for (const orderId of page.order_id_list) yield await fetchOrder(store, String(orderId));
      nextKey = page.next_key;
      more = page.has_more && nextKey !== undefined;
    }
  }
}
