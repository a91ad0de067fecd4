import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costTotals, DEFAULT_COST_RATES, feeBasisPoints, feePctList, orderCost, platformFeeFen, type OrderCostGroup, type OrderCostInput } from '../../domain/costs';

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

describe('platform commission', () => {
  it.each([
    // totalFen, basis points, fee
    [10_000, 500, 500],
    [999, 60, 6], // 5.994
    [10, 500, 1], // exactly half a fen rounds up
    [30, 500, 2], // 1.5
    [29, 500, 1], // 1.45
    [0, 500, 0],
    [1_234_567, 1, 123], // 123.4567
    [5, 1000, 1], // 0.5
  ])('%i fen at %i bp is %i fen', (total, bp, fee) => {
    expect(platformFeeFen(total, bp)).toBe(fee);
  });

  it.each([
    ['taobao', 500],
    ['pdd', 60],
    ['wechat', 60],
    ['offline', 0],
  ])('%s charges %i basis points by default', (channel, bp) => {
    expect(feeBasisPoints(DEFAULT_COST_RATES, channel)).toBe(bp);
  });
});

describe('cost totals over groups of orders', () => {
  const order = fc.record({
    channel: fc.constantFrom('taobao', 'pdd', 'douyin', 'manual', 'offline'),
    totalFen: fc.integer({ min: 0, max: 2_000_000 }),
    lines: fc.integer({ min: 1, max: 4 }),
    shipped: fc.boolean(),
    carrierFen: fc.integer({ min: 0, max: 5_000 }),
    transferUnits: fc.integer({ min: 0, max: 5 }),
    purchaseFreightFen: fc.integer({ min: 0, max: 2_000 }),
  });

  /** Groups as the database forms them: by channel, lines and shipped, the commission summed order by order. */
  function grouped(orders: readonly OrderCostInput[]): OrderCostGroup[] {
    const groups = new Map<string, OrderCostGroup>();
    for (const o of orders) {
      const key = `${o.channel}|${o.lines}|${o.shipped}`;
      const g = groups.get(key) ?? { channel: o.channel, lines: o.lines, shipped: o.shipped, orders: 0, totalFen: 0, carrierFen: 0, transferUnits: 0, purchaseFreightFen: 0, platformFeeFen: 0 };
      g.orders += 1;
      g.totalFen += o.totalFen;
      g.carrierFen += o.carrierFen;
      g.transferUnits += o.transferUnits;
      g.purchaseFreightFen += o.purchaseFreightFen;
      g.platformFeeFen += platformFeeFen(o.totalFen, feeBasisPoints(DEFAULT_COST_RATES, o.channel));
      groups.set(key, g);
    }
    return [...groups.values()];
  }

  it('equal the sum of every order’s own cost', () => {
    fc.assert(
      fc.property(fc.array(order, { maxLength: 60 }), (orders) => {
        const totals = costTotals(grouped(orders), DEFAULT_COST_RATES);
        const each = orders.map((o) => orderCost(o, DEFAULT_COST_RATES));
        const sum = (k: keyof (typeof each)[number]) => each.reduce((a, c) => a + c[k], 0);
        expect(totals).toMatchObject({
          orders: orders.length,
          carrierFen: sum('carrierFen'),
          transferFen: sum('transferFen'),
          purchasePremiumFen: sum('purchasePremiumFen'),
          labourFen: sum('labourFen'),
          platformFeeFen: sum('platformFeeFen'),
          totalFen: sum('totalFen'),
        });
        expect(totals.perOrderFen).toBe(orders.length ? sum('totalFen') / orders.length : null);
      }),
    );
  });
});

describe('PLATFORM_FEE_PCT', () => {
  it('reads channel=percent pairs', () => {
    expect(feePctList.parse('taobao=5, pdd=0.6')).toEqual({ taobao: 5, pdd: 0.6 });
    expect(feePctList.parse('')).toEqual({});
  });
  it.each(['taobao', 'taobao=abc', 'taobao=101', 'pdd=0.605'])('refuses %s', (value) => {
    expect(feePctList.safeParse(value).success).toBe(false);
  });
});
