/** PDD message-service messages, as forwarded by our relay (see ../relay.ts). */
import { z } from 'zod';
import { asList, parsePushJson } from '../push-body';
import type { PushEvent, PushKind } from '../types';
import { pddContentSchema, pddMessageSchema } from './wire';

/** PDD only reports orders once paid and the group is complete, so there is no "created". */
export const PDD_MESSAGE_KINDS: Readonly<Record<string, PushKind>> = {
  pdd_trade_TradeConfirmed: 'paid',
  pdd_trade_TradeSellerShip: 'shipped',
  pdd_refund_RefundCreated: 'refund_requested',
};

const bodySchema = z.union([pddMessageSchema, z.array(pddMessageSchema)]);

export function parsePddPush(rawBody: string): PushEvent[] {
  return asList(parsePushJson(rawBody, bodySchema, 'PDD relay body')).flatMap((envelope) => {
    const kind = PDD_MESSAGE_KINDS[envelope.message.type];
    if (kind === undefined) return [];
    const content = parsePushJson(envelope.message.content, pddContentSchema, `PDD message ${envelope.id} content`);
    // The push is the only place PDD names the after-sale: order info does not carry its id.
    const refundId = kind === 'refund_requested' && content.refund_id !== undefined ? String(content.refund_id) : undefined;
    return [
      {
        platform: 'pdd' as const,
        messageId: String(envelope.id),
        shopId: String(envelope.message.mallID),
        channelOrderId: String(content.tid),
        kind,
        // sendTime is unix milliseconds.
        occurredAt: new Date(envelope.sendTime).toISOString(),
        ...(refundId !== undefined ? { refundId } : {}),
      },
    ];
  });
}
