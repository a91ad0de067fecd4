/**
 * JD Logistics (京东物流 LOP gateway, ECAP domain) wire format, shared by the real client and the simulator.
 * See docs/carriers.md for what is confirmed and what is our own definition.
 */
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { chinaTimeToIso } from './china-time';
import type { CarrierEvent, CarrierEventKind } from './types';

export const JD_PRODUCTION_URL = 'https://api.jdl.com';
export const JD_UAT_URL = 'https://uat-api.jdl.com';

export const JD_PATHS = {
  create: '/ecap/v1/orders/create',
  cancel: '/ecap/v1/orders/cancel',
  trace: '/ecap/v1/orders/trace/query',
} as const;

/** The LOP gateway routes on this "domain name" query parameter. */
export const JD_DOMAIN = 'ECAP';
export const JD_API_VERSION = '2.0';

/** orderOrigin: who ships to whom. Returns are "c2b": JD picks up at the consumer for the business. */
export const JD_ORDER_ORIGIN = { c2c: 0, b2c: 1, c2b: 2 } as const;

/**
 * Codes our simulator answers with; JD's real gateway codes for these cases are unconfirmed, so the client
 * treats any non-zero code as a failure and only these as "known".
 */
export const JD_CODES = {
  ok: 0,
  missingParameter: 1000,
  unknownApp: 1001,
  badSignature: 1004,
  invalidParams: 2001,
  notCancellable: 2002,
  duplicateConflict: 2003,
} as const;

// ---------------------------------------------------------------------------------------------- signing

export const JD_SIGN_ALGORITHMS = ['md5-salt', 'HMacMD5', 'HMacSHA1', 'HMacSHA256', 'HMacSHA512'] as const;
export type JdSignAlgorithm = (typeof JD_SIGN_ALGORITHMS)[number];

export interface JdSignInput {
  appSecret: string;
  accessToken: string;
  appKey: string;
  /** The API path, e.g. "/ecap/v1/orders/create". */
  method: string;
  /** The exact request body (a JSON array). */
  paramJson: string;
  /** "yyyy-MM-dd HH:mm:ss", Beijing time. */
  timestamp: string;
  v?: string;
}

/** secret + "access_token"… + "app_key"… + "method"… + "param_json"… + "timestamp"… + "v"… + secret: keys in alphabetical order. */
export function jdSignContent(i: JdSignInput): string {
  return [
    i.appSecret,
    'access_token', i.accessToken,
    'app_key', i.appKey,
    'method', i.method,
    'param_json', i.paramJson,
    'timestamp', i.timestamp,
    'v', i.v ?? JD_API_VERSION,
    i.appSecret,
  ].join('');
}

/** md5-salt → lowercase hex MD5 of the content; HMAC variants → base64 HMAC keyed with the secret (unconfirmed). */
export function jdSign(input: JdSignInput, algorithm: JdSignAlgorithm = 'md5-salt'): string {
  const content = jdSignContent(input);
  if (algorithm === 'md5-salt') return createHash('md5').update(content, 'utf8').digest('hex');
  const digest = algorithm.slice('HMac'.length).toLowerCase(); // HMacSHA256 → sha256
  return createHmac(digest, input.appSecret).update(content, 'utf8').digest('base64');
}

export function isJdSignAlgorithm(value: string): value is JdSignAlgorithm {
  return (JD_SIGN_ALGORITHMS as readonly string[]).includes(value);
}

/** The query string of every ECAP call; the body carries the business parameters. */
export function jdRequestQuery(input: JdSignInput, algorithm: JdSignAlgorithm = 'md5-salt'): URLSearchParams {
  return new URLSearchParams({
    'LOP-DN': JD_DOMAIN,
    app_key: input.appKey,
    access_token: input.accessToken,
    timestamp: input.timestamp,
    v: input.v ?? JD_API_VERSION,
    sign: jdSign(input, algorithm),
    algorithm,
  });
}

// --------------------------------------------------------------------------------------------- envelope

