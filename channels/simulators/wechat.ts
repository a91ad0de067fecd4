/**
 * A local stand-in for the WeChat Channels shop API (/channels/ec/…), its token endpoint and its event
 * push: same paths, access-token check, errcode envelope and push signature. Error codes are illustrative.
 */
import { Hono, type Context } from 'hono';
import { unixSeconds } from '../beijing-time';
import { WECHAT_EVENT_KINDS } from '../wechat/push';
import { wechatPushSignature } from '../wechat/sign';
import { idLiteral, listingOf, messageIds } from './book';
import { digits, fakeBuyerMessage, fakeLines, fakeReceiver, intBetween, pick, productOf } from './fake-data';
import { SimulatedOAuth } from './oauth';
import { openShop, type OrderFormat } from './shop';
import type { ChannelSimulator, SimulatorOptions } from './types';

export type WechatProductInfo = {
  product_id: string;
  sku_id: string;
  sku_cnt: number;
  /** Unit price, fen. */
  sale_price: number;
  /** Paid for the whole line after discounts, fen. */
  real_price: number;
  sku_code: string;
  title: string;
};

export type WechatAddress = {
  user_name: string;
  tel_number: string;
  province_name: string;
  city_name: string;
  county_name: string;
  detail_info: string;
  postal_code: string;
};

export type WechatOrder = {
  order_id: string;
  openid: string;
  create_time: number;
  update_time: number;
  status: number;
  order_detail: {
    product_infos: WechatProductInfo[];
    price_info: { product_price: number; order_price: number; freight: number };
    pay_info: { pay_time?: number; transaction_id?: string };
    delivery_info: { address_info: WechatAddress; delivery_product_info: { waybill_id: string; delivery_id: string; deliver_type: number }[] };
    ext_info: { customer_notes: string };
  };
  /** on_aftersale_order_cnt counts the open after-sales; the list names every after-sale (WeChat no longer says each one's status here). */
  aftersale_detail: { on_aftersale_order_cnt: number; aftersale_order_list?: { aftersale_order_id: string }[] };
};

/** The after-sale as /channels/ec/aftersale/getaftersaleorder would show it. */
type WechatAfterSale = { orderId: string; status: 'MERCHANT_PROCESSING' | 'MERCHANT_REFUND_SUCCESS'; refundAmount: number };

export type WechatSimulator = ChannelSimulator<WechatOrder>;

const wechatOrders: OrderFormat<WechatOrder, 'update_time'> = {
  idOf: (o) => o.order_id,
  modified: { field: 'update_time', write: unixSeconds, readMs: (s) => s * 1000 },
  skusOf: (o) => o.order_detail.product_infos.map((p) => p.sku_code),
};

