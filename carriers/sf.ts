/**
 * SF Express client (丰桥 `POST /std/service`) and route-push handling.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CarrierApiError, InvalidPushError } from './errors';
import { sortUnique } from './events';
import { isTransientStatus, parseJsonBody, postText, type HttpOptions } from './http';
import { pushParam, safeEqual, type CarrierPush, type PushReply, type PushRequestMeta } from './push';
import {
  SF_API_CODES,
  SF_DUPLICATE_ORDER,
  SF_PRODUCTION_URL,
  SF_PUSH_DIGEST_PARAM,
  SF_PUSH_TIMESTAMP_PARAM,
  SF_RETRYABLE_API_CODES,
  SF_SERVICE_PATH,
  SF_SERVICES,
  sfEnvelopeSchema,
  sfJson,
  sfMasterWaybill,
  sfMsgDigest,
  sfPushSchema,
  sfRequestForm,
  sfResultSchema,
  sfRouteRespsSchema,
  sfRouteToEvent,
  sfWaybillListSchema,
} from './sf-wire';
import type {
  CancelWaybillInput,
  CarrierClient,
  CarrierEvent,
  CreateReturnWaybillInput,
  CreateWaybillInput,
  Parcel,
  Party,
  WaybillResult,
} from './types';

export interface SfConfig {
  /** Defaults to production; the sandbox is SF_SANDBOX_URL, the local simulator whatever it listens on. */
  baseUrl?: string;
  /** 顾客编码 (partnerID). */
  partnerId: string;
  /** 校验码, the signing secret. */
  checkword: string;
  /** 月结卡号: bill the brand's monthly account. Without it SF bills per payMethod. */
  monthlyCard?: string;
  /** 1 = 顺丰特快, 2 = 顺丰标快 (default). */
  expressTypeId?: number;
}

export interface SfClientOptions extends HttpOptions {
  /** Clock for the request timestamp (tests). */
  now?: () => number;
}

export function createSfClient(config: SfConfig, opts: SfClientOptions = {}): CarrierClient {
  return new SfClient(config, opts);
}

class SfClient implements CarrierClient {
  readonly name = 'sf' as const;
  private readonly url: string;

  constructor(
    private readonly config: SfConfig,
    private readonly opts: SfClientOptions,
  ) {
    this.url = `${(config.baseUrl ?? SF_PRODUCTION_URL).replace(/\/+$/, '')}${SF_SERVICE_PATH}`;
  }

  async createWaybill(input: CreateWaybillInput): Promise<WaybillResult> {
    const payload = this.orderPayload(input.orderId, input.sender, input.receiver, input.parcels);
    return this.createIdempotently(SF_SERVICES.createOrder, payload, 'forward');
  }

  /** Same shape as a forward order with the customer as sender; SF's reverse-order fields are unconfirmed. */
  async createReturnWaybill(input: CreateReturnWaybillInput): Promise<WaybillResult> {
    const payload = this.orderPayload(input.returnId, input.customer, input.warehouse, input.parcels);
    return this.createIdempotently(SF_SERVICES.createReverseOrder, payload, 'return');
  }

  async cancelWaybill(input: CancelWaybillInput): Promise<void> {
    // dealType 2 = cancel. SF cancels by our orderId, not by waybill.
    await this.call(SF_SERVICES.updateOrder, { language: 'zh-CN', orderId: input.orderId, dealType: 2 });
  }

  async trackWaybill(waybillNo: string): Promise<CarrierEvent[]> {
    const msgData = await this.call(SF_SERVICES.searchRoutes, {
      language: '0',
      trackingType: '1', // by waybill number
      trackingNumber: [waybillNo],
      methodType: '1', // standard route query
    });
    const parsed = this.validate(sfRouteRespsSchema, msgData, 'route query');
    const routes = parsed.routeResps.filter((r) => r.mailNo === waybillNo).flatMap((r) => r.routes ?? []);
    return sortUnique(
      routes.map((route) => {
        const event = sfRouteToEvent(waybillNo, route);
        if (!event) throw badResponse(`route with unreadable acceptTime "${route.acceptTime}"`);
        return event;
      }),
    );
  }

  /**
   * Real SF refuses a second order with the same orderId (8016) instead of returning the first waybill,
   * so on that error we look the order up: a retried activity then gets the waybill it created before.
   */
  private async createIdempotently(
    service: string,
    payload: { orderId: string },
    direction: 'forward' | 'return',
  ): Promise<WaybillResult> {
    let msgData: unknown;
    try {
      msgData = await this.call(service, payload);
    } catch (err) {
      if (!(err instanceof CarrierApiError) || err.code !== SF_DUPLICATE_ORDER) throw err;
      // searchType 1 = forward, 2 = reverse: a return must never be answered with the forward waybill.
      const searchType = direction === 'forward' ? '1' : '2';
      msgData = await this.call(SF_SERVICES.searchOrder, { language: 'zh-CN', orderId: payload.orderId, searchType });
    }
    const parsed = this.validate(sfWaybillListSchema, msgData, 'order result');
    return { waybillNo: sfMasterWaybill(parsed.waybillNoInfoList) };
  }

