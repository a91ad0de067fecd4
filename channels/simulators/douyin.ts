/**
 * A local stand-in for the Douyin Shop open API (POST /order/searchList etc.) and its webhook: same
 * query parameters, same signatures (hmac-sha256 and md5 verified over key-sorted param_json), same
 * {code, msg, data} envelope. Error codes are illustrative.
 */
import { Hono, type Context } from 'hono';
import { unixSeconds } from '../beijing-time';
import { DOUYIN_TAGS } from '../douyin/push';
import { douyinEventSign, douyinParamJson, douyinSign, type DouyinSignMethod } from '../douyin/sign';
import { sameHex } from '../signing';
import { idLiteral, listingOf, messageIds } from './book';
import { digits, fakeBuyerMessage, fakeLines, fakeReceiver, intBetween } from './fake-data';
import { isRefusal, serveConsentPage, SimulatedOAuth, tokenRequired, type GrantRefusal, type IssuedToken } from './oauth';
import { openShop, type OrderFormat } from './shop';
import type { ChannelSimulator, SimulatorOptions } from './types';

export type DouyinRegion = { name: string; id: string };

export type DouyinSkuOrder = {
  order_id: string;
  parent_order_id: string;
  product_id: string;
  product_name: string;
  sku_id: string;
  code: string;
  out_sku_id: string;
  item_num: number;
  /** Unit list price, fen. */
  origin_amount: number;
  /** Paid for the whole line, fen. */
  pay_amount: number;
  /** after_sale_status 6 applied, 12 succeeded; refund_status 1 awaiting refund, 3 refunded. */
  after_sale_info: { after_sale_status: number; refund_status: number; after_sale_id?: string };
};

export type DouyinOrder = {
  order_id: string;
  shop_id: number;
  order_status: number;
  order_status_desc: string;
  create_time: number;
  pay_time: number;
  update_time: number;
  finish_time: number;
  order_amount: number;
  pay_amount: number;
  post_amount: number;
  buyer_words: string;
  post_receiver: string;
  post_tel: string;
  post_addr: { province: DouyinRegion; city: DouyinRegion; town: DouyinRegion; street: DouyinRegion; detail: string };
  sku_order_list: DouyinSkuOrder[];
  logistics_info: { company: string; tracking_no: string; ship_time: number }[];
};

export type DouyinSimulator = ChannelSimulator<DouyinOrder>;

const douyinOrders: OrderFormat<DouyinOrder, 'update_time'> = {
  idOf: (o) => o.order_id,
  modified: { field: 'update_time', write: unixSeconds, readMs: (s) => s * 1000 },
  skusOf: (o) => o.sku_order_list.map((s) => s.code),
};

type Params = Record<string, unknown>;
const SUCCESS = 10000;
const STATUS_DESC: Readonly<Record<number, string>> = { 1: '待支付', 105: '已支付', 2: '备货中', 101: '部分发货', 3: '已发货', 4: '已取消', 5: '已完成' };

