import { describe, expect, it } from 'vitest';
import { adapterFor, InvalidPushError } from '../../../channels';

const message = (type: string) =>
  `{"id":7123456789012345678,"commandType":"Common","sendTime":1714566963000,"message":{"type":"${type}","mallID":100000001,"content":"{\\"mall_id\\":100000001,\\"tid\\":\\"240501-512345678901234\\"}"}}`;

describe('PDD push parsing', () => {
  const pdd = adapterFor('pdd');

  it('when a PDD message arrives, then it becomes one event naming the mall and the order', () => {
    expect(pdd.parsePush(message('pdd_trade_TradeConfirmed'))).toEqual([
      {
        platform: 'pdd',
        messageId: '7123456789012345678',
        shopId: '100000001',
        channelOrderId: '240501-512345678901234',
        kind: 'paid',
        occurredAt: '2024-05-01T12:36:03.000Z',
      },
    ]);
  });

  const types = [
    ['pdd_trade_TradeConfirmed', 'paid'],
    ['pdd_trade_TradeSellerShip', 'shipped'],
    ['pdd_refund_RefundCreated', 'refund_requested'],
  ] as const;
  for (const [type, kind] of types) {
    it(`when the type is ${type}, then the event kind is ${kind}`, () => {
      expect(pdd.parsePush(message(type))[0]?.kind).toBe(kind);
    });
  }

  it('when a refund message arrives, then the event carries the after-sale id from the content', () => {
    const body = message('pdd_refund_RefundCreated').replace('\\"tid\\"', '\\"refund_id\\":123456789012,\\"tid\\"');
    expect(pdd.parsePush(body)).toEqual([expect.objectContaining({ channelOrderId: '240501-512345678901234', kind: 'refund_requested', refundId: '123456789012' })]);
  });

  it('when a trade message arrives, then the event has no refund id', () => {
    expect(pdd.parsePush(message('pdd_trade_TradeConfirmed'))[0]).not.toHaveProperty('refundId');
  });

  it('when the type is one we do not track, then no event comes out', () => {
    expect(pdd.parsePush(message('pdd_chat_Message'))).toEqual([]);
  });

  it('when the content is not JSON, then parsing throws InvalidPushError', () => {
    expect(() => pdd.parsePush(message('pdd_trade_TradeConfirmed').replace('{\\"mall_id', '{mall_id'))).toThrow(InvalidPushError);
  });

  it('when acknowledging, then the relay gets a 200 JSON success', () => {
    expect(pdd.pushAck()).toEqual({ status: 200, contentType: 'application/json', body: '{"success":true}' });
  });
});
