import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  associationRules,
  boundInstant,
  compressionRate,
  funnel,
  peakGrid,
  periodBound,
  precedingPeriod,
  resolvePeriod,
  toCsv,
  warehouseHealth,
} from '../../domain/reports';
import { shanghaiDate } from '../../domain/shanghai-time';

describe('report periods in Asia/Shanghai', () => {
  it.each([
    ['2026-11-01', 'from', '2026-10-31T16:00:00.000Z'],
    ['2026-11-30', 'to', '2026-11-30T16:00:00.000Z'],
    ['2026-11-30T10:00:00+08:00', 'to', '2026-11-30T02:00:00.000Z'],
    ['2026-11-30T10:00:00Z', 'from', '2026-11-30T10:00:00.000Z'],
  ] as const)('%s as %s is %s', (bound, side, instant) => {
    expect(boundInstant(bound, side).toISOString()).toBe(instant);
  });

  it.each(['2026-02-30', '2026-13-01', '30/11/2026', '2026-11-30T10:00:00'])('refuses %s', (bound) => {
    expect(periodBound.safeParse(bound).success).toBe(false);
  });

  it('defaults to the last 7 days up to now, and the baseline is the period before', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const p = resolvePeriod({}, now);
    expect(p).toEqual({ from: new Date('2026-11-25T12:00:00Z'), to: now });
    expect(precedingPeriod(p)).toEqual({ from: new Date('2026-11-18T12:00:00Z'), to: new Date('2026-11-25T12:00:00Z') });
  });

  it('the Shanghai date of an instant turns at 16:00 UTC', () => {
    expect(shanghaiDate(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(shanghaiDate(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
  });
});

describe('funnel', () => {
  it('gives each stage its conversion from the one before and what was lost', () => {
    expect(funnel({ ordered: 200, paid: 150, shipped: 120, delivered: 0, returned: 0 })).toEqual([
      { stage: 'ordered', count: 200, conversionFromPrevious: null, lostFromPrevious: null },
      { stage: 'paid', count: 150, conversionFromPrevious: 0.75, lostFromPrevious: 50 },
      { stage: 'shipped', count: 120, conversionFromPrevious: 0.8, lostFromPrevious: 30 },
      { stage: 'delivered', count: 0, conversionFromPrevious: 0, lostFromPrevious: 120 },
      { stage: 'returned', count: 0, conversionFromPrevious: null, lostFromPrevious: 0 },
    ]);
  });
});

describe('co-purchase association rules', () => {
  // 10 orders: A in 5, B in 4, C in 2; A+B together in 4, A+C in 1.
  const singles = new Map([
    ['A', 5],
    ['B', 4],
    ['C', 2],
  ]);
  const pairs = [
    { a: 'A', b: 'B', orders: 4 },
    { a: 'A', b: 'C', orders: 1 },
  ];

  it('computes support, confidence P(b|a) and lift both ways', () => {
    const rules = associationRules(pairs, singles, 10);
    const rule = (a: string, b: string) => rules.find((r) => r.a === a && r.b === b);
    expect(rule('A', 'B')).toEqual({ a: 'A', b: 'B', orders: 4, support: 0.4, confidence: 0.8, lift: 2 });
    expect(rule('B', 'A')).toEqual({ a: 'B', b: 'A', orders: 4, support: 0.4, confidence: 1, lift: 2 });
    expect(rule('A', 'C')).toMatchObject({ support: 0.1, confidence: 0.2, lift: 1 });
    expect(rule('C', 'A')).toMatchObject({ confidence: 0.5, lift: 1 });
    expect(rules.map((r) => r.lift)).toEqual([2, 2, 1, 1]);
  });

  it('leaves out pairs under the minimum support', () => {
    expect(associationRules(pairs, singles, 10, 0.2).map((r) => `${r.a}${r.b}`)).toEqual(['AB', 'BA']);
    expect(associationRules(pairs, singles, 0)).toEqual([]);
  });

  it('support and confidence are fractions; lift × P(b) is the confidence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 100 }), (na, nb, both, extra) => {
        const pair = Math.min(both, na, nb);
        const total = Math.max(na, nb) + extra;
        if (pair === 0) return;
        for (const r of associationRules([{ a: 'A', b: 'B', orders: pair }], new Map([['A', na], ['B', nb]]), total)) {
          expect(r.support).toBeGreaterThan(0);
          expect(r.support).toBeLessThanOrEqual(1);
          expect(r.confidence).toBeLessThanOrEqual(1);
          const pb = (r.b === 'B' ? nb : na) / total;
          expect(r.lift * pb).toBeCloseTo(r.confidence, 10);
        }
      }),
    );
  });
});

describe('compression', () => {
  it('28.5 h → 9.8 h is a compression of 0.656…', () => {
    expect(compressionRate(28.5, 9.8).rate).toBeCloseTo(0.65614, 5);
  });

  it.each([
    [null, 5, 'baseline'],
    [0, 5, 'zero'],
    [10, null, 'current'],
  ] as const)('baseline %s, current %s: no rate, and why', (baseline, current, why) => {
    const c = compressionRate(baseline, current);
    expect(c.rate).toBeNull();
    expect(c.reason).toContain(why);
  });
});

describe('peaks', () => {
  it('fills the 168 cells and picks the busiest', () => {
    const { cells, top } = peakGrid(
      [
        { weekday: 5, hour: 20, orders: 9 },
        { weekday: 1, hour: 9, orders: 3 },
        { weekday: 7, hour: 23, orders: 3 },
      ],
      2,
    );
    expect(cells).toHaveLength(168);
    expect(cells.find((c) => c.weekday === 5 && c.hour === 20)?.orders).toBe(9);
    expect(cells.reduce((s, c) => s + c.orders, 0)).toBe(15);
    expect(top).toEqual([
      { weekday: 5, hour: 20, orders: 9 },
      { weekday: 1, hour: 9, orders: 3 },
    ]);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: null, d: 1.5 }])).toBe('a,b,c,d\r\n"x,y","say ""hi""",,1.5\r\n');
  });
});

describe('warehouse health figures', () => {
  it.each([
    [{ allocated: 10, fromOwnStock: 8, onHand: 300, available: 240, unitsShipped30d: 600, capacityOrders: 90, dailyOrderCapacity: 100 }, { fillRate: 0.8, daysOfSupply: 12, turnoverDays: 15, capacityUsed: 0.9 }],
    [{ allocated: 0, fromOwnStock: 0, onHand: 50, available: -3, unitsShipped30d: 0, capacityOrders: null, dailyOrderCapacity: null }, { fillRate: null, daysOfSupply: null, turnoverDays: null, capacityUsed: null }],
    [{ allocated: 1, fromOwnStock: 0, onHand: 0, available: 0, unitsShipped30d: 30, capacityOrders: null, dailyOrderCapacity: 50 }, { fillRate: 0, daysOfSupply: 0, turnoverDays: 0, capacityUsed: 0 }],
  ])('%j', (input, expected) => {
    expect(warehouseHealth(input)).toEqual(expected);
  });
});
