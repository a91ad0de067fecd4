/**
 * SF Express (丰桥 / SF Open Platform) wire format, shared by the real client and the simulator so both
 * sides sign, encode and map codes identically. See docs/carriers.md for what is confirmed and what is not.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { chinaTimeToIso } from './china-time';
import type { CarrierEvent, CarrierEventKind } from './types';

export const SF_PRODUCTION_URL = 'https://sfapi.sf-express.com';
export const SF_SANDBOX_URL = 'https://sfapi-sbox.sf-express.com';
export const SF_SERVICE_PATH = '/std/service';

export const SF_SERVICES = {
  createOrder: 'EXP_RECE_CREATE_ORDER',
  createReverseOrder: 'EXP_RECE_CREATE_REVERSE_ORDER',
  searchOrder: 'EXP_RECE_SEARCH_ORDER_RESP',
  updateOrder: 'EXP_RECE_UPDATE_ORDER',
  searchRoutes: 'EXP_RECE_SEARCH_ROUTES',
} as const;

/** Gateway-level result codes (apiResultCode). Only A1000 is certain; the rest follow public SDK docs. */
export const SF_API_CODES = {
  ok: 'A1000',
  missingParameter: 'A1001',
  expired: 'A1002',
  noServicePermission: 'A1004',
  throttled: 'A1005',
  badDigest: 'A1006',
  backendUnavailable: 'A1009',
  systemError: 'A1099',
} as const;

/** Gateway codes worth retrying: overload and back-end trouble, not credentials or data. */
export const SF_RETRYABLE_API_CODES: ReadonlySet<string> = new Set([
  SF_API_CODES.throttled,
  SF_API_CODES.backendUnavailable,
  SF_API_CODES.systemError,
]);

/** Business errorCode for "this orderId already has an order" (8016 per public SDKs; unconfirmed). */
export const SF_DUPLICATE_ORDER = '8016';

// ---------------------------------------------------------------------------------------------- signing

/**
 * Python's `quote_plus`: everything but letters, digits and `_.-~` is percent-encoded as UTF-8, space
 * becomes `+`. The official demos URL-encode before hashing; many community ports forget to.
 */
export function sfUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** msgDigest = base64(md5(urlencode(msgData + timestamp + checkword))). */
export function sfMsgDigest(msgData: string, timestamp: string, checkword: string): string {
  return createHash('md5').update(sfUrlEncode(msgData + timestamp + checkword), 'utf8').digest('base64');
}

/**
 * JSON for msgData. The Python demo (quote_plus) and the Java demo (URLEncoder) disagree only on `*` and
 * `~`; those can only occur inside JSON strings, where `\u002a` / `\u007e` mean the same thing, so escaping
 * them makes our digest valid whichever encoder SF's gateway really uses.
 */
export function sfJson(value: unknown): string {
  return JSON.stringify(value).replace(/\*/g, '\\u002a').replace(/~/g, '\\u007e');
}

export interface SfRequestFields {
  partnerId: string;
  checkword: string;
  serviceCode: string;
  msgData: string;
  requestId: string;
  /** Unix epoch milliseconds, as the official Java demo sends (System.currentTimeMillis()). */
  timestamp: string;
}

/** The form body of `POST /std/service`. */
export function sfRequestForm(f: SfRequestFields): URLSearchParams {
  return new URLSearchParams({
    partnerID: f.partnerId,
    requestID: f.requestId,
    serviceCode: f.serviceCode,
    timestamp: f.timestamp,
    msgData: f.msgData,
    msgDigest: sfMsgDigest(f.msgData, f.timestamp, f.checkword),
  });
}

// --------------------------------------------------------------------------------------------- envelope

export const sfEnvelopeSchema = z.object({
  apiResultCode: z.string(),
  apiErrorMsg: z.string().nullish(),
  apiResponseID: z.string().nullish(),
  /** A JSON document inside a string. */
  apiResultData: z.string().nullish(),
});
export type SfEnvelope = z.infer<typeof sfEnvelopeSchema>;

