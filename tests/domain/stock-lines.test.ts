import { describe, expect, it } from 'vitest';
import { mergeLines, type StockLine } from '../../domain/stock';

describe('mergeLines', () => {
  it.each<{ name: string; lines: StockLine[]; expected: StockLine[] }>([
    { name: 'no lines', lines: [], expected: [] },
    { name: 'one line', lines: [{ sku: 'A', quantity: 2 }], expected: [{ sku: 'A', quantity: 2 }] },
    {
      name: 'distinct SKUs',
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 3 },
      ],
      expected: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 3 },
      ],
    },
    {
      name: 'a SKU repeated',
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'A', quantity: 4 },
      ],
      expected: [{ sku: 'A', quantity: 5 }],
    },
    {
      name: 'repeats apart from each other',
      lines: [
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 3 },
        { sku: 'C', quantity: 1 },
        { sku: 'A', quantity: 1 },
      ],
      expected: [
        { sku: 'B', quantity: 4 },
        { sku: 'A', quantity: 3 },
        { sku: 'C', quantity: 1 },
      ],
    },
    { name: 'a zero quantity', lines: [{ sku: 'A', quantity: 0 }], expected: [{ sku: 'A', quantity: 0 }] },
  ])('when $name are merged, then there is one line per SKU, quantities added, in first-seen order', ({ lines, expected }) => {
    expect(mergeLines(lines)).toEqual(expected);
  });

  it('when lines are merged, then the input is left as it was', () => {
    const lines: StockLine[] = [
      { sku: 'A', quantity: 1 },
      { sku: 'A', quantity: 2 },
    ];
    mergeLines(lines);
    expect(lines).toEqual([
      { sku: 'A', quantity: 1 },
      { sku: 'A', quantity: 2 },
    ]);
  });
});
