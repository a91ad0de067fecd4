/** WeChat Channels shop event pushes (JSON mode), signed with the push token in the query string. */
import { parsePushJson } from '../push-body';
import { sameHex, staleReason } from '../signing';
import type { PushAck, PushEvent, PushKind, PushRequest, PushVerdict, StoreCredentials } from '../types';
import { wechatPushSignature } from './sign';
import { wechatPushSchema } from './wire';

/** The events we act on; an after-sale update can be any after-sale change, so read the order's status after fetching it. */
export const WECHAT_EVENT_KINDS: Readonly<Record<string, PushKind>> = {
  channels_ec_order_new: 'created',
  channels_ec_order_pay: 'paid',
  channels_ec_order_cancel: 'cancelled',
  channels_ec_order_deliver: 'shipped',
  channels_ec_order_confirm: 'completed',
  channels_ec_aftersale_update: 'refund_requested',
};

export function verifyWechatPush(req: PushRequest, store: StoreCredentials, now: Date): PushVerdict {
  if (!store.pushToken) return { ok: false, reason: 'store has no push token configured' };
  const { signature, timestamp = '', nonce = '' } = req.query;
  if (!sameHex(signature, wechatPushSignature(store.pushToken, timestamp, nonce))) return { ok: false, reason: 'forged signature' };
  const stale = staleReason(timestamp, now);
  return stale ? { ok: false, reason: stale } : { ok: true };
}

export function parseWechatPush(rawBody: string): PushEvent[] {
  const push = parsePushJson(rawBody, wechatPushSchema, 'WeChat push body');
  const kind = push.Event === undefined ? undefined : WECHAT_EVENT_KINDS[push.Event];
  const afterSale = push.finder_shop_aftersale_status_update;
  const orderId = push.order_info?.order_id ?? afterSale?.order_id;
  if (push.MsgType !== 'event' || kind === undefined || orderId === undefined) return [];
  return [
    {
      platform: 'wechat',
      // WeChat events carry no message id; sender + creation time + event + order is what WeChat suggests de-duplicating on.
      messageId: `${push.FromUserName}:${push.CreateTime}:${push.Event}:${orderId}`,
      shopId: push.ToUserName,
      channelOrderId: String(orderId),
      kind,
      occurredAt: new Date(push.CreateTime * 1000).toISOString(),
      ...(afterSale?.after_sale_order_id !== undefined ? { refundId: String(afterSale.after_sale_order_id) } : {}),
    },
  ];
}

export const WECHAT_ACK: PushAck = { status: 200, contentType: 'text/plain', body: 'success' };
