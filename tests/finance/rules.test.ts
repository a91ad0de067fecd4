import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanCell, fenToYuan, judgeOrder, shanghaiMonth, shanghaiTime, statementPlatformOf, yuanToFen, type OmsSide, type StatementSide } from '../../domain/finance';
import { orderProfit, ProfitGroups, splitFen } from '../../domain/finance-profit';
import { decideGap, isBeyond, widestGap } from '../../domain/price-gap';

describe('statement cells and money', () => {
  it.each([
    ['199.00', 19900],
    ['-0.60', -60],
    ['+12.00', 1200],
    ['"1,234.00"', undefined],
    ['1,234.00', 123400],
    ['1,234.5', 123450],
    ['0', 0],
    ['', 0],
    ['`88.00', 8800],
    ["'3.10", 310],
    ['="7.00"', 700],
    ['  5\t', 500],
    ['¥12.30', 1230],
    ['-¥0.01', -1],
    ['0.10', 10],
    ['0.1', 10],
    ['.5', undefined],
    ['12.345', undefined],
    ['12.300', 1230],
    ['abc', undefined],
    ['1e3', undefined],
  ] as const)('%j → %j fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it('yuan text and fen convert both ways without loss (any amount up to a billion yuan)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000_000, max: 100_000_000_000 }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
        // With thousands separators too, as a spreadsheet writes them.
        const grouped = fenToYuan(fen).replace(/\B(?=(\d{3})+(?!\d)\.)/g, ',');
        expect(yuanToFen(grouped)).toBe(fen);
      }),
    );
  });

  it('cleans the padding back offices add', () => {
    expect(cleanCell('2088123456789\t')).toBe('2088123456789');
    expect(cleanCell('`4200000001')).toBe('4200000001');
    expect(cleanCell('="6923450656181"')).toBe('6923450656181');
    expect(cleanCell(undefined)).toBe('');
  });

  it('reads Shanghai wall-clock times and months', () => {
    expect(shanghaiTime('2026-11-25 10:00:00')?.toISOString()).toBe('2026-11-25T02:00:00.000Z');
    expect(shanghaiTime('2026/11/01 00:00')?.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(shanghaiTime('2026-11-25')?.toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(shanghaiTime('1764036000')?.toISOString()).toBe('2025-11-25T02:00:00.000Z');
    expect(shanghaiTime('yesterday')).toBeUndefined();
    expect(shanghaiMonth('2026-12')).toEqual({ from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
  });

  it('names statement accounts', () => {
    expect(['taobao', 'tmall', 'alipay', 'douyin', 'pdd', 'wechat', 'jd'].map(statementPlatformOf)).toEqual(['taobao', 'taobao', 'taobao', 'douyin', 'pdd', 'wechat', undefined]);
  });
});

describe('reconciling one order', () => {
  const oms = (totalFen: number, refundFen = 0): OmsSide => ({ orderId: 'o', channelOrderId: 'c', totalFen, refundFen, returnIds: [] });
  const st = (s: Partial<StatementSide>): StatementSide => ({ saleFen: 0, refundFen: 0, feeFen: 0, freightFen: 0, netFen: 0, rows: 1, kinds: [], ...s });

  it.each([
    ['the same amount', oms(19900), st({ saleFen: 19900, feeFen: 995 }), { kind: 'matched', explainedByFeesFen: 0 }],
    ['a refund the return also recorded', oms(20000, 5000), st({ saleFen: 20000, refundFen: 5000 }), { kind: 'matched', explainedByFeesFen: 0 }],
    ['the sale shown net of its fee columns', oms(10000), st({ saleFen: 9500, feeFen: 500 }), { kind: 'matched', explainedByFeesFen: 500 }],
    ['a refund the OMS has no return for', oms(30000), st({ saleFen: 30000, refundFen: 12000 }), { kind: 'mismatch', omsFen: 30000, statementFen: 18000, differenceFen: -12000, reason: 'refund' }],
    ['a refund other than the return’s', oms(30000, 15000), st({ saleFen: 30000, refundFen: 12000 }), { kind: 'mismatch', omsFen: 15000, statementFen: 18000, differenceFen: 3000, reason: 'refund' }],
    ['freight the OMS does not count', oms(8000), st({ saleFen: 9000, freightFen: 1000, feeFen: 400 }), { kind: 'mismatch', omsFen: 8000, statementFen: 9000, differenceFen: 1000, reason: 'freight' }],
    ['a difference of exactly the fee, the other way', oms(10000), st({ saleFen: 10500, feeFen: 500 }), { kind: 'mismatch', omsFen: 10000, statementFen: 10500, differenceFen: 500, reason: 'platform_fee' }],
    ['a difference the statement does not explain', oms(10000), st({ saleFen: 9000 }), { kind: 'mismatch', omsFen: 10000, statementFen: 9000, differenceFen: -1000, reason: null }],
  ] as const)('%s', (_what, o, s, verdict) => {
    expect(judgeOrder(o, s)).toEqual(verdict);
  });

  it('an order matches exactly when the statement shows what the OMS expects, whatever the fees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 500_000 }), (total, refundPct, fee) => {
        const refund = Math.floor((total * refundPct) / 100);
        expect(judgeOrder(oms(total, refund), st({ saleFen: total, refundFen: refund, feeFen: fee })).kind).toBe('matched');
        const off = judgeOrder(oms(total, refund), st({ saleFen: total + 1, refundFen: refund, feeFen: fee }));
        expect(off).toMatchObject({ kind: 'mismatch', differenceFen: 1 });
      }),
    );
  });
});

