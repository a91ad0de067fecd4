/**
 * TOP (Taobao Open Platform) request signing: drop `sign` and empty values, sort the rest by name,
 * concatenate name+value, then
 *   md5:         HEX_UPPER(MD5(secret + s + secret))
 *   hmac:        HEX_UPPER(HMAC-MD5(secret, s))
 *   hmac-sha256: HEX_UPPER(HMAC-SHA256(secret, s))
 */
import { hmacHex, md5Hex } from '../signing';

export const TOP_SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type TopSignMethod = (typeof TOP_SIGN_METHODS)[number];

export function topSignString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== '')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
}

export function topSign(params: Readonly<Record<string, string>>, secret: string, method: TopSignMethod): string {
  const text = topSignString(params);
  switch (method) {
    case 'md5':
      return md5Hex(`${secret}${text}${secret}`).toUpperCase();
    case 'hmac':
      return hmacHex('md5', secret, text).toUpperCase();
    case 'hmac-sha256':
      return hmacHex('sha256', secret, text).toUpperCase();
  }
}
