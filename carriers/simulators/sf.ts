/**
 * A local SF Express: the same `POST /std/service` form protocol, signature check and envelopes as the
 * real gateway, backed by the simulator engine. Pushes go out in SF's route-push body, signed per our relay.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { formatChinaTime } from '../china-time';
import { safeEqual } from '../push';
import {
  SF_API_CODES,
  SF_DUPLICATE_ORDER,
  SF_KIND_OPCODES,
  SF_SERVICE_PATH,
  SF_SERVICES,
  sfMsgDigest,
  sfSignPush,
  type SfPushBody,
  type SfResult,
} from '../sf-wire';
import type { CarrierEventKind } from '../types';
import { mountDebugRoutes } from './debug-routes';
import { SimulatorEngine, type Direction, type SimEvent, type SimWaybill, type SimulatorOptions } from './engine';

export interface SfSimulatorOptions extends SimulatorOptions {
  /** The only partner the simulator knows. */
  partnerId: string;
  checkword: string;
  /**
   * Answer a repeated orderId with SF's duplicate-order error (8016) instead of the first waybill, to
   * exercise the client's look-up fallback. Default false: the same waybill comes back.
   */
  rejectDuplicateOrders?: boolean;
}

export interface SfSimulator {
  app: Hono;
  sim: SimulatorEngine;
}

/** Business error codes the simulator invents where SF's real ones are unknown. */
export const SF_SIM_ERRORS = {
  invalidMsgData: 'SIM_INVALID_MSGDATA',
  orderNotFound: 'SIM_ORDER_NOT_FOUND',
  notCancellable: 'SIM_NOT_CANCELLABLE',
} as const;

const contactSchema = z.object({
  contactType: z.coerce.number(),
  contact: z.string().min(1),
  mobile: z.string().min(1),
  city: z.string().min(1),
  address: z.string().min(1),
});

const createOrderSchema = z.object({
  orderId: z.string().min(1).max(64),
  cargoDetails: z.array(z.object({ name: z.string().min(1), count: z.coerce.number().int().positive() })).min(1),
  contactInfoList: z
    .array(contactSchema)
    .refine((list) => [1, 2].every((type) => list.some((c) => c.contactType === type)), 'needs a sender (1) and a receiver (2)'),
});

const searchRoutesSchema = z.object({
  trackingType: z.coerce.string(),
  trackingNumber: z.union([z.array(z.string()), z.string().transform((s) => s.split(','))]),
});

const searchOrderSchema = z.object({ orderId: z.string().min(1), searchType: z.coerce.string().optional() });
const updateOrderSchema = z.object({ orderId: z.string().min(1), dealType: z.coerce.number() });

