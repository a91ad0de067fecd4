import { describe, expect, it } from 'vitest';
import { douyinStatusOf } from '../../../channels/douyin/status';

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
