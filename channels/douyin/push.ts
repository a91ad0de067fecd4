/** Douyin webhook pushes: a JSON array of { tag, msg_id, data }, signed in the event-sign header. */
import { z } from 'zod';
import { InvalidPushError } from '../errors';
import { parsePushJson } from '../push-body';
import { sameHex } from '../signing';
import { headerOf, type PushAck, type PushEvent, type PushKind, type PushRequest, type PushVerdict, type StoreCredentials } from '../types';
import { douyinEventSign } from './sign';
import { douyinMessageData, douyinMessageSchema } from './wire';

/** The tags we act on, and which field of `data` says when it happened (unix seconds). Others are ignored. */
export const DOUYIN_TAGS: Readonly<Record<string, { kind: PushKind; timeField: string }>> = {
  '100': { kind: 'created', timeField: 'create_time' },
  '101': { kind: 'paid', timeField: 'pay_time' },
  '102': { kind: 'shipped', timeField: 'update_time' },
  '103': { kind: 'completed', timeField: 'complete_time' },
  '106': { kind: 'cancelled', timeField: 'cancel_time' },
  '200': { kind: 'refund_requested', timeField: 'apply_time' },
  '206': { kind: 'refunded', timeField: 'update_time' },
};

/**
 * Douyin signs the body with the app secret but sends no timestamp, so freshness cannot be checked here;
 * redeliveries (which Douyin makes for hours after a failure) are absorbed by de-duplicating on msg_id.
 */
export function verifyDouyinPush(req: PushRequest, store: StoreCredentials): PushVerdict {
  if (headerOf(req, 'app-id') !== store.appKey) return { ok: false, reason: 'app-id does not match the store' };
  return sameHex(headerOf(req, 'event-sign'), douyinEventSign(store.appKey, req.rawBody, store.appSecret))
    ? { ok: true }
    : { ok: false, reason: 'forged signature' };
}

const douyinPushBody = z.array(douyinMessageSchema);

export function parseDouyinPush(rawBody: string): PushEvent[] {
  return parsePushJson(rawBody, douyinPushBody, 'Douyin push body').flatMap((message) => {
    const tag = DOUYIN_TAGS[message.tag];
    if (tag === undefined) return [];
    const data = parsePushJson(message.data, douyinMessageData, `Douyin message ${message.msg_id} data`);
    const seconds = data[tag.timeField];
    if (typeof seconds !== 'number') throw new InvalidPushError(`Douyin message ${message.msg_id}: no ${tag.timeField}`);
    return [
      {
        platform: 'douyin' as const,
        messageId: message.msg_id,
        ...(data.shop_id !== undefined ? { shopId: String(data.shop_id) } : {}),
        channelOrderId: String(data.p_id),
        kind: tag.kind,
        occurredAt: new Date(seconds * 1000).toISOString(),
        ...(data.aftersale_id !== undefined ? { refundId: String(data.aftersale_id) } : {}),
      },
    ];
  });
}

export const DOUYIN_ACK: PushAck = { status: 200, contentType: 'application/json', body: '{"code":0,"msg":"success"}' };