export function createDouyinSimulator(opts: SimulatorOptions): DouyinSimulator {
  const shop = openShop(opts, douyinOrders);
  const { now, rng, book, catalogue, stockPushes, trackingWrites, refundWrites, updateOrder: update } = shop;
  const nextMessageId = messageIds(now);
  const shopId = Number(opts.shopId ?? '4463798');
  if (!Number.isSafeInteger(shopId)) throw new Error('Douyin shop ids are numbers');
  /** After-sale id → the parent order and the sku order (line) it is for. */
  const afterSales = new Map<string, { orderId: string; skuOrderId: string }>();
  let requests = 0;
  const oauth = new SimulatedOAuth(opts.oauth ?? {}, now, opts.accessToken);

  const reply = (c: Context, code: number, msg: string, data: unknown = {}, sub?: [string, string]) =>
    c.json({ code, msg, sub_code: sub?.[0] ?? '', sub_msg: sub?.[1] ?? '', log_id: `sim${(requests += 1)}`, data });
  const notFound = (c: Context, what: string) => reply(c, 50002, '业务处理失败', {}, ['isv.business-failed', what]);

  const tokenReply = (c: Context, result: IssuedToken | GrantRefusal) =>
    isRefusal(result)
      ? reply(c, 30007, '授权失败', {}, ['isv.invalid-grant', result.description])
      : reply(c, SUCCESS, 'success', {
          access_token: result.accessToken,
          expires_in: result.expiresIn,
          refresh_token: result.refreshToken,
          scope: 'SCOPE',
          shop_id: shopId,
          shop_name: 'sim-shop',
          authority_id: String(shopId),
          auth_subject_type: 'MiniApp',
        });

  const methods: Record<string, (c: Context, p: Params) => Response> = {
    'token.create'(c, p) {
      if (p.grant_type !== 'authorization_code') return reply(c, 40004, '参数错误', {}, ['isv.parameter-invalid', 'grant_type']);
      return tokenReply(c, oauth.exchangeCode(typeof p.code === 'string' ? p.code : undefined));
    },
    'token.refresh'(c, p) {
      if (p.grant_type !== 'refresh_token') return reply(c, 40004, '参数错误', {}, ['isv.parameter-invalid', 'grant_type']);
      return tokenReply(c, oauth.refreshToken(typeof p.refresh_token === 'string' ? p.refresh_token : undefined));
    },
    'order.orderDetail'(c, p) {
      const order = book.get(String(p.shop_order_id));
      return order ? reply(c, SUCCESS, 'success', { shop_order_detail: order }) : notFound(c, '订单不存在');
    },
    'order.searchList'(c, p) {
      const page = Number(p.page ?? 0);
      const size = Math.min(100, Math.max(1, Number(p.size ?? 10)));
      const all = book.changedBetween(Number(p.update_time_start) * 1000, Number(p.update_time_end) * 1000);
      return reply(c, SUCCESS, 'success', { shop_order_list: all.slice(page * size, (page + 1) * size), total: all.length, page, size });
    },
    /** The SKU's listing by merchant code, with its price in fen (fields as the open API's sku detail; unconfirmed). */
    'sku.detail'(c, p) {
      const listing = catalogue.find(String(p.code));
      if (!listing) return notFound(c, '商品不存在');
      return reply(c, SUCCESS, 'success', { id: Number(listing.skuId), product_id: Number(listing.productId), code: listing.sku, price: catalogue.priceOf(listing.sku) });
    },
    'sku.syncStock'(c, p) {
      const listing = catalogue.find(String(p.code));
      const quantity = Number(p.stock_num);
      if (!listing) return notFound(c, '商品不存在');
      if (p.incremental !== false || !Number.isInteger(quantity) || quantity < 0) return reply(c, 40004, '参数错误', {}, ['isv.parameter-invalid', 'stock_num']);
      stockPushes.push({ sku: listing.sku, quantity, at: Date.now() });
      return reply(c, SUCCESS, 'success');
    },
    'order.logisticsAdd'(c, p) {
      const order = book.get(String(p.order_id));
      if (!order) return notFound(c, '订单不存在');
      if (order.order_status !== 2 && order.order_status !== 105) return reply(c, 50002, '业务处理失败', {}, ['isv.business-failed', '订单状态不允许发货']);
      const shipped = { company: String(p.company_code), tracking_no: String(p.logistics_code), ship_time: unixSeconds(now()) };
      trackingWrites.push({ channelOrderId: order.order_id, company: shipped.company, waybillNo: shipped.tracking_no });
      update(order.order_id, { order_status: 3, order_status_desc: STATUS_DESC[3] ?? '', logistics_info: [...order.logistics_info, shipped] });
      return reply(c, SUCCESS, 'success');
    },
    'afterSale.operate'(c, p) {
      const items = Array.isArray(p.items) ? (p.items as { aftersale_id?: unknown; operate_info?: { refund_amount?: unknown } }[]) : [];
      if (p.type !== 201 || items.length === 0) return reply(c, 40004, '参数错误', {}, ['isv.parameter-invalid', 'the simulator takes type 201 (agree refund) with items']);
      return reply(c, SUCCESS, 'success', { items: items.map((item) => agreeRefund(String(item.aftersale_id), item.operate_info?.refund_amount)) });
    },
  };

  const app = new Hono();
  serveConsentPage(app, opts.appKey, oauth);
  app.post('/:group/:action', async (c) => {
    const q = c.req.query();
    const method = `${c.req.param('group')}.${c.req.param('action')}`;
    let params: Params;
    try {
      params = JSON.parse((await c.req.text()) || '{}') as Params;
    } catch {
      return reply(c, 40004, '参数错误', {}, ['isv.parameter-invalid', 'param_json is not JSON']);
    }
    if (q.app_key !== opts.appKey) return reply(c, 30001, 'app_key不存在');
    const signMethod: DouyinSignMethod = q.sign_method === 'hmac-sha256' ? 'hmac-sha256' : 'md5';
    // Douyin re-serializes what it received, keys sorted, and signs that: unsorted JSON from a client fails here.
    const expected = douyinSign({ appKey: opts.appKey, method, paramJson: douyinParamJson(params), timestamp: q.timestamp ?? '' }, opts.appSecret, signMethod);
    if (q.method !== method || q.v !== '2' || !sameHex(q.sign, expected)) return reply(c, 30002, '签名校验失败');
    // token.create / token.refresh are signed with the app secret only.
    if (!method.startsWith('token.') && tokenRequired(opts)) {
      const verdict = oauth.check(q.access_token);
      if (verdict === 'expired') return reply(c, 30005, 'access_token已过期', {}, ['isv.access-token-expired', 'access_token已过期']);
      if (verdict !== 'ok') return reply(c, 30005, 'access_token无效', {}, ['isv.access-token-no-existed', 'access_token不存在']);
    }
    const handler = methods[method];
    return handler ? handler(c, params) : reply(c, 30003, '方法不存在');
  });

  /** One afterSale.operate item: refunds the line unless the after-sale is unknown, already refunded or asks too much. */
  function agreeRefund(aftersaleId: string, amount: unknown) {
    const result = (statusCode: number, statusMsg: string) => ({ aftersale_id: aftersaleId, status_code: statusCode, status_msg: statusMsg });
    const found = afterSales.get(aftersaleId);
    const order = found && book.get(found.orderId);
    const line = order?.sku_order_list.find((s) => s.order_id === found?.skuOrderId);
    if (!order || !line) return result(20309540, '售后单不存在');
    if (line.after_sale_info.after_sale_id !== aftersaleId || line.after_sale_info.refund_status !== 1) return result(20309541, '售后状态错误');
    const amountFen = amount === undefined ? line.pay_amount : Number(amount);
    if (!Number.isInteger(amountFen) || amountFen <= 0 || amountFen > line.pay_amount) return result(20309542, '退款金额超过可退金额');
    const refunded = { ...line.after_sale_info, after_sale_status: 12, refund_status: 3 };
    update(order.order_id, { sku_order_list: order.sku_order_list.map((s) => (s === line ? { ...s, after_sale_info: refunded } : s)) });
    refundWrites.push({ channelOrderId: order.order_id, refundId: aftersaleId, amountFen });
    return result(0, 'success');
  }

  /** The latest after-sale on an order, which refund pushes name. */
  function latestAfterSaleOf(orderId: string): string | undefined {
    return [...afterSales].filter(([, a]) => a.orderId === orderId).at(-1)?.[0];
  }

  const region = (name: string, idLength: number): DouyinRegion => ({ name, id: digits(rng, idLength) });

  return {
    platform: 'douyin',
    app,
    ...shop.members,
    oauth,

    requestRefund(orderId) {
      const order = book.get(orderId);
      const line = order?.sku_order_list[0];
      if (!order || !line) throw new Error(`no order ${orderId} with lines`);
      const aftersaleId = `7${digits(rng, 18)}`;
      afterSales.set(aftersaleId, { orderId, skuOrderId: line.order_id });
      const applied = { after_sale_status: 6, refund_status: 1, after_sale_id: aftersaleId };
      update(orderId, { sku_order_list: order.sku_order_list.map((s) => (s === line ? { ...s, after_sale_info: applied } : s)) });
      return aftersaleId;
    },

    generateOrder(g = {}) {
      const created = unixSeconds(g.at ?? new Date(now().getTime() - intBetween(rng, 60, 600) * 1000));
      const paid = g.paid ?? true;
      const payTime = paid ? created + intBetween(rng, 5, 55) : 0;
      const status = paid ? 2 : 1;
      const receiver = fakeReceiver(rng, g);
      const orderId = `6${digits(rng, 18)}`;
      const skuOrders = fakeLines(rng, g.skus ?? opts.skus ?? []).map((line): DouyinSkuOrder => {
        const listing = listingOf(line.sku);
        return {
          order_id: `6${digits(rng, 18)}`,
          parent_order_id: orderId,
          product_id: `3${listing.productId.padEnd(18, '0')}`,
          product_name: line.title,
          sku_id: `17${listing.skuId.padEnd(17, '0')}`,
          code: line.sku,
          out_sku_id: line.sku,
          item_num: line.quantity,
          origin_amount: line.unitPriceFen,
          pay_amount: line.unitPriceFen * line.quantity,
          after_sale_info: { after_sale_status: 0, refund_status: 0 },
        };
      });
      const amount = skuOrders.reduce((sum, s) => sum + s.pay_amount, 0);
      return {
        order_id: orderId,
        shop_id: shopId,
        order_status: status,
        order_status_desc: STATUS_DESC[status] ?? '',
        create_time: created,
        pay_time: payTime,
        update_time: paid ? payTime : created,
        finish_time: 0,
        order_amount: amount,
        pay_amount: amount,
        post_amount: 0,
        buyer_words: fakeBuyerMessage(rng),
        post_receiver: receiver.name,
        post_tel: receiver.phone,
        post_addr: {
          province: region(receiver.province, 2),
          city: region(receiver.city, 4),
          town: region(receiver.district, 6),
          street: region(receiver.street, 9),
          detail: receiver.detail,
        },
        sku_order_list: skuOrders,
        logistics_info: [],
      };
    },

    signedPush({ kind, channelOrderId, at }) {
      const tag = Object.keys(DOUYIN_TAGS).find((t) => DOUYIN_TAGS[t]?.kind === kind);
      const order = book.get(channelOrderId);
      const timeField = tag ? DOUYIN_TAGS[tag]?.timeField : undefined;
      if (!tag || !timeField || !order) throw new Error(`cannot push ${kind} for ${channelOrderId}`);
      // Written by hand so the 19-digit ids go out as bare JSON numbers, as Douyin sends them.
      const sIds = order.sku_order_list.map((s) => idLiteral(s.order_id)).join(',');
      // After-sale messages name the after-sale too (when the order has one).
      const aftersaleId = tag.startsWith('2') ? latestAfterSaleOf(order.order_id) : undefined;
      const afterSale = aftersaleId ? `"aftersale_id":${idLiteral(aftersaleId)},` : '';
      const data = `{${afterSale}"biz":2,"order_status":${order.order_status},"order_type":0,"p_id":${idLiteral(order.order_id)},"s_ids":[${sIds}],"shop_id":${order.shop_id},"${timeField}":${unixSeconds(at ?? now())}}`;
      const body = JSON.stringify([{ tag, msg_id: nextMessageId(), data }]);
      return {
        headers: { 'content-type': 'application/json', 'app-id': opts.appKey, 'event-sign': douyinEventSign(opts.appKey, body, opts.appSecret) },
        query: {},
        body,
      };
    },
  };
}