type Body = Record<string, unknown>;
const MAX_WINDOW_S = 7 * 24 * 60 * 60;
const OPENID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function createWechatSimulator(opts: SimulatorOptions): WechatSimulator {
  const shop = openShop(opts, wechatOrders);
  const { now, rng, book, catalogue, stockPushes, trackingWrites, refundWrites, updateOrder: update } = shop;
  const nextNonce = messageIds(now);
  const shopId = opts.shopId ?? 'gh_0123456789ab';
  const token = opts.accessToken ?? `sim-token-${opts.appKey}`;
  const afterSales = new Map<string, WechatAfterSale>();
  // The stable token is always accepted; /cgi-bin/token hands out tokens that expire (and replace each other).
  const oauth = new SimulatedOAuth(opts.oauth ?? { accessTtlSeconds: 7200 }, now, token);

  const ok = (c: Context, body: object = {}) => c.json({ errcode: 0, errmsg: 'ok', ...body });
  const fail = (c: Context, errcode: number, errmsg: string) => c.json({ errcode, errmsg });

  const app = new Hono();
  app.post('/cgi-bin/stable_token', async (c) => {
    const body = (await c.req.json()) as Body;
    if (body.appid !== opts.appKey) return fail(c, 40013, 'invalid appid');
    if (body.secret !== opts.appSecret) return fail(c, 40125, 'invalid appsecret');
    return c.json({ access_token: token, expires_in: 7200 });
  });

  app.get('/cgi-bin/token', (c) => {
    if (c.req.query('grant_type') !== 'client_credential') return fail(c, 40002, 'invalid grant_type');
    if (c.req.query('appid') !== opts.appKey) return fail(c, 40013, 'invalid appid');
    if (c.req.query('secret') !== opts.appSecret) return fail(c, 40125, 'invalid appsecret');
    const issued = oauth.clientCredential();
    return c.json({ access_token: issued.accessToken, expires_in: issued.expiresIn });
  });

  app.use('/channels/ec/*', async (c, next) => {
    const verdict = oauth.check(c.req.query('access_token'));
    if (verdict === 'expired') return fail(c, 42001, 'access_token expired');
    if (verdict !== 'ok') return fail(c, 40001, 'invalid credential, access_token is invalid or not latest');
    return next();
  });

  const routes: Record<string, (c: Context, body: Body) => Response> = {
    '/channels/ec/order/get'(c, body) {
      const order = book.get(String(body.order_id));
      return order ? ok(c, { order }) : fail(c, 100002, 'order not found');
    },
    '/channels/ec/order/list/get'(c, body) {
      const range = (body.update_time_range ?? {}) as { start_time?: number; end_time?: number };
      const from = Number(range.start_time);
      const to = Number(range.end_time);
      if (!(to > from && to - from <= MAX_WINDOW_S)) return fail(c, 40097, 'invalid args: update_time_range must be at most 7 days');
      const offset = Number(body.next_key ?? 0) || 0;
      const size = Math.min(100, Math.max(1, Number(body.page_size ?? 10)));
      const all = book.changedBetween(from * 1000, to * 1000);
      const hasMore = offset + size < all.length;
      return ok(c, { order_id_list: all.slice(offset, offset + size).map((o) => o.order_id), next_key: String(offset + size), has_more: hasMore });
    },
    '/channels/ec/product/list/get'(c, body) {
      const offset = Number(body.next_key ?? 0) || 0;
      const size = Math.min(30, Math.max(1, Number(body.page_size ?? 10)));
      const all = catalogue.all();
      return ok(c, { product_ids: all.slice(offset, offset + size).map((l) => l.productId), next_key: String(offset + size), total_num: all.length });
    },
    '/channels/ec/product/get'(c, body) {
      const listing = catalogue.all().find((l) => l.productId === String(body.product_id));
      if (!listing) return fail(c, 10020002, 'product not found');
      return ok(c, { product: { product_id: listing.productId, title: productOf(listing.sku).title, skus: [{ sku_id: listing.skuId, sku_code: listing.sku, sale_price: catalogue.priceOf(listing.sku) }] } });
    },
    '/channels/ec/product/stock/update'(c, body) {
      const listing = catalogue.findByIds(String(body.product_id), String(body.sku_id));
      const quantity = Number(body.num);
      if (!listing) return fail(c, 10020002, 'product not found');
      if (body.diff_type !== 3 || !Number.isInteger(quantity) || quantity < 0) return fail(c, 40097, 'invalid args: the simulator takes diff_type 3 (set) only');
      stockPushes.push({ sku: listing.sku, quantity, at: Date.now() });
      return ok(c);
    },
    '/channels/ec/order/delivery/send'(c, body) {
      const order = book.get(String(body.order_id));
      const delivery = (body.delivery_list as { delivery_id?: string; waybill_id?: string; deliver_type?: number }[] | undefined)?.[0];
      if (!order) return fail(c, 100002, 'order not found');
      if (order.status !== 20) return fail(c, 100003, 'order is not awaiting shipment');
      if (!delivery?.delivery_id || !delivery.waybill_id) return fail(c, 40097, 'invalid args: delivery_list');
      trackingWrites.push({ channelOrderId: order.order_id, company: delivery.delivery_id, waybillNo: delivery.waybill_id });
      const shipped = { waybill_id: delivery.waybill_id, delivery_id: delivery.delivery_id, deliver_type: delivery.deliver_type ?? 1 };
      update(order.order_id, {
        status: 30,
        order_detail: { ...order.order_detail, delivery_info: { ...order.order_detail.delivery_info, delivery_product_info: [shipped] } },
      });
      return ok(c);
    },
    '/channels/ec/aftersale/acceptapply'(c, body) {
      const id = String(body.after_sale_order_id);
      const afterSale = afterSales.get(id);
      if (!afterSale) return fail(c, 10021050, '售后单不存在');
      if (afterSale.status !== 'MERCHANT_PROCESSING') return fail(c, 10020001, '售后单状态不合法');
      if (body.accept_type !== undefined && body.accept_type !== 2) return fail(c, 40097, 'invalid args: the simulator takes accept_type 2 (refund) only');
      // refund_amount is our client's cross-check, not a WeChat field: refuse an amount the after-sale does not cover.
      const amountFen = body.refund_amount === undefined ? afterSale.refundAmount : Number(body.refund_amount);
      if (!Number.isInteger(amountFen) || amountFen <= 0 || amountFen > afterSale.refundAmount) return fail(c, 40097, 'invalid args: refund_amount exceeds the after-sale');
      afterSales.set(id, { ...afterSale, status: 'MERCHANT_REFUND_SUCCESS' });
      const order = book.get(afterSale.orderId);
      if (order) update(order.order_id, { aftersale_detail: { ...order.aftersale_detail, on_aftersale_order_cnt: openAfterSalesOf(order.order_id).length } });
      refundWrites.push({ channelOrderId: afterSale.orderId, refundId: id, amountFen });
      return ok(c);
    },
  };
  for (const [path, handler] of Object.entries(routes)) {
    app.post(path, async (c) => handler(c, (await c.req.json()) as Body));
  }

  /** What an after-sale push says: the order's latest after-sale (a made-up one if the buyer never asked). */
  function afterSaleUpdateOf(order: WechatOrder): { status: string; after_sale_order_id: string } {
    const id = order.aftersale_detail.aftersale_order_list?.at(-1)?.aftersale_order_id ?? digits(rng, 16);
    return { status: afterSales.get(id)?.status ?? 'MERCHANT_PROCESSING', after_sale_order_id: id };
  }

  function openAfterSalesOf(orderId: string): string[] {
    return [...afterSales].filter(([, a]) => a.orderId === orderId && a.status === 'MERCHANT_PROCESSING').map(([id]) => id);
  }

  return {
    platform: 'wechat',
    app,
    ...shop.members,
    oauth,

    requestRefund(orderId) {
      const order = book.get(orderId);
      if (!order) throw new Error(`no order ${orderId}`);
      const id = digits(rng, 16);
      afterSales.set(id, { orderId, status: 'MERCHANT_PROCESSING', refundAmount: order.order_detail.price_info.order_price });
      const list = [...(order.aftersale_detail.aftersale_order_list ?? []), { aftersale_order_id: id }];
      update(orderId, { aftersale_detail: { on_aftersale_order_cnt: openAfterSalesOf(orderId).length, aftersale_order_list: list } });
      return id;
    },

    generateOrder(g = {}) {
      const created = unixSeconds(g.at ?? new Date(now().getTime() - intBetween(rng, 60, 600) * 1000));
      const paid = g.paid ?? true;
      const payTime = created + intBetween(rng, 5, 55);
      const receiver = fakeReceiver(rng, g);
      const products = fakeLines(rng, g.skus ?? opts.skus ?? []).map((line): WechatProductInfo => {
        const listing = listingOf(line.sku);
        return {
          product_id: listing.productId,
          sku_id: listing.skuId,
          sku_cnt: line.quantity,
          sale_price: line.unitPriceFen,
          real_price: line.unitPriceFen * line.quantity,
          sku_code: line.sku,
          title: line.title,
        };
      });
      const productPrice = products.reduce((sum, p) => sum + p.real_price, 0);
      return {
        order_id: `37${digits(rng, 17)}`,
        openid: `o${Array.from({ length: 27 }, () => pick(rng, [...OPENID_CHARS])).join('')}`,
        create_time: created,
        update_time: paid ? payTime : created,
        status: paid ? 20 : 10,
        order_detail: {
          product_infos: products,
          price_info: { product_price: productPrice, order_price: productPrice, freight: 0 },
          pay_info: paid ? { pay_time: payTime, transaction_id: `4200${digits(rng, 24)}` } : {},
          delivery_info: {
            address_info: {
              user_name: receiver.name,
              tel_number: receiver.phone,
              province_name: receiver.province,
              city_name: receiver.city,
              county_name: receiver.district,
              detail_info: `${receiver.street}${receiver.detail}`,
              postal_code: receiver.postalCode,
            },
            delivery_product_info: [],
          },
          ext_info: { customer_notes: fakeBuyerMessage(rng) },
        },
        aftersale_detail: { on_aftersale_order_cnt: 0 },
      };
    },

    signedPush({ kind, channelOrderId, at }) {
      const event = Object.keys(WECHAT_EVENT_KINDS).find((e) => WECHAT_EVENT_KINDS[e] === kind);
      const order = book.get(channelOrderId);
      if (!event || !order || !opts.pushToken) throw new Error(`cannot push ${kind} for ${channelOrderId} (is pushToken set?)`);
      const marker = '__ORDER_ID__';
      const subject = kind === 'refund_requested' ? { finder_shop_aftersale_status_update: { ...afterSaleUpdateOf(order), order_id: marker } } : { order_info: { order_id: marker } };
      // WeChat sends order ids as bare 19-digit JSON numbers.
      const body = JSON.stringify({
        ToUserName: shopId,
        FromUserName: order.openid,
        CreateTime: unixSeconds(at ?? now()),
        MsgType: 'event',
        Event: event,
        ...subject,
      }).replace(`"${marker}"`, idLiteral(order.order_id));
      const timestamp = String(unixSeconds(now()));
      const nonce = nextNonce().slice(-10);
      return {
        headers: { 'content-type': 'application/json' },
        query: { signature: wechatPushSignature(opts.pushToken, timestamp, nonce), timestamp, nonce },
        body,
      };
    },
  };
}
