/**
 * JD Logistics client (LOP gateway, ECAP order APIs) and trace-push handling.
 */
import { formatChinaTime } from './china-time';
import { CarrierApiError, InvalidPushError } from './errors';
import { routeEvents } from './events';
import { apiRoot, badResponse, isTransientStatus, postForEnvelope, validateAnswer, type CarrierClientOptions } from './http';
import {
  JD_CODES,
  JD_ORDER_ORIGIN,
  JD_PATHS,
  JD_PRODUCTION_URL,
  isJdSignAlgorithm,
  jdCreateDataSchema,
  jdEnvelopeSchema,
  jdPushSchema,
  jdRequestQuery,
  jdSignPush,
  jdTraceDataSchema,
  jdTraceToEvent,
  type JdSignAlgorithm,
} from './jd-wire';
import { pushParam, readPushBody, safeEqual, type CarrierPush, type PushReply, type PushRequestMeta } from './push';
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

export interface JdConfig {
  /** Defaults to production; UAT is JD_UAT_URL, the local simulator whatever it listens on. */
  baseUrl?: string;
  appKey: string;
  appSecret: string;
  /** OAuth token of the merchant authorising our app; refreshing it is out of scope here. */
  accessToken: string;
  /** 商家编码 (the brand's JD Logistics customer code). */
  customerCode: string;
  /** Defaults to md5-salt. */
  algorithm?: JdSignAlgorithm;
  /** 产品编码; defaults to ed-m-0001 (京东标快, unconfirmed). */
  productCode?: string;
  /** 结算方式; defaults to 3 (monthly settlement, unconfirmed). */
  settleType?: number;
  /** Declared weight per cargo line in kg: JD requires one and the OMS does not know real weights. */
  cargoWeightKg?: number;
}

export function createJdClient(config: JdConfig, opts: CarrierClientOptions = {}): CarrierClient {
  return new JdClient(config, opts);
}

class JdClient implements CarrierClient {
  readonly name = 'jd' as const;
  private readonly baseUrl: string;

  constructor(
    private readonly config: JdConfig,
    private readonly opts: CarrierClientOptions,
  ) {
    this.baseUrl = apiRoot(config.baseUrl ?? JD_PRODUCTION_URL);
  }

  /** JD keys orders on orderId; whether the real API answers a repeat with the same waybill is unconfirmed. */
  async createWaybill(input: CreateWaybillInput): Promise<WaybillResult> {
    return this.create(input.orderId, JD_ORDER_ORIGIN.b2c, input.sender, input.receiver, input.parcels);
  }

  /** orderOrigin 2 (c2b): JD picks up at the customer and delivers to the warehouse. */
  async createReturnWaybill(input: CreateReturnWaybillInput): Promise<WaybillResult> {
    return this.create(input.returnId, JD_ORDER_ORIGIN.c2b, input.customer, input.warehouse, input.parcels);
  }

  async cancelWaybill(input: CancelWaybillInput): Promise<void> {
    await this.call(JD_PATHS.cancel, {
      waybillCode: input.waybillNo,
      customerCode: this.config.customerCode,
      cancelReason: '订单取消',
      cancelReasonCode: '1',
    });
  }

  async trackWaybill(waybillNo: string): Promise<CarrierEvent[]> {
    const data = await this.call(JD_PATHS.trace, {
      waybillCode: waybillNo,
      // The query cannot know whether this is a return; the simulator ignores it, JD's use of it is unconfirmed.
      orderOrigin: JD_ORDER_ORIGIN.b2c,
      customerCode: this.config.customerCode,
    });
    const parsed = validateAnswer('jd', jdTraceDataSchema, data ?? {}, 'trace query');
    return routeEvents(
      parsed.traceDetails ?? [],
      (detail) => jdTraceToEvent(waybillNo, detail),
      (detail) => badResponse('jd', `trace with unreadable operationTime "${detail.operationTime}"`),
    );
  }

  private async create(orderId: string, orderOrigin: number, sender: Party, receiver: Party, parcels: Parcel[]) {
    const data = await this.call(JD_PATHS.create, {
      orderId,
      orderOrigin,
      customerCode: this.config.customerCode,
      senderContact: jdContact(sender),
      receiverContact: jdContact(receiver),
      cargoes: parcels.map((p) => ({ name: p.name, quantity: p.quantity, weight: this.config.cargoWeightKg ?? 1 })),
      settleType: this.config.settleType ?? 3,
      productsReq: { productCode: this.config.productCode ?? 'ed-m-0001' },
    });
    return { waybillNo: validateAnswer('jd', jdCreateDataSchema, data, 'create result').waybillCode };
  }

  /** One signed call; returns `data` or throws CarrierApiError. */
  private async call(path: string, params: object): Promise<unknown> {
    // JD's convention: the body is a JSON array of the method's positional parameters.
    const body = JSON.stringify([params]);
    const query = jdRequestQuery(
      {
        appSecret: this.config.appSecret,
        accessToken: this.config.accessToken,
        appKey: this.config.appKey,
        method: path,
        paramJson: body,
        timestamp: formatChinaTime((this.opts.now ?? Date.now)()),
      },
      this.config.algorithm,
    );
    const { status, envelope } = await postForEnvelope(
      'jd',
      {
        url: `${this.baseUrl}${path}?${query}`,
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body,
        call: `from ${path}`,
      },
      jdEnvelopeSchema,
      this.opts,
    );
    const { code, msg, message, data } = envelope;
    if (code !== String(JD_CODES.ok)) {
      throw new CarrierApiError({
        carrier: 'jd',
        code,
        message: msg ?? message ?? path,
        retryable: isTransientStatus(status),
        httpStatus: status,
      });
    }
    return data;
  }
}

function jdContact(p: Party) {
  return { name: p.name, mobile: p.phone, fullAddress: `${p.province}${p.city}${p.district}${p.detail}` };
}

// -------------------------------------------------------------------------------------------------- push

/** Checks our relay signature (`sign` over the raw body, see jdSignPush and docs/carriers.md). */
export function verifyJdPush(rawBody: string, meta: PushRequestMeta, appSecret: string): boolean {
  const sign = pushParam(meta, 'sign');
  const timestamp = pushParam(meta, 'timestamp');
  const appKey = pushParam(meta, 'app_key');
  const algorithm = pushParam(meta, 'algorithm') ?? 'md5-salt';
  if (!sign || !timestamp || appKey === undefined || !appSecret || !isJdSignAlgorithm(algorithm)) return false;
  const expected = jdSignPush(rawBody, { appKey, appSecret }, timestamp, algorithm).sign;
  return safeEqual(sign, expected);
}

export function parseJdPush(rawBody: string): CarrierEvent[] {
  const { waybillCode, traceDetails } = readPushBody('JD', rawBody, jdPushSchema);
  return routeEvents(
    traceDetails,
    (detail) => jdTraceToEvent(waybillCode, detail),
    (detail) => new InvalidPushError(`JD push: unreadable operationTime "${detail.operationTime}"`),
  );
}

export function jdPushAck(): PushReply {
  return { status: 200, body: { code: JD_CODES.ok, msg: 'success' } };
}

export function jdPushNack(status: 400 | 401, reason: string): PushReply {
  return { status, body: { code: status === 401 ? JD_CODES.badSignature : JD_CODES.invalidParams, msg: reason } };
}

export const jdPush: CarrierPush = {
  carrier: 'jd',
  verify: verifyJdPush,
  parse: parseJdPush,
  ack: jdPushAck,
  nack: jdPushNack,
};
