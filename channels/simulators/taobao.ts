/**
 * A local stand-in for the TOP gateway (POST /router/rest) and the TMC relay: same parameters, same
 * signatures (md5, hmac, hmac-sha256 all verified), same response and error envelopes.
 */
import { Hono } from 'hono';
import { formatBeijing, parseBeijing } from '../beijing-time';
import { relayHeaders } from '../relay';
import { sameHex } from '../signing';
import { TMC_TOPIC_KINDS } from '../taobao/push';
import { TOP_SIGN_METHODS, topSign, type TopSignMethod } from '../taobao/sign';
import { asJsonId, formParams, idLiteral, listingOf, messageIds } from './book';
import { digits, fakeBuyerMessage, fakeLines, fakeReceiver, fenToYuan, intBetween } from './fake-data';
import { isRefusal, serveConsentPage, SimulatedOAuth, tokenRequired } from './oauth';
import { openShop, type OrderFormat } from './shop';
import type { ChannelSimulator, SimulatorOptions } from './types';

export type TaobaoTradeLine = {
  oid: string;
  num_iid: string;
  sku_id: string;
  outer_sku_id: string;
  num: number;
  price: string;
  total_fee: string;
  payment: string;
  title: string;
  status: string;
  refund_status: string;
  /** Set once the buyer asks for a refund on this line. */
  refund_id?: string;
};

export type TaobaoTrade = {
  tid: string;
  tid_str: string;
  status: string;
  type: string;
  created: string;
  pay_time?: string;
  consign_time?: string;
  modified: string;
  payment: string;
  total_fee: string;
  post_fee: string;
  buyer_nick: string;
  buyer_message?: string;
  receiver_name: string;
  receiver_mobile: string;
  receiver_state: string;
  receiver_city: string;
  receiver_district: string;
  receiver_town: string;
  receiver_address: string;
  receiver_zip: string;
  orders: { order: TaobaoTradeLine[] };
};

export type TaobaoSimulator = ChannelSimulator<TaobaoTrade>;

const taobaoTrades: OrderFormat<TaobaoTrade, 'modified'> = {
  idOf: (t) => t.tid_str,
  modified: { field: 'modified', write: formatBeijing, readMs: (text) => parseBeijing(text).getTime() },
  skusOf: (t) => t.orders.order.map((line) => line.outer_sku_id),
  noun: 'trade',
};

/** A buyer's refund on one trade line, as taobao.refund.get reports it. */
type TaobaoRefund = {
  refund_id: string;
  tid: string;
  oid: string;
  status: string;
  /** Yuan, like every TOP amount. */
  refund_fee: string;
  /** Epoch milliseconds of the last change: an agree quoting an older version is refused. */
  refund_version: number;
  /** Before (onsale) or after (aftersale) the trade finished. */
  refund_phase: 'onsale' | 'aftersale';
  created: string;
  modified: string;
};

/** Refund states in which the seller's agreement is what the refund waits for. */
const AGREEABLE = new Set(['WAIT_SELLER_AGREE', 'WAIT_SELLER_CONFIRM_GOODS']);

type Params = Record<string, string>;
const DAY_MS = 24 * 60 * 60 * 1000;

