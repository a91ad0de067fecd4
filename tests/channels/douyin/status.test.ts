import { describe, expect, it } from 'vitest';
import { douyinRefundIdOf, douyinStatusOf } from '../../../channels/douyin/status';

describe('douyinStatusOf', () => {
  const cases = [
    { orderStatus: 1, expected: 'unpaid' },
    { orderStatus: 105, expected: 'paid' },
    { orderStatus: 2, expected: 'paid' },
    { orderStatus: 101, expected: 'shipped' },
    { orderStatus: 3, expected: 'shipped' },
    { orderStatus: 4, expected: 'cancelled' },
    { orderStatus: 5, expected: 'completed' },
    { orderStatus: 2, refundStatus: 1, expected: 'refund_requested' },
    { orderStatus: 3, refundStatus: 2, expected: 'refund_requested' },
    { orderStatus: 4, refundStatus: 1, expected: 'cancelled' },
    { orderStatus: 5, refundStatus: 3, expected: 'completed' },
  ];
  for (const { orderStatus, refundStatus, expected } of cases) {
    it(`when order_status is ${orderStatus}${refundStatus ? ` and a line's refund_status ${refundStatus}` : ''}, then the status is ${expected}`, () => {
      const skuOrders = [{ after_sale_info: { refund_status: 0 } }, { after_sale_info: { refund_status: refundStatus ?? 0 } }];
      expect(douyinStatusOf({ order_id: '1', order_status: orderStatus, sku_order_list: skuOrders })).toBe(expected);
    });
  }
});

describe('douyinRefundIdOf', () => {
  const order = (...infos: object[]) => ({ order_id: '1', order_status: 3, sku_order_list: infos.map((after_sale_info) => ({ after_sale_info })) });
  const cases = [
    { when: 'a line has an open refund', raw: order({ refund_status: 0 }, { refund_status: 1, after_sale_id: '7351234567890123459' }), expected: '7351234567890123459' },
    { when: 'the refund is in progress and the id arrived as a safe number', raw: order({ refund_status: 2, after_sale_id: 735123 }), expected: '735123' },
    { when: 'the only after-sale was refunded already', raw: order({ refund_status: 3, after_sale_id: '7351234567890123459' }), expected: undefined },
    { when: 'no line has an after-sale', raw: order({ after_sale_status: 0, refund_status: 0 }), expected: undefined },
  ];
  for (const { when, raw, expected } of cases) {
    it(`when ${when}, then the refund id is ${String(expected)}`, () => {
      expect(douyinRefundIdOf(raw)).toBe(expected);
    });
  }

  it('when a line was refunded, then the order no longer shows an open refund', () => {
    expect(douyinStatusOf(order({ after_sale_status: 12, refund_status: 3, after_sale_id: '1' }))).toBe('shipped');
  });
});