export const jdEnvelopeSchema = z.object({
  // Seen as both 0 and "0" across JD's APIs.
  code: z.union([z.number(), z.string()]).transform((c) => String(c)),
  msg: z.string().nullish(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});

export const jdCreateDataSchema = z.object({ waybillCode: z.string().min(1) });

/** Trace entry as we define it (JD's inner field names are unconfirmed). */
export const jdTraceDetailSchema = z.object({
  operationTime: z.string(),
  operationTitle: z.string().nullish(),
  operationRemark: z.string().nullish(),
  category: z.string().nullish(),
});
export type JdTraceDetail = z.input<typeof jdTraceDetailSchema>;

export const jdTraceDataSchema = z.object({
  waybillCode: z.string().nullish(),
  traceDetails: z.array(jdTraceDetailSchema).nullish(),
});

// ------------------------------------------------------------------------------------------------ routes

/** Our category codes (what the simulator sends). */
export const JD_CATEGORY_KINDS: Readonly<Record<string, CarrierEventKind>> = {
  ORDERED: 'created',
  COLLECTED: 'picked_up',
  IN_TRANSIT: 'in_transit',
  DELIVERING: 'out_for_delivery',
  SIGNED: 'delivered',
  EXCEPTION: 'exception',
};

export const JD_KIND_CATEGORIES: Readonly<Record<CarrierEventKind, string>> = {
  created: 'ORDERED',
  picked_up: 'COLLECTED',
  in_transit: 'IN_TRANSIT',
  out_for_delivery: 'DELIVERING',
  delivered: 'SIGNED',
  exception: 'EXCEPTION',
};

/**
 * Real JD titles are Chinese phrases; when the category is missing or unknown we read the title. Order
 * matters: "拒收" (refused) and "派送失败" must win over "签收"/"派送", "已签收" over "派送", and
 * "请等待快递员上门揽件" (order placed) over "揽件".
 */
const TITLE_KEYWORDS: ReadonlyArray<[RegExp, CarrierEventKind]> = [
  [/拒收|异常|失败|退回|滞留/, 'exception'],
  [/签收|妥投/, 'delivered'],
  [/派送|派件|配送员/, 'out_for_delivery'],
  [/下单|提交了订单|等待.{0,8}揽/, 'created'],
  [/揽收|揽件|已收件/, 'picked_up'],
];

export function jdKindOf(category: string | null | undefined, title: string | null | undefined): CarrierEventKind {
  const byCategory = category ? JD_CATEGORY_KINDS[category] : undefined;
  if (byCategory) return byCategory;
  const match = TITLE_KEYWORDS.find(([pattern]) => pattern.test(title ?? ''));
  return match ? match[1] : 'in_transit';
}

export function jdTraceToEvent(waybillNo: string, d: z.output<typeof jdTraceDetailSchema>): CarrierEvent | undefined {
  const at = chinaTimeToIso(d.operationTime);
  if (at === undefined) return undefined;
  const rawCode = d.category || d.operationTitle || '';
  return {
    carrier: 'jd',
    waybillNo,
    // Built from fields both the push and the trace query carry, so the two paths dedup.
    eventId: `jd:${waybillNo}:${rawCode}:${d.operationTime}`,
    kind: jdKindOf(d.category, d.operationTitle),
    at,
    remark: [d.operationTitle, d.operationRemark].filter(Boolean).join(' '),
    rawCode,
  };
}

// -------------------------------------------------------------------------------------------------- push

/** Our relay body: one waybill's new trace entries, the same shape as the trace query's `data`. */
export const jdPushSchema = z.object({
  waybillCode: z.string().min(1),
  traceDetails: z.array(jdTraceDetailSchema),
});
export type JdPushBody = z.input<typeof jdPushSchema>;

/** The `method` a push is signed for; a request signature for a real API path can never pass as a push. */
export const JD_PUSH_METHOD = 'oms.carrier.trace.push';

/**
 * Our relay convention: headers (or query parameters) `app_key`, `timestamp`, `algorithm` (optional,
 * default md5-salt) and `sign = jdSign({ access_token: "", method: JD_PUSH_METHOD, param_json: rawBody, … })`.
 */
export interface JdPushSignature {
  app_key: string;
  timestamp: string;
  algorithm: JdSignAlgorithm;
  sign: string;
}

export function jdSignPush(
  rawBody: string,
  creds: { appKey: string; appSecret: string },
  timestamp: string,
  algorithm: JdSignAlgorithm = 'md5-salt',
): JdPushSignature {
  const sign = jdSign(
    { appSecret: creds.appSecret, accessToken: '', appKey: creds.appKey, method: JD_PUSH_METHOD, paramJson: rawBody, timestamp },
    algorithm,
  );
  return { app_key: creds.appKey, timestamp, algorithm, sign };
}
