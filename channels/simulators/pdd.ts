/**
 * A local stand-in for the PDD gateway (POST /api/router) and the PDD message relay: same parameters,
 * same MD5 signature check, same response and error envelopes. Error codes are illustrative.
 */
import { Hono } from 'hono';
import { formatBeijing, parseBeijing } from '../beijing-time';
import { PDD_MESSAGE_KINDS } from '../pdd/push';
import { pddSign } from '../pdd/sign';
import { relayHeaders } from '../relay';
import { sameHex } from '../signing';
import { asJsonId, formParams, listingOf, messageIds } from './book';
import { digits, fakeBuyerMessage, fakeLines, fakeReceiver, fenToYuan, intBetween, productOf } from './fake-data';
import { isRefusal, serveConsentPage, SimulatedOAuth, tokenRequired, type GrantRefusal, type IssuedToken } from './oauth';
import { openShop, type OrderFormat } from './shop';
import type { ChannelSimulator, SimulatorOptions } from './types';

export type PddOrderItem = {
  goods_id: number;
  goods_name: string;
  goods_count: number;
  /** Yuan, as a JSON number. */
  goods_price: number;
  goods_spec: string;
  sku_id: number;
  outer_id: string;
  outer_goods_id: string;
};

export type PddOrder = {
  order_sn: string;
  order_status: number;
  refund_status: number;
  confirm_status: number;
  created_time: string;
  confirm_time: string;
  pay_time: string;
  updated_at: string;
  shipping_time: string;
  province: string;
  city: string;
  town: string;
  address: string;
  receiver_address: string;
  receiver_name: string;
  receiver_phone: string;
  buyer_memo: string;
  goods_amount: number;
  pay_amount: number;
  postage: number;
  discount_amount: number;
  tracking_number: string;
  logistics_id: number;
  item_list: PddOrderItem[];
};

export type PddSimulator = ChannelSimulator<PddOrder>;

const pddOrders: OrderFormat<PddOrder, 'updated_at'> = {
  idOf: (o) => o.order_sn,
  modified: { field: 'updated_at', write: formatBeijing, readMs: (text) => parseBeijing(text).getTime() },
  skusOf: (o) => o.item_list.map((item) => item.outer_id),
};

/** A buyer's after-sale (whole-order refund). after_sales_status 2: awaiting the merchant; 10: refunded. */
type PddAfterSale = { id: string; order_sn: string; after_sales_status: number; refund_amount_fen: number };
const AWAITING_MERCHANT = 2;
const REFUND_SUCCESS = 10;

type Params = Record<string, string>;
const MAX_WINDOW_S = 30 * 60;
const TOKEN_METHODS = new Set(['pdd.pop.auth.token.create', 'pdd.pop.auth.token.refresh']);