describe('profit', () => {
  const cost = { carrierFen: 800, transferFen: 200, purchasePremiumFen: 0, labourFen: 180, platformFeeFen: 995, totalFen: 2175 };
  it('takes the fee and refunds from the statement when it names the order, else the configured rate and the returns', () => {
    expect(orderProfit({ orderId: 'o', channel: 'taobao', totalFen: 19900, cost, statement: { feeFen: 600, refundFen: 1000 }, omsRefundFen: 0 })).toMatchObject({
      revenueFen: 18900,
      platformFeeFen: 600,
      feeSource: 'statement',
      fulfilmentFen: 1180,
      profitFen: 18900 - 600 - 1180,
    });
    expect(orderProfit({ orderId: 'o', channel: 'taobao', totalFen: 19900, cost, omsRefundFen: 500 })).toMatchObject({ revenueFen: 19400, platformFeeFen: 995, feeSource: 'rate', profitFen: 19400 - 995 - 1180 });
  });

  it('splits amounts over lines in whole fen that add up exactly', () => {
    expect(splitFen(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitFen(-100, [2, 1])).toEqual([-67, -33]);
    expect(splitFen(5, [0, 0])).toEqual([3, 2]);
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 8 }), (amount, weights) => {
        const parts = splitFen(amount, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
        expect(parts.every(Number.isInteger)).toBe(true);
      }),
    );
  });

  it('per-SKU shares of an order add up to the order, and each share’s profit is its revenue less its costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 5 }),
        (total, fee, carrier, values) => {
          const p = orderProfit({ orderId: 'o', channel: 'pdd', totalFen: total, cost: { ...cost, carrierFen: carrier }, statement: { feeFen: fee, refundFen: 0 }, omsRefundFen: 0 });
          const groups = new ProfitGroups();
          groups.addBySku(p, values.map((v, i) => ({ sku: `S${i}`, valueFen: v })));
          const list = groups.list();
          expect(list.reduce((n, g) => n + g.profitFen, 0)).toBe(p.profitFen);
          expect(list.reduce((n, g) => n + g.platformFeeFen, 0)).toBe(fee);
          for (const g of list) expect(g.profitFen).toBe(g.revenueFen - g.platformFeeFen - g.fulfilmentFen);
        },
      ),
    );
  });
});

describe('price gaps', () => {
  const t = { fen: 1000, pct: 10 };
  it.each([
    ['one channel only', { taobao: 19900 }, false],
    ['equal prices', { taobao: 19900, douyin: 19900 }, false],
    ['10 yuan and 5%: at both thresholds, not beyond', { taobao: 20000, douyin: 19000 }, false],
    ['10.01 yuan apart (over the fen threshold)', { taobao: 20001, douyin: 19000 }, true],
    ['9 yuan on 80 yuan (over 10%)', { taobao: 8900, douyin: 8000 }, true],
    ['120 yuan apart', { tmall: 39900, douyin: 27900, pdd: 39900 }, true],
  ] as const)('%s', (_what, prices, beyond) => {
    expect(isBeyond(widestGap(prices), t)).toBe(beyond);
  });

  it('a threshold switched off does not count', () => {
    const gap = widestGap({ taobao: 100_000, douyin: 98_000 }); // 20 yuan, 2%
    expect(isBeyond(gap, { fen: 1000, pct: null })).toBe(true);
    expect(isBeyond(gap, { fen: null, pct: 10 })).toBe(false);
    expect(isBeyond(gap, { fen: null, pct: null })).toBe(false);
  });

  it('names the lowest and highest channel; opens, keeps, and closes when the prices agree again', () => {
    expect(widestGap({ tmall: 39900, douyin: 27900, pdd: 39900 })).toEqual({ lowChannel: 'douyin', lowFen: 27900, highChannel: 'pdd', highFen: 39900, gapFen: 12000, gapPct: (12000 * 100) / 27900, prices: { douyin: 27900, pdd: 39900, tmall: 39900 } });
    expect(decideGap({ a: 100, b: 200 }, t, false).action).toBe('open-or-update');
    expect(decideGap({ a: 100, b: 200 }, t, true).action).toBe('open-or-update');
    expect(decideGap({ a: 200, b: 200 }, t, true)).toEqual({ action: 'close' });
    expect(decideGap({ a: 200, b: 200 }, t, false)).toEqual({ action: 'none' });
  });

  it('the gap is the spread between the cheapest and dearest channel, whatever the order of the channels', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('taobao', 'tmall', 'pdd', 'douyin', 'wechat', 'manual'), fc.integer({ min: 1, max: 10_000_000 }), { minKeys: 2 }), (prices) => {
        const gap = widestGap(prices)!;
        const values = Object.values(prices);
        expect(gap.gapFen).toBe(Math.max(...values) - Math.min(...values));
        expect(prices[gap.lowChannel]).toBe(gap.lowFen);
        expect(prices[gap.highChannel]).toBe(gap.highFen);
        expect(widestGap(Object.fromEntries(Object.entries(prices).reverse()))).toEqual(gap);
      }),
    );
  });
});
