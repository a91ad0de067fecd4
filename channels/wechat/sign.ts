/**
 * WeChat message push (plain-text mode): signature = hex(SHA1(sorted([token, timestamp, nonce]).join(""))),
 * sent as query parameters. It proves the sender knows the token; it does not cover the body.
 */
import { sha1Hex } from '../signing';

export function wechatPushSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Hex([token, timestamp, nonce].sort().join(''));
}
