/**
 * The 1688 open-platform wire format for `alibaba.trade.fastCreateOrder`, shared by the client and the
 * simulator so both speak exactly the same dialect.
 *
 * Signature (1688 "API签名规则"): urlPath is the part of the URL after `/openapi/` up to `?`; every
 * request parameter except `_aop_signature` contributes the string key+value; those strings are sorted
 * and concatenated after urlPath; the result is HMAC-SHA1'd with the app secret, hex, upper case.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';

export const ALIBABA_1688_BASE_URL = 'https://gw.open.1688.com';

export const FAST_CREATE_ORDER_API = 'param2/1/com.alibaba.trade/alibaba.trade.fastCreateOrder';

/** urlPath for signing: `param2/1/com.alibaba.trade/alibaba.trade.fastCreateOrder/{appKey}`. */
export function fastCreateOrderPath(appKey: string): string {
  return `${FAST_CREATE_ORDER_API}/${appKey}`;
}

/**
 * `_aop_signature` for a request. `params` are the wire values (objects already JSON-stringified), without
 * `_aop_signature` itself.
 */
export function sign1688(urlPath: string, params: Readonly<Record<string, string>>, appSecret: string): string {
  // Sorting the joined key+value strings (not the keys) is what the platform documents; it only differs
  // from key order when one key is a prefix of another.
  const factors = Object.entries(params)
    .map(([key, value]) => key + value)
    .sort();
  return createHmac('sha1', appSecret)
    .update(urlPath + factors.join(''), 'utf8')
    .digest('hex')
    .toUpperCase();
}

export const addressParamSchema = z.object({
  fullName: z.string().min(1),
  mobile: z.string().min(1),
  phone: z.string().optional(),
  postCode: z.string().optional(),
  provinceText: z.string().min(1),
  cityText: z.string().min(1),
  areaText: z.string().optional(),
  townText: z.string().optional(),
  address: z.string().min(1),
});
export type AddressParam = z.infer<typeof addressParamSchema>;

export const cargoParamSchema = z.object({
  offerId: z.union([z.string().min(1), z.number().int().positive()]).transform(String),
  specId: z.string().min(1).optional(),
  quantity: z.number().positive(),
});
export type CargoParam = z.input<typeof cargoParamSchema>;

export const failedOfferSchema = z.object({
  offerId: z.union([z.string(), z.number()]).transform(String),
  specId: z.string().nullish(),
  errorCode: z.string().nullish(),
  errorMessage: z.string().nullish(),
});

/** The business answer. Amounts are fen. */
export const fastCreateOrderResponseSchema = z.object({
  success: z.boolean(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  result: z
    .object({
      orderId: z.string().min(1).nullish(),
      totalSuccessAmount: z.number().int().nonnegative().nullish(),
      postFee: z.number().int().nonnegative().nullish(),
      failedOfferList: z.array(failedOfferSchema).nullish(),
    })
    .nullish(),
});
export type FastCreateOrderResponse = z.input<typeof fastCreateOrderResponseSchema>;

/** What the gateway answers when it rejects a call before the API sees it (signature, token, rate limit). */
export const gatewayErrorSchema = z.object({
  error_code: z.string(),
  error_message: z.string().nullish(),
  request_id: z.string().nullish(),
});

/**
 * 1688 order ids are 19-digit numbers, beyond 2^53. Should one arrive as a bare JSON number, quote it
 * before JSON.parse rounds it into a different order.
 */
export function quoteLongOrderIds(json: string): string {
  return json.replace(/("orderId"\s*:\s*)(\d{16,})/g, '$1"$2"');
}
