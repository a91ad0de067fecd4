import { describe, expect, it } from 'vitest';
import { wechatRefundIdOf, wechatStatusOf } from '../../../channels/wechat/status';

describe('wechatStatusOf', () => {
  const cases = [
    { status: 10, expected: 'unpaid' },
    { status: 20, expected: 'paid' },
    { status: 21, expected: 'shipped' },
    { status: 30, expected: 'shipped' },
    { status: 100, expected: 'completed' },
    { status: 200, expected: 'cancelled' },
    { status: 250, expected: 'cancelled' },
    { status: 20, afterSales: 1, expected: 'refund_requested' },
    { status: 100, afterSales: 2, expected: 'refund_requested' },
    { status: 10, afterSales: 1, expected: 'unpaid' },
  ];
  for (const { status, afterSales, expected } of cases) {
    it(`when status is ${status}${afterSales ? ` with ${afterSales} open after-sale order(s)` : ''}, then the status is ${expected}`, () => {
      const order = {
        order_id: '1',
        status,
        order_detail: { product_infos: [{ product_id: '1', sku_id: '2', sku_cnt: 1 }] },
        aftersale_detail: { on_aftersale_order_cnt: afterSales ?? 0 },
      };
      expect(wechatStatusOf(order)).toBe(expected);
    });
  }
});

describe('wechatRefundIdOf', () => {
  const order = (aftersale_detail: object) => ({ order_id: '1', status: 30, order_detail: { product_infos: [] }, aftersale_detail });
  const cases = [
    { when: 'one after-sale is open', detail: { on_aftersale_order_cnt: 1, aftersale_order_list: [{ aftersale_order_id: '1768034782998651' }] }, expected: '1768034782998651' },
    { when: 'an earlier after-sale is done and a new one is open', detail: { on_aftersale_order_cnt: 1, aftersale_order_list: [{ aftersale_order_id: '1' }, { aftersale_order_id: 2 }] }, expected: '2' },
    { when: 'every after-sale is done', detail: { on_aftersale_order_cnt: 0, aftersale_order_list: [{ aftersale_order_id: '1768034782998651' }] }, expected: undefined },
    { when: 'the order never had an after-sale', detail: { on_aftersale_order_cnt: 0 }, expected: undefined },
  ];
  for (const { when, detail, expected } of cases) {
    it(`when ${when}, then the refund id is ${String(expected)}`, () => {
      expect(wechatRefundIdOf(order(detail))).toBe(expected);
    });
  }
});
