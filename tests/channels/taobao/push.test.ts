import { describe, expect, it } from 'vitest';
import { adapterFor, InvalidPushError } from '../../../channels';

const content = (tid: string) =>
  JSON.stringify(`{"buyer_nick":"王**","payment":"200.07","oid":3912845670123456790,"tid":${tid},"type":"fixed","seller_nick":"某某旗舰店","status":"WAIT_SELLER_SEND_GOODS"}`);
const message = (topic: string, id = '2148530022107519385') =>
  `{"id":${id},"topic":"${topic}","pub_time":"2024-05-01 12:31:06","pub_app_key":"12345678","user_id":2200000000001,"user_nick":"某某旗舰店","content":${content('3912845670123456789')}}`;

describe('Taobao TMC push parsing', () => {
  const taobao = adapterFor('taobao');

  it('when a TMC message arrives, then it becomes one event with exact 19-digit ids and the publish time in UTC', () => {
    expect(taobao.parsePush(message('taobao_trade_TradeBuyerPay'))).toEqual([
      {
        platform: 'taobao',
        messageId: '2148530022107519385',
        shopId: '2200000000001',
        channelOrderId: '3912845670123456789',
        kind: 'paid',
        occurredAt: '2024-05-01T04:31:06.000Z',
      },
    ]);
  });

  const topics = [
    ['taobao_trade_TradeCreate', 'created'],
    ['taobao_trade_TradeBuyerPay', 'paid'],
    ['taobao_trade_TradeClose', 'cancelled'],
    ['taobao_trade_TradeSellerShip', 'shipped'],
    ['taobao_trade_TradeSuccess', 'completed'],
    ['taobao_refund_RefundCreated', 'refund_requested'],
    ['taobao_refund_RefundSuccess', 'refunded'],
  ] as const;
  for (const [topic, kind] of topics) {
    it(`when the topic is ${topic}, then the event kind is ${kind}`, () => {
      expect(taobao.parsePush(message(topic))[0]?.kind).toBe(kind);
    });
  }

  const refundContent = JSON.stringify(
    '{"buyer_nick":"王**","oid":3912845670123456790,"refund_fee":"180.08","refund_id":2900012345678901234,"refund_phase":"onsale","refund_version":1714566665000,"tid":3912845670123456789}',
  );
  const refundMessage = (topic: string) =>
    `{"id":2148530022107519386,"topic":"${topic}","pub_time":"2024-05-01 12:31:06","user_id":2200000000001,"content":${refundContent}}`;

  it('when a refund message arrives, then the event carries the exact 19-digit refund id next to the trade id', () => {
    expect(taobao.parsePush(refundMessage('taobao_refund_RefundCreated'))).toEqual([
      expect.objectContaining({ channelOrderId: '3912845670123456789', kind: 'refund_requested', refundId: '2900012345678901234' }),
    ]);
    expect(taobao.parsePush(refundMessage('taobao_refund_RefundSuccess'))[0]?.refundId).toBe('2900012345678901234');
  });

  it('when a trade message arrives, then the event has no refund id', () => {
    expect(taobao.parsePush(message('taobao_trade_TradeBuyerPay'))[0]).not.toHaveProperty('refundId');
  });

  it('when the topic is one we do not track, then no event comes out', () => {
    expect(taobao.parsePush(message('taobao_item_ItemUpdate'))).toEqual([]);
  });

  it('when the relay batches messages in an array, then each becomes an event', () => {
    const body = `[${message('taobao_trade_TradeCreate', '1')},${message('taobao_trade_TradeBuyerPay', '2')}]`;
    expect(taobao.parsePush(body).map((e) => [e.messageId, e.kind])).toEqual([
      ['1', 'created'],
      ['2', 'paid'],
    ]);
  });

  it('when the store is Tmall, then events carry the tmall platform', () => {
    expect(adapterFor('tmall').parsePush(message('taobao_trade_TradeBuyerPay'))[0]?.platform).toBe('tmall');
  });

  const malformed = [
    { when: 'the body is not JSON', body: 'not json' },
    { when: 'the content has no tid', body: message('taobao_trade_TradeBuyerPay').replace('\\"tid\\":3912845670123456789,', '') },
    { when: 'the publish time is not Beijing time', body: message('taobao_trade_TradeBuyerPay').replace('2024-05-01 12:31:06', 'yesterday') },
  ];
  for (const { when, body } of malformed) {
    it(`when ${when}, then parsing throws InvalidPushError`, () => {
      expect(() => taobao.parsePush(body)).toThrow(InvalidPushError);
    });
  }
});
