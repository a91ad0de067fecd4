import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_RATES, feePctList, orderCost } from '../../domain/costs';

const base = { channel: 'taobao', totalFen: 10_000, lines: 2, shipped: true, carrierFen: 1_200, transferUnits: 0, purchaseFreightFen: 0 };

describe('fulfilment cost of an order', () => {
  it.each([
    ['shipped taobao order', base, { carrierFen: 1200, transferFen: 0, purchasePremiumFen: 0, labourFen: 210, platformFeeFen: 500, totalFen: 1910 }],
    ['not shipped yet: no labour', { ...base, shipped: false, carrierFen: 0 }, { carrierFen: 0, transferFen: 0, purchasePremiumFen: 0, labourFen: 0, platformFeeFen: 500, totalFen: 500 }],
    ['pdd commission rounds to the fen', { ...base, channel: 'pdd', totalFen: 999 }, { platformFeeFen: 6 }],
    ['transfer and urgent purchase', { ...base, channel: 'manual', transferUnits: 3, purchaseFreightFen: 800 }, { transferFen: 600, purchasePremiumFen: 800, platformFeeFen: 0, totalFen: 1200 + 600 + 800 + 210 }],
    ['unknown channel pays no commission', { ...base, channel: 'offline' }, { platformFeeFen: 0 }],
  ] as const)('%s', (_, input, expected) => {
    expect(orderCost(input, DEFAULT_COST_RATES)).toMatchObject(expected);
  });

  it('is integer fen and the parts add up to the total', () => {
    fc.assert(
      fc.property(
        fc.record({
          channel: fc.constantFrom('taobao', 'tmall', 'pdd', 'douyin', 'wechat', 'manual'),
          totalFen: fc.integer({ min: 0, max: 10_000_000 }),
          lines: fc.integer({ min: 1, max: 200 }),
          shipped: fc.boolean(),
          carrierFen: fc.integer({ min: 0, max: 100_000 }),
          transferUnits: fc.integer({ min: 0, max: 1000 }),
          purchaseFreightFen: fc.integer({ min: 0, max: 100_000 }),
        }),
        (o) => {
          const c = orderCost(o, DEFAULT_COST_RATES);
          for (const v of Object.values(c)) expect(Number.isInteger(v) && v >= 0).toBe(true);
          expect(c.carrierFen + c.transferFen + c.purchasePremiumFen + c.labourFen + c.platformFeeFen).toBe(c.totalFen);
        },
      ),
    );
  });
});

describe('PLATFORM_FEE_PCT', () => {
  it('reads channel=percent pairs', () => {
    expect(feePctList.parse('taobao=5, pdd=0.6')).toEqual({ taobao: 5, pdd: 0.6 });
    expect(feePctList.parse('')).toEqual({});
  });
  it.each(['taobao', 'taobao=abc', 'taobao=101'])('refuses %s', (value) => {
    expect(feePctList.safeParse(value).success).toBe(false);
  });
});
