import { describe, expect, it } from 'vitest';
import { createRng, digits, fakeLines, fenToYuan, productOf } from '../../../channels/simulators/fake-data';

describe('fake data', () => {
  const yuan = [
    [20007, '200.07'],
    [5, '0.05'],
    [100, '1.00'],
    [0, '0.00'],
  ] as const;
  for (const [fen, text] of yuan) {
    it(`when ${fen} fen is written in yuan, then it reads "${text}"`, () => {
      expect(fenToYuan(fen)).toBe(text);
    });
  }

  it('when a SKU is priced twice, then it gets the same title and price', () => {
    expect(productOf('SKU-A')).toEqual(productOf('SKU-A'));
  });

  it('when lines are picked, then SKUs are distinct and quantities positive', () => {
    const lines = fakeLines(createRng(3), ['A', 'B', 'C', 'D']);
    expect(new Set(lines.map((l) => l.sku)).size).toBe(lines.length);
    expect(lines.every((l) => l.quantity >= 1 && Number.isInteger(l.unitPriceFen))).toBe(true);
  });

  it('when no SKUs are given, then generating lines fails loudly', () => {
    expect(() => fakeLines(createRng(1), [])).toThrow(/at least one SKU/);
  });

  it('when a 19-digit id is drawn, then it has 19 digits and no leading zero', () => {
    expect(digits(createRng(5), 19)).toMatch(/^[1-9]\d{18}$/);
  });
});
