/**
 * A local 1688 for tests and development: the same `fastCreateOrder` URL, form body and signature as the
 * real gateway, and it refuses what the gateway would refuse.
 *
 * What is real and what is invented:
 * - URL, form fields, signature algorithm and the success body follow 1688's documentation.
 * - Rejections: a bad or missing signature answers HTTP 401 `{ success: false, code: 'gw.SignatureInvalid',
 *   message }`. The real gateway's exact body for this case is not confirmed (it may use
 *   `{ error_code, error_message }`); the client understands both.
 * - Orders are idempotent by `outOrderId` here: a repeat returns the first order. 1688 does NOT document
 *   this, which is why the purchasing activity never relies on it (see alibaba1688.ts).
 * - `totalSuccessAmount` = Σ price × quantity + postFee, in fen; prices come from the options.
 */
import { serveLocal } from '../infra/net';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  addressParamSchema,
  cargoParamSchema,
  FAST_CREATE_ORDER_API,
  fastCreateOrderPath,
  sign1688,
  type AddressParam,
  type FastCreateOrderResponse,
} from './alibaba1688-wire';

export interface PurchaseSimulatorOptions {
  appKey: string;
  appSecret: string;
  /** When set, other tokens are refused; by default any non-empty token is accepted. */
  accessToken?: string;
  /** Unit price per offerId (fen); default 1000. */
  pricesFen?: Readonly<Record<string, number>>;
  /** Freight per order (fen); default 800. */
  postFeeFen?: number;
  /** Offers that are sold out: they land in failedOfferList. */
  unavailableOffers?: readonly string[];
}

export interface SimulatedPurchaseOrder {
  orderId: string;
  outOrderId: string | undefined;
  flow: string;
  message: string | undefined;
  address: AddressParam;
  cargo: { offerId: string; specId: string | undefined; quantity: number }[];
  totalSuccessAmountFen: number;
  postFeeFen: number;
  /** How many accepted requests carried this outOrderId (1 = no repeats). */
  requests: number;
}

/** Codes the simulator invents where 1688's real ones are unknown. */
export const PURCHASE_SIM_ERRORS = {
  signatureInvalid: 'gw.SignatureInvalid',
  appKeyUnknown: 'gw.AppKeyInvalid',
  accessTokenInvalid: 'gw.AccessTokenInvalid',
  missingParameter: 'gw.MissingParameter',
  invalidParameter: 'SIM_INVALID_PARAMETER',
  allOffersFailed: 'SIM_ALL_OFFERS_FAILED',
} as const;

export interface PurchaseSimulator {
  app: Hono;
  /** Every order created so far, oldest first. */
  orders(): SimulatedPurchaseOrder[];
}

const jsonField = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

const formSchema = z.object({
  flow: z.string().min(1),
  message: z.string().optional(),
  outOrderId: z.string().min(1).optional(),
  addressParam: jsonField(addressParamSchema),
  cargoParamList: jsonField(z.array(cargoParamSchema.extend({ quantity: z.number().int().positive() })).min(1)),
});

export function createPurchaseSimulator(opts: PurchaseSimulatorOptions): PurchaseSimulator {
  const byOutOrderId = new Map<string, SimulatedPurchaseOrder>();
  const all: SimulatedPurchaseOrder[] = [];
  let sequence = 0;

  const app = new Hono();
  app.post(`/openapi/${FAST_CREATE_ORDER_API}/:appKey`, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const fail = (status: 400 | 401, code: string, message: string) =>
      c.json({ success: false, code, message } satisfies FastCreateOrderResponse, status);

    const appKey = c.req.param('appKey');
    const params = Object.fromEntries([...form].filter(([key]) => key !== '_aop_signature'));
    const signature = form.get('_aop_signature');
    // Unknown app and wrong secret look alike from outside: the signature does not verify.
    if (appKey !== opts.appKey || !signature || signature !== sign1688(fastCreateOrderPath(appKey), params, opts.appSecret)) {
      return fail(401, PURCHASE_SIM_ERRORS.signatureInvalid, 'Request signature is invalid');
    }
    const token = form.get('access_token');
    if (!token || (opts.accessToken !== undefined && token !== opts.accessToken)) {
      return fail(401, PURCHASE_SIM_ERRORS.accessTokenInvalid, 'access_token is invalid or expired');
    }
    if (!/^\d{10,}$/.test(form.get('_aop_timestamp') ?? '')) {
      return fail(400, PURCHASE_SIM_ERRORS.missingParameter, '_aop_timestamp (ms) is required');
    }

    const parsed = formSchema.safeParse(params);
    if (!parsed.success) return fail(400, PURCHASE_SIM_ERRORS.invalidParameter, z.prettifyError(parsed.error));
    const request = parsed.data;

    const previous = request.outOrderId ? byOutOrderId.get(request.outOrderId) : undefined;
    if (previous) {
      previous.requests += 1;
      return c.json(successBody(previous, opts));
    }

    const unavailable = new Set(opts.unavailableOffers ?? []);
    const cargo = request.cargoParamList.map((l) => ({ offerId: l.offerId, specId: l.specId, quantity: l.quantity }));
    const ordered = cargo.filter((l) => !unavailable.has(l.offerId));
    if (ordered.length === 0) return fail(400, PURCHASE_SIM_ERRORS.allOffersFailed, 'none of the offers can be ordered');

    const postFeeFen = opts.postFeeFen ?? 800;
    const goodsFen = ordered.reduce((sum, l) => sum + l.quantity * (opts.pricesFen?.[l.offerId] ?? 1000), 0);
    sequence += 1;
    const order: SimulatedPurchaseOrder = {
      // 19 digits like the real ones, so clients that parse ids as numbers get caught.
      orderId: `9${String(sequence).padStart(18, '0')}`,
      outOrderId: request.outOrderId,
      flow: request.flow,
      message: request.message,
      address: request.addressParam,
      cargo,
      totalSuccessAmountFen: goodsFen + postFeeFen,
      postFeeFen,
      requests: 1,
    };
    all.push(order);
    if (order.outOrderId) byOutOrderId.set(order.outOrderId, order);
    return c.json(successBody(order, opts));
  });

  return { app, orders: () => all.map((o) => ({ ...o, cargo: [...o.cargo] })) };
}

function successBody(order: SimulatedPurchaseOrder, opts: PurchaseSimulatorOptions): FastCreateOrderResponse {
  const unavailable = new Set(opts.unavailableOffers ?? []);
  return {
    success: true,
    code: null,
    message: null,
    result: {
      orderId: order.orderId,
      totalSuccessAmount: order.totalSuccessAmountFen,
      postFee: order.postFeeFen,
      failedOfferList: order.cargo
        .filter((l) => unavailable.has(l.offerId))
        .map((l) => ({ offerId: l.offerId, specId: l.specId, errorCode: 'OFFER_UNAVAILABLE', errorMessage: '商品已下架或库存不足' })),
    },
  };
}

export interface RunningPurchaseSimulator {
  /** Give this to the client as `baseUrl`. */
  baseUrl: string;
  orders(): SimulatedPurchaseOrder[];
  close(): Promise<void>;
}

/** Serves the simulator on a real port (0, the default, picks a free one) on 127.0.0.1. */
export async function startPurchaseSimulator(opts: PurchaseSimulatorOptions & { port?: number; hostname?: string }): Promise<RunningPurchaseSimulator> {
  const { app, orders } = createPurchaseSimulator(opts);
  const server = await serveLocal(app.fetch, opts);
  return {
    baseUrl: server.baseUrl,
    orders,
    close: server.close,
  };
}
