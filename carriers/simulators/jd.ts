/**
 * A local JD Logistics: the ECAP paths behind the LOP gateway's query-string signature, with JD's
 * `{ code, msg, data }` envelope. Pushes go out in our trace relay format, signed like requests.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { formatChinaTime } from '../china-time';
import {
  JD_API_VERSION,
  JD_CODES,
  JD_DOMAIN,
  JD_KIND_CATEGORIES,
  JD_ORDER_ORIGIN,
  JD_PATHS,
  isJdSignAlgorithm,
  jdSign,
  jdSignPush,
  type JdPushBody,
  type JdTraceDetail,
} from '../jd-wire';
import { safeEqual } from '../push';
import type { CarrierEventKind } from '../types';
import { mountDebugRoutes } from './debug-routes';
import { SimulatorEngine, type SimEvent, type SimWaybill, type SimulatorOptions } from './engine';

export interface JdSimulatorOptions extends SimulatorOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** When set, orders for another customer code are refused. */
  customerCode?: string;
}

export interface JdSimulator {
  app: Hono;
  sim: SimulatorEngine;
}

const contactSchema = z.object({ name: z.string().min(1), mobile: z.string().min(1), fullAddress: z.string().min(1) });

const createSchema = z.object({
  orderId: z.string().min(1).max(64),
  orderOrigin: z.coerce.number(),
  customerCode: z.string().min(1),
  senderContact: contactSchema,
  receiverContact: contactSchema,
  cargoes: z
    .array(z.object({ name: z.string().min(1), quantity: z.coerce.number().int().positive(), weight: z.coerce.number().positive() }))
    .min(1),
});
const cancelSchema = z.object({ waybillCode: z.string().min(1), customerCode: z.string().min(1) });
const traceSchema = z.object({ waybillCode: z.string().min(1), customerCode: z.string().min(1) });

type Envelope = { code: number; msg: string; data: unknown };
const ok = (data: unknown): Envelope => ({ code: JD_CODES.ok, msg: 'success', data });
const fail = (code: number, msg: string): Envelope => ({ code, msg, data: null });

