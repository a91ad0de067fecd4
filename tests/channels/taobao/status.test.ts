import { describe, expect, it } from 'vitest';
import { taobaoStatusOf } from '../../../channels/taobao/status';

const trade = (status: string, refundStatuses: string[] = ['NO_REFUND']) => ({
  tid: '1',
  status,
  orders: { order: refundStatuses.map((refund_status) => ({ refund_status })) },
});

describe('taobaoStatusOf', () => {
  const cases = [
    { status: 'WAIT_BUYER_PAY', expected: 'unpaid' },
    { status: 'TRADE_NO_CREATE_PAY', expected: 'unpaid' },
    { status: 'WAIT_SELLER_SEND_GOODS', expected: 'paid' },
    { status: 'SELLER_CONSIGNED_PART', expected: 'shipped' },
    { status: 'WAIT_BUYER_CONFIRM_GOODS', expected: 'shipped' },
    { status: 'TRADE_BUYER_SIGNED', expected: 'shipped' },
    { status: 'TRADE_FINISHED', expected: 'completed' },
    { status: 'TRADE_CLOSED', expected: 'cancelled' },
    { status: 'TRADE_CLOSED_BY_TAOBAO', expected: 'cancelled' },
    { status: 'WAIT_SELLER_SEND_GOODS', refunds: ['NO_REFUND', 'WAIT_SELLER_AGREE'], expected: 'refund_requested' },
    { status: 'WAIT_BUYER_CONFIRM_GOODS', refunds: ['WAIT_BUYER_RETURN_GOODS'], expected: 'refund_requested' },
    { status: 'TRADE_FINISHED', refunds: ['WAIT_SELLER_CONFIRM_GOODS'], expected: 'refund_requested' },
    { status: 'WAIT_SELLER_SEND_GOODS', refunds: ['CLOSED'], expected: 'paid' },
    { status: 'TRADE_CLOSED', refunds: ['SUCCESS'], expected: 'cancelled' },
  ];
  for (const { status, refunds, expected } of cases) {
    it(`when the trade is ${status}${refunds ? ` with line refunds ${refunds.join('/')}` : ''}, then the status is ${expected}`, () => {
      expect(taobaoStatusOf(trade(status, refunds))).toBe(expected);
    });
  }

  it('when the status is unknown, then it throws rather than guessing', () => {
    expect(() => taobaoStatusOf(trade('SOMETHING_NEW'))).toThrow(/unknown order status/);
  });
});