/** "200.07" → 20007, without the float error of multiplying by 100. */
function yuanToFen(yuan: string): number {
  const [whole = '0', cents = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(cents.padEnd(2, '0').slice(0, 2));
}

export function createTaobaoSimulator(opts: SimulatorOptions): TaobaoSimulator {
  const shop = openShop(opts, taobaoTrades);
  const { now, rng, book, catalogue, stockPushes, trackingWrites, refundWrites, updateOrder: update } = shop;
  const nextMessageId = messageIds(now);
  const shopId = opts.shopId ?? '2200000000001';
  const refunds = new Map<string, TaobaoRefund>();
  let requests = 0;
  const oauth = new SimulatedOAuth(opts.oauth ?? {}, now, opts.accessToken);

  const error = (code: number, msg: string, subCode?: string, subMsg?: string) => ({
    error_response: { code, msg, ...(subCode ? { sub_code: subCode, sub_msg: subMsg } : {}), request_id: `sim${(requests += 1)}` },
  });

  const refusal = (params: Params) => {
    if (params.app_key !== opts.appKey) return error(29, 'Invalid app Key');
    const signMethod = (params.sign_method ?? 'md5') as TopSignMethod;
    if (!TOP_SIGN_METHODS.includes(signMethod) || !sameHex(params.sign, topSign(params, opts.appSecret, signMethod))) {
      return error(25, 'Invalid signature');
    }
    if (tokenRequired(opts)) {
      const verdict = oauth.check(params.session);
      if (verdict === 'expired') return error(27, 'Invalid session', 'session-expired', 'the session has expired');
      if (verdict !== 'ok') return error(27, 'Invalid session', 'invalid-sessionkey', 'the session is invalid');
    }
    return undefined;
  };

  const methods: Record<string, (p: Params) => object> = {
    'taobao.trade.fullinfo.get'(p) {
      const trade = book.get(p.tid ?? '');
      return trade ? { trade_fullinfo_get_response: { trade } } : error(15, 'Remote service error', 'isv.trade-not-exist', 'trade not found');
    },
    'taobao.trades.sold.increment.get'(p) {
      const from = parseBeijing(p.start_modified ?? '').getTime();
      const to = parseBeijing(p.end_modified ?? '').getTime();
      if (!(to > from && to - from <= DAY_MS)) {
        return error(41, 'Invalid arguments', 'isv.invalid-parameter', 'start_modified and end_modified must be at most one day apart');
      }
      const pageNo = Math.max(1, Number(p.page_no ?? 1));
      const pageSize = Math.min(100, Math.max(1, Number(p.page_size ?? 40)));
      const all = book.changedBetween(from, to);
      const trade = all.slice((pageNo - 1) * pageSize, pageNo * pageSize);
      return {
        trades_sold_increment_get_response: {
          total_results: all.length,
          has_next: pageNo * pageSize < all.length,
          ...(trade.length > 0 ? { trades: { trade } } : {}),
        },
      };
    },
    'taobao.skus.custom.get'(p) {
      const listing = catalogue.find(p.outer_id ?? '');
      const sku = listing ? [{ sku_id: listing.skuId, num_iid: listing.productId, outer_id: listing.sku, price: fenToYuan(catalogue.priceOf(listing.sku)) }] : [];
      return { skus_custom_get_response: sku.length > 0 ? { skus: { sku } } : {} };
    },
    'taobao.item.quantity.update'(p) {
      const listing = catalogue.findByIds(p.num_iid ?? '', p.sku_id ?? '');
      const quantity = Number(p.quantity);
      if (!listing) return error(15, 'Remote service error', 'isv.item-not-exist', 'item not found');
      if (!Number.isInteger(quantity) || quantity < 0) return error(41, 'Invalid arguments', 'isv.invalid-parameter', 'quantity');
      stockPushes.push({ sku: listing.sku, quantity, at: Date.now() });
      return { item_quantity_update_response: { item: { num_iid: listing.productId, quantity, modified: formatBeijing(now()) } } };
    },
    'taobao.logistics.offline.send'(p) {
      const trade = book.get(p.tid ?? '');
      if (!trade) return error(15, 'Remote service error', 'isv.trade-not-exist', 'trade not found');
      if (trade.status !== 'WAIT_SELLER_SEND_GOODS') return error(15, 'Remote service error', 'isv.logistics-offline-service-error', 'trade is not awaiting shipment');
      trackingWrites.push({ channelOrderId: trade.tid_str, company: p.company_code ?? '', waybillNo: p.out_sid ?? '' });
      update(trade.tid_str, { status: 'WAIT_BUYER_CONFIRM_GOODS', consign_time: formatBeijing(now()) });
      return { logistics_offline_send_response: { shipping: { is_success: true } } };
    },
    'taobao.refund.get'(p) {
      const refund = refunds.get(p.refund_id ?? '');
      return refund ? { refund_get_response: { refund } } : error(15, 'Remote service error', 'isv.refund-not-exist', 'refund not found');
    },
    'taobao.rp.refunds.agree'(p) {
      // A batch call: each refund gets its own verdict, and the call as a whole still answers normally.
      const results = (p.refund_infos ?? '').split(',').map(agreeRefund);
      const agreed = results.filter((r) => r.succ).length;
      return {
        rp_refunds_agree_response: {
          succ: agreed === results.length,
          msg: agreed === results.length ? 'success' : 'some refunds were not agreed',
          msg_code: agreed === results.length ? 'OP_SUCC' : agreed > 0 ? 'SOME_OP_SUCC' : 'OP_FAILURE_UE',
          results: { refund_mapping_result: results },
        },
      };
    },
  };

  /** One "refund_id|amount in fen|refund_version|refund_phase" entry of refund_infos. */
  function agreeRefund(info: string): { refund_id: string; succ: boolean; message: string } {
    const [refundId = '', amount = '', version = '', phase] = info.split('|');
    const refused = (message: string) => ({ refund_id: refundId, succ: false, message });
    const refund = refunds.get(refundId);
    if (!refund) return refused('refund not found');
    if (!AGREEABLE.has(refund.status)) return refused(`refund is ${refund.status}, not awaiting the seller`);
    if (version !== String(refund.refund_version)) return refused('refund_version is stale: read the refund again');
    if (phase !== undefined && phase !== refund.refund_phase) return refused(`refund_phase is ${refund.refund_phase}`);
    const fen = /^\d+$/.test(amount) ? Number(amount) : NaN;
    if (!(fen > 0)) return refused('amount must be a positive number of fen');
    if (fen > yuanToFen(refund.refund_fee)) return refused(`amount ${fen} fen is above the refund fee ${refund.refund_fee}`);
    const at = now();
    refunds.set(refundId, { ...refund, status: 'SUCCESS', refund_version: at.getTime(), modified: formatBeijing(at) });
    setLineRefund(refund.tid, refund.oid, { refund_status: 'SUCCESS' });
    refundWrites.push({ channelOrderId: refund.tid, refundId, amountFen: fen });
    return { refund_id: refundId, succ: true, message: 'success' };
  }


  const app = new Hono();
  // OAuth (oauth.taobao.com): the consent page and POST /token for both grants.
  serveConsentPage(app, opts.appKey, oauth);
  app.post('/token', async (c) => {
    const p = await formParams(c);
    if (p.client_id !== opts.appKey || p.client_secret !== opts.appSecret) {
      return c.json({ error: 'invalid_client', error_description: 'client_id or client_secret is wrong' }, 401);
    }
    const result =
      p.grant_type === 'authorization_code'
        ? oauth.exchangeCode(p.code)
        : p.grant_type === 'refresh_token'
          ? oauth.refreshToken(p.refresh_token)
          : ({ error: 'invalid_grant', description: `unsupported grant_type ${p.grant_type ?? ''}` } as const);
    if (isRefusal(result)) return c.json({ error: result.error, error_description: result.description }, 400);
    return c.json({
      access_token: result.accessToken,
      token_type: 'Bearer',
      expires_in: result.expiresIn,
      refresh_token: result.refreshToken,
      re_expires_in: result.refreshExpiresIn,
      r1_expires_in: result.expiresIn,
      w1_expires_in: result.expiresIn,
      taobao_user_id: shopId,
      taobao_user_nick: 'sim-shop',
    });
  });
  app.post('/router/rest', async (c) => {
    const params = await formParams(c);
    const handler = methods[params.method ?? ''];
    return c.json(refusal(params) ?? (handler ? handler(params) : error(22, 'Invalid method')));
  });

  function setLineRefund(tid: string, oid: string, patch: Partial<TaobaoTradeLine>): void {
    const trade = book.get(tid);
    if (!trade) throw new Error(`no trade ${tid}`);
    update(tid, { orders: { order: trade.orders.order.map((line) => (line.oid === oid ? { ...line, ...patch } : line)) } });
  }

  /** The refund TMC refund messages are about: the one on the first line that has one. */
  function refundOf(trade: TaobaoTrade): TaobaoRefund | undefined {
    const line = trade.orders.order.find((l) => l.refund_id !== undefined);
    return line?.refund_id === undefined ? undefined : refunds.get(line.refund_id);
  }

  return {
    platform: 'taobao',
    app,
    ...shop.members,
    oauth,

    requestRefund(tid) {
      const trade = book.get(tid);
      const line = trade?.orders.order[0];
      if (!trade || !line) throw new Error(`no trade ${tid}`);
      const at = now();
      const refund: TaobaoRefund = {
        refund_id: digits(rng, 19),
        tid: trade.tid_str,
        oid: line.oid,
        status: 'WAIT_SELLER_AGREE',
        refund_fee: line.payment,
        refund_version: at.getTime(),
        refund_phase: trade.status === 'TRADE_FINISHED' ? 'aftersale' : 'onsale',
        created: formatBeijing(at),
        modified: formatBeijing(at),
      };
      refunds.set(refund.refund_id, refund);
      setLineRefund(trade.tid_str, line.oid, { refund_status: 'WAIT_SELLER_AGREE', refund_id: refund.refund_id });
      return refund.refund_id;
    },

    generateOrder(g = {}) {
      const created = g.at ?? new Date(now().getTime() - intBetween(rng, 60, 600) * 1000);
      const paid = g.paid ?? true;
      const payTime = paid ? formatBeijing(new Date(created.getTime() + intBetween(rng, 5, 55) * 1000)) : undefined;
      const status = paid ? 'WAIT_SELLER_SEND_GOODS' : 'WAIT_BUYER_PAY';
      const receiver = fakeReceiver(rng, g);
      const picked = fakeLines(rng, g.skus ?? opts.skus ?? []);
      const lines = picked.map((line): TaobaoTradeLine => {
        const listing = listingOf(line.sku);
        const lineFee = fenToYuan(line.unitPriceFen * line.quantity);
        return {
          oid: digits(rng, 19),
          num_iid: listing.productId,
          sku_id: listing.skuId,
          outer_sku_id: line.sku,
          num: line.quantity,
          price: fenToYuan(line.unitPriceFen),
          total_fee: lineFee,
          payment: lineFee,
          title: line.title,
          status,
          refund_status: 'NO_REFUND',
        };
      });
      const tid = digits(rng, 19);
      const total = fenToYuan(picked.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0));
      return {
        tid,
        tid_str: tid,
        status,
        type: 'fixed',
        created: formatBeijing(created),
        ...(payTime ? { pay_time: payTime } : {}),
        modified: payTime ?? formatBeijing(created),
        payment: total,
        total_fee: total,
        post_fee: '0.00',
        buyer_nick: `${receiver.name.slice(0, 1)}**`,
        buyer_message: fakeBuyerMessage(rng),
        receiver_name: receiver.name,
        receiver_mobile: receiver.phone,
        receiver_state: receiver.province,
        receiver_city: receiver.city,
        receiver_district: receiver.district,
        receiver_town: receiver.street,
        receiver_address: receiver.detail,
        receiver_zip: receiver.postalCode,
        orders: { order: lines },
      };
    },

    signedPush({ kind, channelOrderId, at }) {
      const topic = Object.keys(TMC_TOPIC_KINDS).find((t) => TMC_TOPIC_KINDS[t] === kind);
      const trade = book.get(channelOrderId);
      if (!topic || !trade) throw new Error(`cannot push ${kind} for ${channelOrderId}`);
      // TMC content is JSON text with numeric ids, exactly the kind that loses digits in a careless parser.
      const refund = topic.startsWith('taobao_refund_') ? refundOf(trade) : undefined;
      const content = refund
        ? `{"buyer_nick":${JSON.stringify(trade.buyer_nick)},"oid":${idLiteral(refund.oid)},"refund_fee":${JSON.stringify(refund.refund_fee)},"refund_id":${idLiteral(refund.refund_id)},"refund_phase":${JSON.stringify(refund.refund_phase)},"refund_version":${refund.refund_version},"tid":${idLiteral(trade.tid)}}`
        : `{"buyer_nick":${JSON.stringify(trade.buyer_nick)},"payment":${JSON.stringify(trade.payment)},"status":${JSON.stringify(trade.status)},"tid":${idLiteral(trade.tid)},"type":"fixed"}`;
      const body = JSON.stringify({
        id: nextMessageId(),
        topic,
        pub_time: formatBeijing(at ?? now()),
        pub_app_key: opts.appKey,
        user_id: asJsonId(shopId),
        user_nick: 'sim-shop',
        content,
      });
      return { headers: relayHeaders(opts, body, now()), query: {}, body };
    },
  };
}