export function createJdSimulator(opts: JdSimulatorOptions): JdSimulator {
  const sim = new SimulatorEngine(
    { carrier: 'jd', waybillPrefix: 'JDVA', emitsCreated: true, pushRequest: (w, events, now) => jdPushRequest(w, events, now, opts) },
    opts,
  );

  /** Gateway checks, then the JSON-array body's first element; an Envelope when the request is refused. */
  async function authenticate(c: Context, path: string): Promise<unknown[] | Envelope> {
    const query = new URL(c.req.url).searchParams;
    const param = (name: string) => query.get(name) ?? '';
    const required = ['LOP-DN', 'app_key', 'access_token', 'timestamp', 'v', 'sign'];
    const missing = required.filter((name) => !param(name));
    if (missing.length > 0) return fail(JD_CODES.missingParameter, `missing ${missing.join(',')}`);
    const algorithm = query.get('algorithm') ?? 'md5-salt';
    if (param('LOP-DN') !== JD_DOMAIN || param('v') !== JD_API_VERSION || !isJdSignAlgorithm(algorithm)) {
      return fail(JD_CODES.missingParameter, 'unsupported LOP-DN, v or algorithm');
    }
    if (param('app_key') !== opts.appKey || param('access_token') !== opts.accessToken) {
      return fail(JD_CODES.unknownApp, 'invalid app_key or access_token');
    }
    const body = await c.req.text();
    const expected = jdSign(
      {
        appSecret: opts.appSecret,
        accessToken: param('access_token'),
        appKey: param('app_key'),
        // The route's own path, not c.req.path: the app may be mounted under a prefix.
        method: path,
        paramJson: body,
        timestamp: param('timestamp'),
        v: param('v'),
      },
      algorithm,
    );
    if (!safeEqual(param('sign'), expected)) return fail(JD_CODES.badSignature, 'sign check failed');
    try {
      const params: unknown = JSON.parse(body);
      if (Array.isArray(params)) return params;
    } catch {
      // fall through
    }
    return fail(JD_CODES.invalidParams, 'the body must be a JSON array of parameters');
  }

  function route<T extends z.ZodType>(path: string, schema: T, handle: (input: z.output<T>) => Envelope): void {
    app.post(path, async (c) => {
      const params = await authenticate(c, path);
      if (!Array.isArray(params)) return c.json(params);
      const parsed = schema.safeParse(params[0]);
      if (!parsed.success) return c.json(fail(JD_CODES.invalidParams, z.prettifyError(parsed.error)));
      const input = parsed.data as { customerCode?: string };
      if (opts.customerCode && input.customerCode !== opts.customerCode) return c.json(fail(JD_CODES.invalidParams, 'unknown customerCode'));
      return c.json(handle(parsed.data));
    });
  }

  const app = new Hono();

  route(JD_PATHS.create, createSchema, (input) => {
    const direction = input.orderOrigin === JD_ORDER_ORIGIN.c2b ? 'return' : 'forward';
    const outcome = sim.create(input.orderId, direction, {
      from: cityOf(input.senderContact.fullAddress),
      to: cityOf(input.receiverContact.fullAddress),
    });
    if (!outcome.ok) return fail(JD_CODES.duplicateConflict, `orderId ${input.orderId} already used for another direction`);
    return ok({ orderId: input.orderId, waybillCode: outcome.waybill.waybillNo });
  });

  route(JD_PATHS.cancel, cancelSchema, (input) => {
    const outcome = sim.cancel(input.waybillCode);
    if (outcome === 'not_found') return fail(JD_CODES.invalidParams, 'unknown waybillCode');
    if (outcome === 'already_picked_up') return fail(JD_CODES.notCancellable, '已揽收，不能取消');
    return ok({ resultType: 0 });
  });

  route(JD_PATHS.trace, traceSchema, (input) => {
    const w = sim.find(input.waybillCode);
    return ok({ waybillCode: input.waybillCode, traceDetails: w ? sim.due(w).map((e) => jdTrace(w, e)) : [] });
  });

  mountDebugRoutes(app, sim);
  return { app, sim };
}

/** "广东省深圳市南山区…" → "深圳市": enough for a route remark, and keeps street addresses out of the state file. */
function cityOf(fullAddress: string): string {
  return /[^省]{1,10}?市/.exec(fullAddress.replace(/^.*?省/, ''))?.[0] ?? '';
}

const TITLES: Record<CarrierEventKind, (w: SimWaybill) => [title: string, remark: string]> = {
  created: () => ['下单', '您提交了订单，请等待快递员上门揽件'],
  picked_up: (w) => ['揽收', `快递员已揽收${w.fromCity ? `，${w.fromCity}` : ''}`],
  in_transit: (w) => ['运输中', `您的快件已离开【${w.fromCity || '分拣中心'}】，发往下一站`],
  out_for_delivery: () => ['派送中', '配送员正在为您派件'],
  delivered: (w) => ['妥投', w.direction === 'return' ? '仓库已签收' : '您的快件已签收，感谢使用京东物流'],
  exception: () => ['异常', '快件配送异常，请等待再次派送'],
};

function jdTrace(w: SimWaybill, e: SimEvent): JdTraceDetail {
  const [operationTitle, operationRemark] = TITLES[e.kind](w);
  return { operationTime: formatChinaTime(e.at), operationTitle, operationRemark, category: JD_KIND_CATEGORIES[e.kind] };
}

function jdPushRequest(w: SimWaybill, events: SimEvent[], now: number, creds: { appKey: string; appSecret: string }) {
  const push: JdPushBody = { waybillCode: w.waybillNo, traceDetails: events.map((e) => jdTrace(w, e)) };
  const body = JSON.stringify(push);
  const signature = jdSignPush(body, creds, formatChinaTime(now));
  return { body, headers: { 'content-type': 'application/json;charset=UTF-8', ...signature } };
}
