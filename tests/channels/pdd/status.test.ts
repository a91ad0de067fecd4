import { describe, expect, it } from 'vitest';
import { pddStatusOf } from '../../../channels/pdd/status';

describe('pddStatusOf', () => {
  const cases = [
    { orderStatus: 1, refundStatus: 1, expected: 'paid' },
    { orderStatus: 2, refundStatus: 1, expected: 'shipped' },
    { orderStatus: 3, refundStatus: 1, expected: 'completed' },
    { orderStatus: 1, refundStatus: 2, expected: 'refund_requested' },
    { orderStatus: 2, refundStatus: 3, expected: 'refund_requested' },
    { orderStatus: 1, refundStatus: 4, expected: 'cancelled' },
    { orderStatus: 3, refundStatus: 4, expected: 'cancelled' },
  ];
  for (const { orderStatus, refundStatus, expected } of cases) {
    it(`when order_status is ${orderStatus} and refund_status ${refundStatus}, then the status is ${expected}`, () => {
      expect(pddStatusOf({ order_sn: '240501-1', order_status: orderStatus, refund_status: refundStatus })).toBe(expected);
    });
  }
});
