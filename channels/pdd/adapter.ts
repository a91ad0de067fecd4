/** Pinduoduo: orders by incremental sync, stock by merchant SKU code, online shipping notice. */
import { unixSeconds } from '../beijing-time';
import { ChannelApiError, checkRefundAmount } from '../errors';
import { expectShape } from '../http';
import { updateListings } from '../listings';
import { RELAY_ACK, verifyRelay } from '../relay';
import type { Carrier, ChannelAdapter, RawOrder, StoreCredentials, TimeWindow } from '../types';
import { splitWindow } from '../windows';
import { lowest } from '../item-prices';
import { pddCall } from './api';
import { pddMapping } from './mapping';
import { parsePddPush } from './push';
import { pddStatusOf } from './status';
import { goodsListResponse, incrementResponse, onlineSendResponse, orderInfoResponse, quantityUpdateResponse, refundAgreeResponse } from './wire';

/** pdd.order.number.list.increment.get accepts at most 30 minutes per query. */
const MAX_WINDOW_MS = 30 * 60 * 1000;
const PAGE_SIZE = 100;

/**
 * logistics_id values from pdd.logistics.companies.get. Check them against that call for your account
 * before going live: PDD numbers its own carrier list.
 */
export const PDD_LOGISTICS_IDS: Readonly<Record<Carrier, number>> = { sf: 44, jd: 120 };

export const pddAdapter: ChannelAdapter = {
  platform: 'pdd',
  mapping: pddMapping,
  verifyPush: verifyRelay,
  parsePush: parsePddPush,
  pushAck: () => RELAY_ACK,
  statusOf: pddStatusOf,
  // Order info says an after-sale is open (refund_status) but not which one: only the refund push names it.
  refundIdOf: () => undefined,

  async fetchOrder(store, channelOrderId) {
    const method = 'pdd.order.information.get';
    const json = await pddCall(store, method, { order_sn: channelOrderId });
    return expectShape({ platform: 'pdd', method }, orderInfoResponse, json).order_info_get_response.order_info;
  },

  listChangedOrders: (store, window) => listOrders(store, window),

  async itemPrice(store, sku) {
    const method = 'pdd.goods.list.get';
    const found = await pddCall(store, method, { outer_id: sku, page: 1, page_size: 100 });
    const skus = expectShape({ platform: 'pdd', method }, goodsListResponse, found).goods_list_get_response.goods_list.flatMap((g) => g.sku_list.filter((s) => s.outer_id === sku));
    return lowest(skus.map((s) => (Number.isSafeInteger(s.multi_price) ? (s.multi_price as number) : undefined)));
  },

  async pushStock(store, { sku, available }) {
    const lookup = 'pdd.goods.list.get';
    await updateListings(
      store,
      sku,
      async () => {
        const found = await pddCall(store, lookup, { outer_id: sku, page: 1, page_size: 100 });
        const listings = expectShape({ platform: 'pdd', method: lookup }, goodsListResponse, found).goods_list_get_response.goods_list.flatMap(
          (goods) => goods.sku_list.filter((s) => s.outer_id === sku).map((s) => ({ goodsId: goods.goods_id, skuId: s.sku_id })),
        );
        if (listings.length === 0) {
          throw new ChannelApiError({ platform: 'pdd', method: lookup, code: 'SKU_NOT_LISTED', message: `no goods has SKU code ${sku}` });
        }
        return listings;
      },
      async (listings) => {
        for (const { goodsId, skuId } of listings) {
          const method = 'pdd.goods.quantity.update';
          // update_type 1 sets the count (2 would add to it). Platforms refuse negative stock.
          const json = await pddCall(store, method, { goods_id: goodsId, sku_id: skuId, quantity: Math.max(0, Math.floor(available)), update_type: 1 });
          if (!expectShape({ platform: 'pdd', method }, quantityUpdateResponse, json).goods_quantity_update_response.is_success) {
            throw new ChannelApiError({ platform: 'pdd', method, code: 'NOT_UPDATED', message: `stock of ${sku} not updated` });
          }
        }
      },
    );
  },

  async writeTracking(store, { channelOrderId, carrier, waybillNo }) {
    const method = 'pdd.logistics.online.send';
    const json = await pddCall(store, method, { order_sn: channelOrderId, logistics_id: PDD_LOGISTICS_IDS[carrier], tracking_number: waybillNo });
    if (!expectShape({ platform: 'pdd', method }, onlineSendResponse, json).logistics_online_send_response.is_success) {
      throw new ChannelApiError({ platform: 'pdd', method, code: 'NOT_SHIPPED', message: 'PDD did not accept the shipment' });
    }
  },

  /**
   * Agrees the buyer's after-sale so PDD pays them back: pdd.refund.agree with order_sn, after_sales_id and
   * operate_desc (the merchant's note the buyer sees). PDD refunds what the after-sale asked; we also send
   * refund_amount (fen, our own cross-check field) so the request records what the OMS owes. An unknown,
   * closed or already agreed after-sale comes back as `succ: false` with PDD's reason: non-retryable.
   */
  async writeRefund(store, { channelOrderId, refundId, amountFen }) {
    const method = 'pdd.refund.agree';
    checkRefundAmount('pdd', method, amountFen);
    const json = await pddCall(store, method, { order_sn: channelOrderId, after_sales_id: refundId, refund_amount: amountFen, operate_desc: '同意退款' });
    const { result } = expectShape({ platform: 'pdd', method }, refundAgreeResponse, json).response;
    if (!result.succ) {
      throw new ChannelApiError({ platform: 'pdd', method, code: 'REFUND_REFUSED', message: `PDD did not agree after-sale ${refundId}: ${result.message ?? 'no reason given'}` });
    }
    return { reference: refundId };
  },
};

async function* listOrders(store: StoreCredentials, window: TimeWindow): AsyncGenerator<RawOrder> {
  const method = 'pdd.order.number.list.increment.get';
  for (const piece of splitWindow(window, MAX_WINDOW_MS)) {
    for (let page = 1, more = true; more; page += 1) {
      const json = await pddCall(store, method, {
        start_updated_at: unixSeconds(piece.from),
        end_updated_at: unixSeconds(piece.to),
        // 5 = any status, any refund status; 0 = not only lucky-draw orders.
        order_status: 5,
        refund_status: 5,
        is_lucky_flag: 0,
        page,
        page_size: PAGE_SIZE,
        use_has_next: true,
      });
      const body = expectShape({ platform: 'pdd', method }, incrementResponse, json).order_sn_increment_get_response;
      yield* body.order_sn_list;
      more = body.has_next ?? page * PAGE_SIZE < body.total_count;
    }
  }
}
