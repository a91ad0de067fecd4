import { describe, expect, it } from 'vitest';
import { followUpOf, type FollowUp, type StockArrival } from '../../domain/receipts';

describe('what stock arriving sets off', () => {
  it.each<[string, StockArrival, FollowUp]>([
    ['a transfer for a waiting order wakes that order', { kind: 'inbound-received', forOrder: true, orderId: 'o-1', skus: ['A'] }, { action: 'wake-order', orderId: 'o-1' }],
    ['a transfer whose order was cancelled goes to the backorders', { kind: 'inbound-received', forOrder: false, orderId: 'o-1', skus: ['A', 'B', 'A'] }, { action: 'offer-to-backorders', skus: ['A', 'B'] }],
    ['a receipt for no order goes to the backorders', { kind: 'inbound-received', forOrder: true, orderId: null, skus: ['A'] }, { action: 'offer-to-backorders', skus: ['A'] }],
    ['a count leaving units available offers them', { kind: 'stock-counted', sku: 'A', available: 3 }, { action: 'offer-to-backorders', skus: ['A'] }],
    ['a count leaving nothing available does nothing', { kind: 'stock-counted', sku: 'A', available: 0 }, { action: 'none' }],
    ['a supplier set wakes urgent backorders', { kind: 'sku-updated', sku: 'A', supplierSet: true }, { action: 'wake-urgent-backorders', sku: 'A' }],
    ['a SKU saved without a supplier does nothing', { kind: 'sku-updated', sku: 'A', supplierSet: false }, { action: 'none' }],
  ])('%s', (_name, arrival, expected) => {
    expect(followUpOf(arrival)).toEqual(expected);
  });
});