  private orderPayload(orderId: string, sender: Party, receiver: Party, parcels: Parcel[]) {
    return {
      language: 'zh-CN',
      orderId,
      expressTypeId: this.config.expressTypeId ?? 2,
      payMethod: 1, // sender pays; with monthlyCard that is the brand's monthly account
      ...(this.config.monthlyCard ? { monthlyCard: this.config.monthlyCard } : {}),
      parcelQty: 1,
      cargoDetails: parcels.map((p) => ({ name: p.name, count: p.quantity })),
      contactInfoList: [sfContact(1, sender), sfContact(2, receiver)],
    };
  }

  /** One signed call; returns the business msgData or throws CarrierApiError. */
  private async call(serviceCode: string, payload: object): Promise<unknown> {
    const form = sfRequestForm({
      partnerId: this.config.partnerId,
      checkword: this.config.checkword,
      serviceCode,
      msgData: sfJson(payload),
      requestId: randomUUID(),
      timestamp: String((this.opts.now ?? Date.now)()),
    });
    const res = await postText(
      'sf',
      this.url,
      { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: form.toString() },
      this.opts,
    );
    const envelope = sfEnvelopeSchema.safeParse(parseJsonBody('sf', res));
    if (!envelope.success) {
      throw new CarrierApiError({
        carrier: 'sf',
        code: isTransientStatus(res.status) || res.status >= 400 ? `HTTP_${res.status}` : 'BAD_RESPONSE',
        message: `unexpected answer to ${serviceCode}: ${res.text.slice(0, 200)}`,
        retryable: isTransientStatus(res.status),
        httpStatus: res.status,
      });
    }
    const { apiResultCode, apiErrorMsg, apiResultData } = envelope.data;
    if (apiResultCode !== SF_API_CODES.ok) {
      throw new CarrierApiError({
        carrier: 'sf',
        code: apiResultCode,
        message: apiErrorMsg ?? serviceCode,
        retryable: SF_RETRYABLE_API_CODES.has(apiResultCode),
        httpStatus: res.status,
      });
    }
    const result = this.validate(sfResultSchema, parseInner(apiResultData), `${serviceCode} result`);
    if (!result.success) {
      throw new CarrierApiError({
        carrier: 'sf',
        code: result.errorCode ?? 'BUSINESS',
        message: result.errorMsg ?? `${serviceCode} failed`,
        retryable: false,
      });
    }
    return result.msgData;
  }

  private validate<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw badResponse(`${what}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}

function sfContact(contactType: 1 | 2, p: Party) {
  return {
    contactType, // 1 sender, 2 receiver
    contact: p.name,
    mobile: p.phone,
    province: p.province,
    city: p.city,
    county: p.district,
    address: p.detail,
  };
}

function parseInner(apiResultData: string | null | undefined): unknown {
  try {
    return JSON.parse(apiResultData ?? 'null');
  } catch {
    throw badResponse('apiResultData is not JSON');
  }
}

function badResponse(message: string): CarrierApiError {
  return new CarrierApiError({ carrier: 'sf', code: 'BAD_RESPONSE', message, retryable: false });
}

// -------------------------------------------------------------------------------------------------- push

/** Checks our relay signature: `msgDigest` over rawBody + `timestamp` + checkword (see docs/carriers.md). */
export function verifySfPush(rawBody: string, meta: PushRequestMeta, checkword: string): boolean {
  const digest = pushParam(meta, SF_PUSH_DIGEST_PARAM);
  const timestamp = pushParam(meta, SF_PUSH_TIMESTAMP_PARAM);
  if (!digest || !timestamp || !checkword) return false;
  return safeEqual(digest, sfMsgDigest(rawBody, timestamp, checkword));
}

export function parseSfPush(rawBody: string): CarrierEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new InvalidPushError('SF push body is not JSON');
  }
  const parsed = sfPushSchema.safeParse(json);
  if (!parsed.success) throw new InvalidPushError(`SF push: ${z.prettifyError(parsed.error)}`);
  return sortUnique(
    parsed.data.Body.WaybillRoute.map((route) => {
      const event = sfRouteToEvent(route.mailno, route);
      if (!event) throw new InvalidPushError(`SF push: unreadable acceptTime "${route.acceptTime}"`);
      return event;
    }),
  );
}

/** SF stops retrying once it reads return_code "0000". */
export function sfPushAck(): PushReply {
  return { status: 200, body: { return_code: '0000', return_msg: '成功' } };
}

export function sfPushNack(status: 400 | 401, reason: string): PushReply {
  return { status, body: { return_code: '1000', return_msg: reason } };
}

export const sfPush: CarrierPush = {
  carrier: 'sf',
  verify: verifySfPush,
  parse: parseSfPush,
  ack: sfPushAck,
  nack: sfPushNack,
};