export const sfResultSchema = z.object({
  success: z.boolean(),
  errorCode: z.string().nullish(),
  errorMsg: z.string().nullish(),
  msgData: z.unknown().optional(),
});
export type SfResult = z.infer<typeof sfResultSchema>;

export const sfWaybillListSchema = z.object({
  waybillNoInfoList: z.array(z.object({ waybillType: z.coerce.number().optional(), waybillNo: z.string().min(1) })).min(1),
});

/** waybillType 1 is the master waybill; 2 (child parcels) and 3 (signed-return slip) are not what we track. */
export function sfMasterWaybill(list: z.infer<typeof sfWaybillListSchema>['waybillNoInfoList']): string {
  return (list.find((w) => w.waybillType === 1) ?? list[0]!).waybillNo;
}

// ------------------------------------------------------------------------------------------------ routes

const opCode = z.union([z.string(), z.number()]).transform(String);

export const sfRouteSchema = z.object({
  acceptTime: z.string(),
  acceptAddress: z.string().nullish(),
  remark: z.string().nullish(),
  opCode,
});
export type SfRoute = z.input<typeof sfRouteSchema>;

export const sfRouteRespsSchema = z.object({
  routeResps: z.array(z.object({ mailNo: z.string(), routes: z.array(sfRouteSchema).nullish() })).default([]),
});

/**
 * opCode → kind. Only 50 (picked up) and 80 (signed for) are confirmed; the rest follow community SDK
 * tables. Unknown codes count as in-transit: a scan proves movement, and guessing "delivered" would close
 * an order too early.
 */
export const SF_OPCODE_KINDS: Readonly<Record<string, CarrierEventKind>> = {
  '50': 'picked_up',
  '30': 'in_transit',
  '31': 'in_transit',
  '36': 'in_transit',
  '44': 'out_for_delivery',
  '204': 'out_for_delivery',
  '80': 'delivered',
  '8000': 'delivered',
  '33': 'exception',
  '70': 'exception',
};

/** The code the simulator writes for each kind; SF has no route code for "order created". */
export const SF_KIND_OPCODES: Readonly<Partial<Record<CarrierEventKind, string>>> = {
  picked_up: '50',
  in_transit: '30',
  out_for_delivery: '44',
  delivered: '80',
  exception: '70',
};

export function sfKindOf(code: string): CarrierEventKind {
  return SF_OPCODE_KINDS[code] ?? 'in_transit';
}

/**
 * One SF route → CarrierEvent. The id is built from what push and query both carry (the push's own `id`
 * is absent from query results), so the two paths dedup against each other.
 */
export function sfRouteToEvent(waybillNo: string, route: z.output<typeof sfRouteSchema>): CarrierEvent | undefined {
  const at = chinaTimeToIso(route.acceptTime);
  if (at === undefined) return undefined;
  return {
    carrier: 'sf',
    waybillNo,
    eventId: `sf:${waybillNo}:${route.opCode}:${route.acceptTime}`,
    kind: sfKindOf(route.opCode),
    at,
    remark: route.remark ?? '',
    rawCode: route.opCode,
  };
}

// -------------------------------------------------------------------------------------------------- push

/** SF's route push body (路由推送). */
export const sfPushSchema = z.object({
  Body: z.object({
    WaybillRoute: z.array(
      sfRouteSchema.extend({
        id: z.union([z.string(), z.number()]).nullish(),
        mailno: z.string().min(1),
        orderid: z.string().nullish(),
      }),
    ),
  }),
});
export type SfPushBody = z.input<typeof sfPushSchema>;

/**
 * Our relay convention (SF's own push authentication is unconfirmed): the pusher sends headers (or query
 * parameters) `timestamp` and `msgDigest = sfMsgDigest(rawBody, timestamp, checkword)`.
 */
export const SF_PUSH_DIGEST_PARAM = 'msgDigest';
export const SF_PUSH_TIMESTAMP_PARAM = 'timestamp';

export function sfSignPush(rawBody: string, checkword: string, timestamp: string): Record<string, string> {
  return {
    [SF_PUSH_TIMESTAMP_PARAM]: timestamp,
    [SF_PUSH_DIGEST_PARAM]: sfMsgDigest(rawBody, timestamp, checkword),
  };
}
