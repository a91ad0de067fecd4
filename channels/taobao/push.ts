/** TMC messages, as forwarded by our relay (see ../relay.ts). */
import { z } from 'zod';
import { parseBeijing } from '../beijing-time';
import { InvalidPushError } from '../errors';
import { asList, parsePushJson } from '../push-body';
import type { Platform, PushEvent, PushKind } from '../types';
import { tmcContentSchema, tmcMessageSchema } from './wire';

/** The TMC topics we act on; others (item changes, logistics…) are acknowledged and ignored. */
export const TMC_TOPIC_KINDS: Readonly<Record<string, PushKind>> = {
  taobao_trade_TradeCreate: 'created',
  taobao_trade_TradeBuyerPay: 'paid',
  taobao_trade_TradeClose: 'cancelled',
  taobao_trade_TradeSellerShip: 'shipped',
  taobao_trade_TradeSuccess: 'completed',
  taobao_refund_RefundCreated: 'refund_requested',
  taobao_refund_RefundSuccess: 'refunded',
};

const bodySchema = z.union([tmcMessageSchema, z.array(tmcMessageSchema)]);

export function parseTmcPush(platform: Platform, rawBody: string): PushEvent[] {
  return asList(parsePushJson(rawBody, bodySchema, 'TMC relay body')).flatMap((message) => {
    const kind = TMC_TOPIC_KINDS[message.topic];
    if (kind === undefined) return [];
    const content = parsePushJson(message.content, tmcContentSchema, `TMC message ${message.id} content`);
    // Only refund topics name a refund; a trade message's content has no refund_id to read.
    const refundId = message.topic.startsWith('taobao_refund_') && content.refund_id !== undefined ? String(content.refund_id) : undefined;
    const publishedAt = parseBeijing(message.pub_time);
    if (Number.isNaN(publishedAt.getTime())) throw new InvalidPushError(`TMC message ${message.id}: bad pub_time`);
    return [
      {
        platform,
        messageId: String(message.id),
        ...(message.user_id !== undefined ? { shopId: String(message.user_id) } : {}),
        channelOrderId: String(content.tid),
        kind,
        occurredAt: publishedAt.toISOString(),
        ...(refundId !== undefined ? { refundId } : {}),
      },
    ];
  });
}
