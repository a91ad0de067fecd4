/**
 * 1688 (阿里巴巴) purchasing client: places a purchase order with `alibaba.trade.fastCreateOrder`.
 *
 * Idempotency: we send our purchase-order id as `outOrderId`, but 1688 does not document that it refuses a
 * second order with the same outOrderId, so we do not rely on it. The caller (the purchasing activity)
 * looks up its own purchase-order row first and only calls when no 1688 order id is recorded; and this
 * client never marks a failure retryable when the order might have been created (see PurchaseApiError).
 */
import { z } from 'zod';
import type { FailedOffer } from '../domain/purchasing';
import {
  ALIBABA_1688_BASE_URL,
  addressParamSchema,
  fastCreateOrderPath,
  fastCreateOrderResponseSchema,
  gatewayErrorSchema,
  quoteLongOrderIds,
  sign1688,
  type AddressParam,
} from './alibaba1688-wire';

export { sign1688, fastCreateOrderPath, ALIBABA_1688_BASE_URL, type AddressParam } from './alibaba1688-wire';

export interface Alibaba1688Config {
  appKey: string;
  appSecret: string;
  /** The buyer account's OAuth token (the account the goods are bought with). */
  accessToken: string;
  /** Default https://gw.open.1688.com; the simulator's baseUrl in tests. */
  baseUrl?: string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Alibaba1688ClientOptions {
  /** Per-call deadline; the activity's own timeout should be longer. Default 15 s. */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Clock for `_aop_timestamp` (ms), for tests. */
  now?: () => number;
}

export interface PurchaseCargo {
  offerId: string;
  /** The SKU variant on the offer page; omitted for single-variant offers. */
  specId?: string;
  quantity: number;
}

export interface FastCreateOrderInput {
  /** Our purchase-order id, sent as `outOrderId`. */
  outOrderId: string;
  address: AddressParam;
  cargo: readonly PurchaseCargo[];
  /** Buyer's note to the seller (留言). */
  message?: string;
  /** 1688 order flow; `general` is an ordinary wholesale order. */
  flow?: 'general' | 'saleproxy' | 'fenxiao';
}

export interface FastCreateOrderResult {
  orderId: string;
  /** What the order costs us, freight included (fen). */
  totalSuccessAmountFen: number;
  postFeeFen: number;
  /** Cargo lines 1688 could not order (sold out, spec gone); the rest was ordered. */
  failedOffers: FailedOffer[];
}

export interface Alibaba1688Client {
  fastCreateOrder(input: FastCreateOrderInput): Promise<FastCreateOrderResult>;
}

/**
 * A 1688 call that did not produce an order we know of.
 * - `retryable`: the request certainly created nothing (connection refused, rate limit), so trying again is safe.
 * - `outcomeUnknown`: the request may have reached 1688 (timeout, 5xx, garbled answer). Do NOT retry blindly:
 *   a human (or a later order-list check) has to see whether an order exists.
 * - neither: 1688 refused (bad signature, bad address, offer gone); fix the data or the credentials.
 */
export class PurchaseApiError extends Error {
  override readonly name = 'PurchaseApiError';
  /** 1688's code (e.g. gw.SignatureInvalid) or ours: NETWORK, TIMEOUT, HTTP_<status>, BAD_RESPONSE, NO_ORDER. */
  readonly code: string;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly httpStatus: number | undefined;

