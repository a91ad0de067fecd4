import { describe, expect, it } from 'vitest';
import { mergeStockChange, type PendingStockChanges, type StockChange } from '../../domain/stock';

describe('coalescing stock changes', () => {
  it.each<{ name: string; pending: PendingStockChanges | undefined; change: StockChange; expected: PendingStockChanges }>([
    {
      name: 'the first change',
      pending: undefined,
      change: { at: '2024-05-01T12:00:01Z', orderIds: ['o1'] },
      expected: { firstChangeAt: '2024-05-01T12:00:01Z', changes: 1, orderIds: ['o1'] },
    },
    {
      name: 'a later change',
      pending: { firstChangeAt: '2024-05-01T12:00:01Z', changes: 1, orderIds: ['o1'] },
      change: { at: '2024-05-01T12:00:02Z', orderIds: ['o2'] },
      expected: { firstChangeAt: '2024-05-01T12:00:01Z', changes: 2, orderIds: ['o1', 'o2'] },
    },
    {
      name: 'an earlier change arriving late',
      pending: { firstChangeAt: '2024-05-01T12:00:05Z', changes: 2, orderIds: [] },
      change: { at: '2024-05-01T12:00:03Z' },
      expected: { firstChangeAt: '2024-05-01T12:00:03Z', changes: 3, orderIds: [] },
    },
    {
      name: 'a signal standing for several changes, one order repeated',
      pending: { firstChangeAt: '2024-05-01T12:00:01Z', changes: 1, orderIds: ['o1'] },
      change: { at: '2024-05-01T12:00:02Z', changes: 40, orderIds: ['o1', 'o3'] },
      expected: { firstChangeAt: '2024-05-01T12:00:01Z', changes: 41, orderIds: ['o1', 'o3'] },
    },
  ])('when $name is merged, then the round carries the earliest time, the count and each order once', ({ pending, change, expected }) => {
    expect(mergeStockChange(pending, change)).toEqual(expected);
  });

  it('when thousands of orders pile up, then the measured ones are capped and the count is not', () => {
    let pending: PendingStockChanges | undefined;
    for (let i = 0; i < 2_500; i += 1) pending = mergeStockChange(pending, { at: '2024-05-01T12:00:00Z', orderIds: [`o${i}`] });
    expect(pending?.changes).toBe(2_500);
    expect(pending?.orderIds).toHaveLength(2_000);
  });
});
