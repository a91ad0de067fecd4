/**
 * SF Express client (丰桥 `POST /std/service`) and route-push handling.
 */
import { randomUUID } from 'node:crypto';
import { CarrierApiError, InvalidPushError } from './errors';
import { routeEvents } from './events';
import { apiRoot, badResponse, postForEnvelope, validateAnswer, type CarrierClientOptions } from './http';
import { pushParam, readPushBody, safeEqual, type CarrierPush, type PushReply, type PushRequestMeta } from './push';
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

export function createSfClient(config: SfConfig, opts: CarrierClientOptions = {}): CarrierClient {
  return new SfClient(config, opts);
}

class SfClient implements CarrierClient {
  readonly name = 'sf' as const;
  private readonly url: string;

  constructor(
    private readonly config: SfConfig,
    private readonly opts: CarrierClientOptions,
  ) {
    this.url = `${apiRoot(config.baseUrl ?? SF_PRODUCTION_URL)}${SF_SERVICE_PATH}`;
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
    const parsed = validateAnswer('sf', sfRouteRespsSchema, msgData, 'route query');
    const routes = parsed.routeResps.filter((r) => r.mailNo === waybillNo).flatMap((r) => r.routes ?? []);
    return routeEvents(
      routes,
      (route) => sfRouteToEvent(waybillNo, route),
      (route) => badResponse('sf', `route with unreadable acceptTime "${route.acceptTime}"`),
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
    const parsed = validateAnswer('sf', sfWaybillListSchema, msgData, 'order result');
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
    const { status, envelope } = await postForEnvelope(
      'sf',
      {
        url: this.url,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: form.toString(),
        call: `to ${serviceCode}`,
      },
      sfEnvelopeSchema,
      this.opts,
    );
    const { apiResultCode, apiErrorMsg, apiResultData } = envelope;
    if (apiResultCode !== SF_API_CODES.ok) {
      throw new CarrierApiError({
        carrier: 'sf',
        code: apiResultCode,
        message: apiErrorMsg ?? serviceCode,
        retryable: SF_RETRYABLE_API_CODES.has(apiResultCode),
        httpStatus: status,
      });
    }
    const result = validateAnswer('sf', sfResultSchema, parseInner(apiResultData), `${serviceCode} result`);
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
    throw badResponse('sf', 'apiResultData is not JSON');
  }
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
  const push = readPushBody('SF', rawBody, sfPushSchema);
  return routeEvents(
    push.Body.WaybillRoute,
    (route) => sfRouteToEvent(route.mailno, route),
    (route) => new InvalidPushError(`SF push: unreadable acceptTime "${route.acceptTime}"`),
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