  constructor(opts: { code: string; message: string; retryable?: boolean; outcomeUnknown?: boolean; httpStatus?: number }) {
    super(`1688 ${opts.code}: ${opts.message}`);
    this.code = opts.code;
    this.retryable = opts.retryable ?? false;
    this.outcomeUnknown = opts.outcomeUnknown ?? false;
    this.httpStatus = opts.httpStatus;
  }
}

const inputSchema = z.object({
  outOrderId: z.string().trim().min(1).max(64),
  address: addressParamSchema,
  cargo: z
    .array(z.object({ offerId: z.string().min(1), specId: z.string().min(1).optional(), quantity: z.number().int().positive() }))
    .min(1),
  message: z.string().max(500).optional(),
  flow: z.enum(['general', 'saleproxy', 'fenxiao']).default('general'),
});

const DEFAULT_TIMEOUT_MS = 15_000;

/** Errors from fetch that mean the request never left: safe to retry. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function createAlibaba1688Client(config: Alibaba1688Config, opts: Alibaba1688ClientOptions = {}): Alibaba1688Client {
  const baseUrl = (config.baseUrl ?? ALIBABA_1688_BASE_URL).replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async fastCreateOrder(raw) {
      const parsed = inputSchema.safeParse(raw);
      if (!parsed.success) throw new PurchaseApiError({ code: 'INVALID_INPUT', message: z.prettifyError(parsed.error) });
      const input = parsed.data;

      const urlPath = fastCreateOrderPath(config.appKey);
      const params: Record<string, string> = {
        access_token: config.accessToken,
        _aop_timestamp: String(now()),
        flow: input.flow,
        addressParam: JSON.stringify(input.address),
        cargoParamList: JSON.stringify(input.cargo),
        outOrderId: input.outOrderId,
        ...(input.message ? { message: input.message } : {}),
      };
      const body = new URLSearchParams({ ...params, _aop_signature: sign1688(urlPath, params, config.appSecret) });

      const { status, text } = await post(doFetch, `${baseUrl}/openapi/${urlPath}`, body.toString(), timeoutMs);
      return interpret(status, text);
    },
  };
}

async function post(doFetch: FetchLike, url: string, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') {
      throw new PurchaseApiError({ code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms; the order may exist`, outcomeUnknown: true });
    }
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const notSent = cause !== undefined && NOT_SENT.has(cause);
    throw new PurchaseApiError({
      code: 'NETWORK',
      message: `${cause ?? String((err as Error).message ?? err)}${notSent ? '' : '; the order may exist'}`,
      retryable: notSent,
      outcomeUnknown: !notSent,
    });
  }
}

function interpret(status: number, text: string): FastCreateOrderResult {
  let json: unknown;
  try {
    json = JSON.parse(quoteLongOrderIds(text));
  } catch {
    throw new PurchaseApiError({
      code: status >= 200 && status < 300 ? 'BAD_RESPONSE' : `HTTP_${status}`,
      message: `non-JSON answer (HTTP ${status}): ${text.slice(0, 200)}`,
      outcomeUnknown: status < 400 || status >= 500,
      retryable: status === 429,
      httpStatus: status,
    });
  }

  // Rejected by the gateway before the API ran: nothing was created.
  const gateway = gatewayErrorSchema.safeParse(json);
  if (gateway.success) {
    const code = gateway.data.error_code;
    throw new PurchaseApiError({
      code,
      message: gateway.data.error_message ?? code,
      retryable: status === 429 || /^gw\.Qos/i.test(code),
      httpStatus: status,
    });
  }

  const answer = fastCreateOrderResponseSchema.safeParse(json);
  if (!answer.success) {
    throw new PurchaseApiError({
      code: status >= 200 && status < 300 ? 'BAD_RESPONSE' : `HTTP_${status}`,
      message: `unexpected answer (HTTP ${status}): ${z.prettifyError(answer.error)}`,
      outcomeUnknown: status < 400 || status >= 500,
      httpStatus: status,
    });
  }
  const { success, code, message, result } = answer.data;
  if (!success) {
    const failed = code ?? `HTTP_${status}`;
    throw new PurchaseApiError({ code: failed, message: message ?? failed, retryable: status === 429 || /^gw\.Qos/i.test(failed), httpStatus: status });
  }
  if (!result?.orderId) {
    const reasons = (result?.failedOfferList ?? []).map((f) => `${f.offerId}: ${f.errorMessage ?? f.errorCode ?? 'failed'}`);
    throw new PurchaseApiError({ code: 'NO_ORDER', message: reasons.length ? reasons.join('; ') : 'success without an order id', httpStatus: status });
  }
  return {
    orderId: result.orderId,
    totalSuccessAmountFen: result.totalSuccessAmount ?? 0,
    postFeeFen: result.postFee ?? 0,
    failedOffers: (result.failedOfferList ?? []).map((f) => ({
      offerId: f.offerId,
      specId: f.specId ?? undefined,
      code: f.errorCode ?? undefined,
      message: f.errorMessage ?? undefined,
    })),
  };
}