export function createSfSimulator(opts: SfSimulatorOptions): SfSimulator {
  const sim = new SimulatorEngine(
    { carrier: 'sf', waybillPrefix: 'SF', emitsCreated: false, pushRequest: (w, events, now) => sfPushRequest(w, events, now, opts.checkword) },
    opts,
  );

  const ok = (msgData: unknown): SfResult => ({ success: true, errorCode: 'S0000', errorMsg: null, msgData });
  const fail = (errorCode: string, errorMsg: string): SfResult => ({ success: false, errorCode, errorMsg, msgData: null });

  function create(payload: unknown, direction: Direction): SfResult {
    const parsed = createOrderSchema.safeParse(payload);
    if (!parsed.success) return fail(SF_SIM_ERRORS.invalidMsgData, z.prettifyError(parsed.error));
    const { orderId, contactInfoList } = parsed.data;
    const city = (type: number) => contactInfoList.find((c) => c.contactType === type)!.city;
    const existing = sim.findByOrder(orderId);
    if (existing && (opts.rejectDuplicateOrders || existing.direction !== direction)) {
      return fail(SF_DUPLICATE_ORDER, `重复下单: ${orderId}`);
    }
    const outcome = sim.create(orderId, direction, { from: city(1), to: city(2) });
    if (!outcome.ok) return fail(SF_DUPLICATE_ORDER, `重复下单: ${orderId}`);
    return ok({ orderId, waybillNoInfoList: [{ waybillType: 1, waybillNo: outcome.waybill.waybillNo }] });
  }

  const services: Record<string, (payload: unknown) => SfResult> = {
    [SF_SERVICES.createOrder]: (p) => create(p, 'forward'),
    [SF_SERVICES.createReverseOrder]: (p) => create(p, 'return'),
    [SF_SERVICES.searchOrder]: (p) => {
      const parsed = searchOrderSchema.safeParse(p);
      if (!parsed.success) return fail(SF_SIM_ERRORS.invalidMsgData, z.prettifyError(parsed.error));
      const w = sim.findByOrder(parsed.data.orderId);
      const wanted: Direction | undefined = { '1': 'forward' as const, '2': 'return' as const }[parsed.data.searchType ?? ''];
      if (!w || (wanted && w.direction !== wanted)) return fail(SF_SIM_ERRORS.orderNotFound, `no order ${parsed.data.orderId}`);
      return ok({ orderId: w.orderId, waybillNoInfoList: [{ waybillType: 1, waybillNo: w.waybillNo }] });
    },
    [SF_SERVICES.updateOrder]: (p) => {
      const parsed = updateOrderSchema.safeParse(p);
      if (!parsed.success) return fail(SF_SIM_ERRORS.invalidMsgData, z.prettifyError(parsed.error));
      if (parsed.data.dealType !== 2) return fail(SF_SIM_ERRORS.invalidMsgData, 'the simulator only supports dealType 2 (cancel)');
      const w = sim.findByOrder(parsed.data.orderId);
      const outcome = w ? sim.cancel(w.waybillNo) : 'not_found';
      if (outcome === 'not_found') return fail(SF_SIM_ERRORS.orderNotFound, `no order ${parsed.data.orderId}`);
      if (outcome === 'already_picked_up') return fail(SF_SIM_ERRORS.notCancellable, '快件已揽收，不能取消');
      return ok({ orderId: parsed.data.orderId, resStatus: 2 });
    },
    [SF_SERVICES.searchRoutes]: (p) => {
      const parsed = searchRoutesSchema.safeParse(p);
      if (!parsed.success) return fail(SF_SIM_ERRORS.invalidMsgData, z.prettifyError(parsed.error));
      if (parsed.data.trackingType !== '1') return fail(SF_SIM_ERRORS.invalidMsgData, 'the simulator only tracks by waybill (trackingType 1)');
      const routeResps = parsed.data.trackingNumber.map((mailNo) => {
        const w = sim.find(mailNo);
        return { mailNo, routes: w ? sim.due(w).map((e) => sfRoute(w, e)) : [] };
      });
      return ok({ routeResps });
    },
  };

  const app = new Hono();
  app.post(SF_SERVICE_PATH, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const field = (name: string) => form.get(name) ?? '';
    const envelope = (apiResultCode: string, apiErrorMsg: string, result?: SfResult) =>
      c.json({
        apiResultCode,
        apiErrorMsg,
        apiResponseID: randomUUID().replace(/-/g, '').toUpperCase(),
        apiResultData: result ? JSON.stringify(result) : null,
      });

    const required = ['partnerID', 'requestID', 'serviceCode', 'timestamp', 'msgData', 'msgDigest'];
    const missing = required.filter((name) => !field(name));
    if (missing.length > 0) return envelope(SF_API_CODES.missingParameter, `必传参数不可为空: ${missing.join(',')}`);
    // An unknown partner and a wrong checkword look the same from outside: the digest does not verify.
    const expected = sfMsgDigest(field('msgData'), field('timestamp'), opts.checkword);
    if (field('partnerID') !== opts.partnerId || !safeEqual(field('msgDigest'), expected)) {
      return envelope(SF_API_CODES.badDigest, '数字签名无效');
    }
    const handler = services[field('serviceCode')];
    if (!handler) return envelope(SF_API_CODES.noServicePermission, `无对应服务权限: ${field('serviceCode')}`);
    let payload: unknown;
    try {
      payload = JSON.parse(field('msgData'));
    } catch {
      return envelope(SF_API_CODES.ok, '', fail(SF_SIM_ERRORS.invalidMsgData, 'msgData is not JSON'));
    }
    return envelope(SF_API_CODES.ok, '', handler(payload));
  });
  mountDebugRoutes(app, sim);
  return { app, sim };
}

const REMARKS: Record<CarrierEventKind, (w: SimWaybill) => string> = {
  created: () => '已下单',
  picked_up: () => '顺丰速运 已收取快件',
  in_transit: (w) => `快件在【${w.fromCity || '中转场'}】已装车，准备发往下一站`,
  out_for_delivery: () => '快件交给快递员，正在派送途中',
  delivered: (w) => (w.direction === 'return' ? '快件已签收，签收人：仓库' : '快件已签收，感谢使用顺丰'),
  exception: () => '快件派送不成功，待再次派送',
};

function sfRoute(w: SimWaybill, e: SimEvent) {
  const atDestination = e.kind === 'out_for_delivery' || e.kind === 'delivered' || e.kind === 'exception';
  return {
    acceptTime: formatChinaTime(e.at),
    acceptAddress: atDestination ? w.toCity : w.fromCity,
    remark: REMARKS[e.kind](w),
    opCode: SF_KIND_OPCODES[e.kind] ?? '30',
  };
}

function sfPushRequest(w: SimWaybill, events: SimEvent[], now: number, checkword: string) {
  const push: SfPushBody = {
    Body: {
      WaybillRoute: events.map((e) => {
        const route = sfRoute(w, e);
        return { id: `${w.waybillNo}-${route.opCode}-${e.at}`, mailno: w.waybillNo, orderid: w.orderId, ...route };
      }),
    },
  };
  const body = JSON.stringify(push);
  return { body, headers: { 'content-type': 'application/json;charset=UTF-8', ...sfSignPush(body, checkword, String(now)) } };
}
