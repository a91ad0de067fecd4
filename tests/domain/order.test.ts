import { describe, expect, it } from 'vitest';
import { CANCELLABLE, orderIdOf, orderTotalFen, ORDER_STATUSES, TERMINAL } from '../../domain/order';
import { canonicalOrderSchema } from '../../domain/order-schema';
import { orderWorkflowId } from '../../workflows/contract';

const valid = {
  channel: 'douyin',
  channelOrderId: '6919450203954213113',
  createdAt: '2026-11-11T00:00:05+08:00',
  customer: { name: '李四', phone: '13800138000' },
  shippingAddress: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' },
  lines: [{ sku: 'CUP-350-BLK', quantity: 2, unitPriceFen: 4990 }],
};

describe('canonical order validation', () => {
  it.each([
    ['an unknown channel', { channel: 'jd' }, 'channel'],
    ['a channel order id with spaces', { channelOrderId: 'a b' }, 'channelOrderId'],
    ['a creation time without offset', { createdAt: '2026-11-11 00:00:05' }, 'createdAt'],
    ['no lines', { lines: [] }, 'lines'],
    ['a zero quantity', { lines: [{ sku: 'A', quantity: 0, unitPriceFen: 1 }] }, 'lines.0.quantity'],
    ['a fractional price (money is integer fen)', { lines: [{ sku: 'A', quantity: 1, unitPriceFen: 49.9 }] }, 'lines.0.unitPriceFen'],
    ['a negative price', { lines: [{ sku: 'A', quantity: 1, unitPriceFen: -1 }] }, 'lines.0.unitPriceFen'],
    ['a SKU with a control character', { lines: [{ sku: 'A\u001fB', quantity: 1, unitPriceFen: 1 }] }, 'lines.0.sku'],
    ['the same SKU twice', { lines: [{ sku: 'A', quantity: 1, unitPriceFen: 1 }, { sku: 'A', quantity: 2, unitPriceFen: 1 }] }, 'lines.1.sku'],
    ['no receiver name', { customer: { name: ' ', phone: '13800138000' } }, 'customer.name'],
    ['no street address', { shippingAddress: { province: '广东省', city: '深圳市', detail: '' } }, 'shippingAddress.detail'],
  ])('when the order has %s, then it is refused at %s', (_what, patch, path) => {
    const result = canonicalOrderSchema.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('when the order is valid, then defaults are filled in (not urgent, empty district)', () => {
    const parsed = canonicalOrderSchema.parse({ ...valid, shippingAddress: { province: '广东省', city: '深圳市', detail: '科技园 1 号' } });
    expect(parsed.urgent).toBe(false);
    expect(parsed.shippingAddress.district).toBe('');
  });
});

describe('order identity and money', () => {
  it.each([
    ['taobao', '2851234567890', 'taobao-2851234567890', 'order-taobao-2851234567890'],
    ['pdd', '231125-123456789', 'pdd-231125-123456789', 'order-pdd-231125-123456789'],
  ] as const)('when a %s order %s arrives, then its ids are %s / %s', (channel, channelOrderId, orderId, workflowId) => {
    expect(orderIdOf(channel, channelOrderId)).toBe(orderId);
    expect(orderWorkflowId(orderIdOf(channel, channelOrderId))).toBe(workflowId);
  });

  it('when lines are summed, then the total is exact integer fen', () => {
    expect(orderTotalFen([{ sku: 'A', quantity: 3, unitPriceFen: 1999 }, { sku: 'B', quantity: 1, unitPriceFen: 1 }])).toBe(5998);
  });

  it('when an order is terminal, then it can never be cancelled', () => {
    for (const status of ORDER_STATUSES) if (TERMINAL.has(status)) expect(CANCELLABLE.has(status)).toBe(false);
    expect(CANCELLABLE.has('SHIPPED')).toBe(false);
    expect(CANCELLABLE.has('PICKING')).toBe(true);
  });
});