export function createPddSimulator(opts: SimulatorOptions): PddSimulator {
  const shop = openShop(opts, pddOrders);
  const { now, rng, book, catalogue, stockPushes, trackingWrites, refundWrites, updateOrder: update } = shop;
  const nextMessageId = messageIds(now);
  const mallId = opts.shopId ?? '100000001';
  const afterSales = new Map<string, PddAfterSale>();
  let requests = 0;
  const oauth = new SimulatedOAuth(opts.oauth ?? {}, now, opts.accessToken);

  const error = (code: number, msg: string) => ({ error_response: { error_code: code, error_msg: msg, request_id: `sim${(requests += 1)}` } });

  const refusal = (params: Params) => {
    if (params.client_id !== opts.appKey) return error(10016, 'client_id not exist');
    if (!sameHex(params.sign, pddSign(params, opts.appSecret))) return error(10017, 'sign check failed');
    // The token calls themselves are signed with the client secret only.
    if (!TOKEN_METHODS.has(params.type ?? '') && tokenRequired(opts)) {
      const verdict = oauth.check(params.access_token);
      if (verdict === 'expired') return error(10019, 'access_token已过期');
      if (verdict !== 'ok') return error(10019, 'access_token invalid');
    }
    return undefined;
  };

  const tokenReply = (key: string, result: IssuedToken | GrantRefusal) => {
    if (isRefusal(result)) return error(10000, `${result.error}: ${result.description}`);
    const nowS = Math.floor(now().getTime() / 1000);
    return {
      [key]: {
        access_token: result.accessToken,
        expires_in: result.expiresIn,
        expires_at: nowS + result.expiresIn,
        refresh_token: result.refreshToken,
        refresh_token_expires_in: result.refreshExpiresIn,
        refresh_token_expires_at: nowS + (result.refreshExpiresIn ?? 0),
        owner_id: mallId,
        owner_name: 'sim-mall',
        scope: ['pdd.order.information.get', 'pdd.order.number.list.increment.get', 'pdd.goods.quantity.update', 'pdd.logistics.online.send'],
      },
    };
  };

  const methods: Record<string, (p: Params) => object> = {
    'pdd.pop.auth.token.create': (p) => tokenReply('pop_auth_token_create_response', oauth.exchangeCode(p.code)),
    'pdd.pop.auth.token.refresh': (p) => tokenReply('pop_auth_token_refresh_response', oauth.refreshToken(p.refresh_token)),
    'pdd.order.information.get'(p) {
      const order = book.get(p.order_sn ?? '');
      return order ? { order_info_get_response: { order_info: order } } : error(50001, 'order not found');
    },
    'pdd.order.number.list.increment.get'(p) {
      const from = Number(p.start_updated_at);
      const to = Number(p.end_updated_at);
      if (!(to > from && to - from <= MAX_WINDOW_S)) return error(10000, 'start_updated_at and end_updated_at must be at most 30 minutes apart');
      const page = Math.max(1, Number(p.page ?? 1));
      const pageSize = Math.min(100, Math.max(1, Number(p.page_size ?? 100)));
      const all = book.changedBetween(from * 1000, to * 1000);
      return {
        order_sn_increment_get_response: {
          order_sn_list: all.slice((page - 1) * pageSize, page * pageSize),
          total_count: all.length,
          has_next: page * pageSize < all.length,
        },
      };
    },
    'pdd.goods.list.get'(p) {
      const listing = catalogue.find(p.outer_id ?? '');
      const goods = listing
        ? [{ goods_id: Number(listing.productId), goods_name: productOf(listing.sku).title, sku_list: [{ sku_id: Number(listing.skuId), outer_id: listing.sku, multi_price: catalogue.priceOf(listing.sku) }] }]
        : [];
      return { goods_list_get_response: { goods_list: goods, total_count: goods.length } };
    },
    'pdd.goods.quantity.update'(p) {
      const listing = catalogue.findByIds(p.goods_id ?? '', p.sku_id ?? '');
      const quantity = Number(p.quantity);
      if (!listing) return error(50002, 'goods or sku not found');
      if (p.update_type !== '1' || !Number.isInteger(quantity) || quantity < 0) return error(10000, 'quantity must be a full count (update_type 1)');
      stockPushes.push({ sku: listing.sku, quantity, at: Date.now() });
      return { goods_quantity_update_response: { is_success: true } };
    },
    'pdd.logistics.online.send'(p) {
      const order = book.get(p.order_sn ?? '');
      if (!order) return error(50001, 'order not found');
      if (order.order_status !== 1) return error(50003, 'order is not awaiting shipment');
      trackingWrites.push({ channelOrderId: order.order_sn, company: p.logistics_id ?? '', waybillNo: p.tracking_number ?? '' });
      update(order.order_sn, {
        order_status: 2,
        shipping_time: formatBeijing(now()),
        tracking_number: p.tracking_number ?? '',
        logistics_id: Number(p.logistics_id),
      });
      return { logistics_online_send_response: { is_success: true } };
    },
    'pdd.refund.agree'(p) {
      const answer = (succ: boolean, message: string) => ({
        response: { result: { succ, message, after_sales_id: p.after_sales_id ?? '', order_sn: p.order_sn ?? '' } },
      });
      const afterSale = afterSales.get(p.after_sales_id ?? '');
      if (!afterSale || afterSale.order_sn !== p.order_sn) return answer(false, '售后单不存在');
      if (afterSale.after_sales_status !== AWAITING_MERCHANT) return answer(false, '售后单状态不允许同意退款');
      const fen = /^\d+$/.test(p.refund_amount ?? '') ? Number(p.refund_amount) : NaN;
      if (!(fen > 0 && fen <= afterSale.refund_amount_fen)) return answer(false, '退款金额超过买家实付金额');
      afterSales.set(afterSale.id, { ...afterSale, after_sales_status: REFUND_SUCCESS });
      update(afterSale.order_sn, { refund_status: 4 });
      refundWrites.push({ channelOrderId: afterSale.order_sn, refundId: afterSale.id, amountFen: fen });
      return answer(true, '退款操作成功');
    },
  };

  const app = new Hono();
  serveConsentPage(app, opts.appKey, oauth);
  app.post('/api/router', async (c) => {
    const params = await formParams(c);
    const handler = methods[params.type ?? ''];
    return c.json(refusal(params) ?? (handler ? handler(params) : error(10002, 'unknown type')));
  });

  return {
    platform: 'pdd',
    app,
    ...shop.members,
    oauth,

    requestRefund(orderSn) {
      const order = book.get(orderSn);
      if (!order) throw new Error(`no order ${orderSn}`);
      const afterSale: PddAfterSale = {
        id: digits(rng, 12),
        order_sn: orderSn,
        after_sales_status: AWAITING_MERCHANT,
        refund_amount_fen: Math.round(order.pay_amount * 100),
      };
      afterSales.set(afterSale.id, afterSale);
      // 2: after-sale in progress. Order info shows only that, never the after-sale's id.
      update(orderSn, { refund_status: 2 });
      return afterSale.id;
    },

    generateOrder(g = {}) {
      // PDD's API only ever shows orders once paid.
      if (g.paid === false) throw new Error('PDD does not expose unpaid orders');
      const created = g.at ?? new Date(now().getTime() - intBetween(rng, 60, 600) * 1000);
      const paidAt = formatBeijing(new Date(created.getTime() + intBetween(rng, 5, 55) * 1000));
      const receiver = fakeReceiver(rng, g);
      const picked = fakeLines(rng, g.skus ?? opts.skus ?? []);
      const totalFen = picked.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0);
      return {
        order_sn: `${formatBeijing(created).slice(2, 10).replaceAll('-', '')}-${digits(rng, 15)}`,
        order_status: 1,
        refund_status: 1,
        confirm_status: 1,
        created_time: formatBeijing(created),
        confirm_time: paidAt,
        pay_time: paidAt,
        updated_at: paidAt,
        shipping_time: '',
        province: receiver.province,
        city: receiver.city,
        town: receiver.district,
        address: `${receiver.street}${receiver.detail}`,
        receiver_address: `${receiver.province}${receiver.city}${receiver.district}${receiver.street}${receiver.detail}`,
        receiver_name: receiver.name,
        receiver_phone: receiver.phone,
        buyer_memo: fakeBuyerMessage(rng),
        goods_amount: Number(fenToYuan(totalFen)),
        pay_amount: Number(fenToYuan(totalFen)),
        postage: 0,
        discount_amount: 0,
        tracking_number: '',
        logistics_id: 0,
        item_list: picked.map((line) => {
          const listing = listingOf(line.sku);
          return {
            goods_id: Number(listing.productId),
            goods_name: line.title,
            goods_count: line.quantity,
            goods_price: Number(fenToYuan(line.unitPriceFen)),
            goods_spec: '默认规格',
            sku_id: Number(listing.skuId),
            outer_id: line.sku,
            outer_goods_id: line.sku,
          };
        }),
      };
    },

    signedPush({ kind, channelOrderId, at }) {
      const type = Object.keys(PDD_MESSAGE_KINDS).find((t) => PDD_MESSAGE_KINDS[t] === kind);
      if (!type || !book.get(channelOrderId)) throw new Error(`cannot push ${kind} for ${channelOrderId}`);
      // Refund messages name the order's latest after-sale.
      const afterSale = kind === 'refund_requested' ? [...afterSales.values()].filter((a) => a.order_sn === channelOrderId).at(-1) : undefined;
      const content = { tid: channelOrderId, mall_id: asJsonId(mallId), ...(afterSale ? { refund_id: asJsonId(afterSale.id) } : {}) };
      const body = JSON.stringify({
        id: nextMessageId(),
        commandType: 'Common',
        sendTime: (at ?? now()).getTime(),
        message: { type, mallID: asJsonId(mallId), content: JSON.stringify(content) },
      });
      return { headers: relayHeaders(opts, body, now()), query: {}, body };
    },
  };
}
