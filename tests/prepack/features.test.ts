import { describe, expect, it } from 'vitest';
import { auc, eligibleCandidates, evaluate, pairKey } from '../../domain/prepack';
import { featuresOf, vipTier, type BehaviourEvent, type PastPurchase } from '../../domain/prepack-features';
import { buyerCustomer, phoneCustomer } from '../../prepack/customer';

const H = 3600_000;
const D = 24 * H;
const AT = Date.parse('2026-11-11T12:00:00+08:00');
const ev = (type: BehaviourEvent['type'], hoursBefore: number, sku = 'EARBUDS', dwellSeconds = 0): BehaviourEvent => ({ sku, type, atMs: AT - hoursBefore * H, dwellSeconds });
const bought = (sku: string, daysBefore: number, quantity = 1, amountFen = 10_000, category: string | null = 'audio'): PastPurchase => ({ sku, category, quantity, amountFen, atMs: AT - daysBefore * D });

describe('featuresOf', () => {
  const cases: { name: string; events: BehaviourEvent[]; purchases?: PastPurchase[]; expect: Partial<ReturnType<typeof featuresOf>> }[] = [
    { name: 'when there is no behaviour, then every behaviour feature is 0', events: [], expect: { views: 0, cartAdds: 0, favourited: 0, dwell: 0, recency: 0, sessions: 0 } },
    {
      name: 'when the SKU was viewed 3 times with dwell, then views and dwell are log(1 + n)',
      events: [ev('view', 1, 'EARBUDS', 30), ev('view', 2, 'EARBUDS', 60), ev('view', 3, 'EARBUDS', 9)],
      expect: { views: Math.log1p(3), dwell: Math.log1p(99), cartAdds: 0, sessions: 1 / 7 },
    },
    { name: 'when another SKU was viewed, then it does not count', events: [ev('view', 1, 'CASE')], expect: { views: 0, recency: 0 } },
    { name: 'when the last event was 24 h ago, then recency is e^-1', events: [ev('cart', 24)], expect: { cartAdds: Math.log1p(1), recency: Math.exp(-1) } },
    { name: 'when an event is older than the 7-day window, then it is ignored', events: [ev('view', 7 * 24 + 1)], expect: { views: 0 } },
    { name: 'when an event is at or after the cut-off, then it is ignored (no leakage)', events: [ev('cart', 0), ev('cart', -1)], expect: { cartAdds: 0 } },
    { name: 'when favourited on two days, then favourited is 1 and sessions 2/7', events: [ev('favourite', 2), ev('favourite', 30)], expect: { favourited: 1, sessions: 2 / 7 } },
    {
      name: 'when the customer bought twice, once this SKU, then history features say so',
      events: [],
      purchases: [bought('EARBUDS', 30, 2), bought('CABLE', 60, 2, 10_000, 'cables')],
      expect: { purchases: Math.log1p(2), skuBoughtBefore: Math.log1p(2), categoryAffinity: 0.5, purchaseRecency: Math.exp(-1) },
    },
    { name: 'when a purchase is after the cut-off, then it is not history', events: [], purchases: [bought('EARBUDS', -1)], expect: { purchases: 0, skuBoughtBefore: 0, purchaseRecency: 0 } },
    { name: 'when the year\'s spend is ¥2,500, then the VIP tier is 2 of 3', events: [], purchases: [bought('TV', 100, 1, 250_000)], expect: { vipTier: 2 / 3 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = featuresOf({ sku: 'EARBUDS', category: 'audio', events: c.events, purchases: c.purchases ?? [], atMs: AT });
      for (const [k, v] of Object.entries(c.expect)) expect(f[k as keyof typeof f], k).toBeCloseTo(v as number, 10);
    });
  }

  it.each([
    [0, 0],
    [49_999, 0],
    [50_000, 1],
    [200_000, 2],
    [1_000_000, 3],
  ])('when the spend is %i fen, then the VIP tier is %i', (fen, tier) => expect(vipTier(fen)).toBe(tier));
});

describe('customers', () => {
  it('when the same phone is written two ways, then the key is the same and the label masked', () => {
    const a = phoneCustomer('+86 139-0000-1001')!;
    const b = phoneCustomer('13900001001')!;
    expect(a.key).toBe(b.key);
    expect(a.key).not.toContain('13900001001');
    expect(a.label).toBe('139****1001');
  });
  it('when the phone is masked by the platform, then it has no key', () => expect(phoneCustomer('139****1001')).toBeUndefined());
  it('when a buyer id is given, then it is its own label', () => expect(buyerCustomer('tb_buyer_7')).toEqual({ key: 'b:tb_buyer_7', label: 'tb_buyer_7' }));
});

describe('evaluation', () => {
  it('when every buyer outranks every non-buyer, then AUC is 1; reversed, 0; all tied, 0.5', () => {
    expect(auc([{ probability: 0.9, label: 1 }, { probability: 0.1, label: 0 }])).toBe(1);
    expect(auc([{ probability: 0.1, label: 1 }, { probability: 0.9, label: 0 }])).toBe(0);
    expect(auc([{ probability: 0.5, label: 1 }, { probability: 0.5, label: 0 }])).toBe(0.5);
    expect(auc([{ probability: 0.5, label: 1 }])).toBeNull();
  });
  it('when 2 of 3 flagged bought and 1 buyer was missed, then precision 2/3 and recall 2/3', () => {
    const e = evaluate(
      [
        { probability: 0.95, label: 1 },
        { probability: 0.85, label: 1 },
        { probability: 0.81, label: 0 },
        { probability: 0.3, label: 1 },
        { probability: 0.05, label: 0 },
      ],
      0.8,
    );
    expect(e.flagged).toBe(3);
    expect(e.precision).toBeCloseTo(2 / 3);
    expect(e.recall).toBeCloseTo(2 / 3);
    expect(e.calibration.reduce((n, b) => n + b.count, 0)).toBe(5);
  });
  it('when nothing is flagged, then precision is null, not 0', () => expect(evaluate([{ probability: 0.2, label: 1 }], 0.8).precision).toBeNull());
});

describe('eligibleCandidates', () => {
  const s = (customerKey: string, probability: number, lastEventAtMs = 100) => ({ customerKey, sku: 'X', probability, lastEventAtMs });
  it('when scored below the threshold, already open, or expired without newer behaviour, then not eligible', () => {
    const out = eligibleCandidates([s('low', 0.79), s('ok', 0.8), s('open', 0.99), s('expired-old', 0.9, 100), s('expired-new', 0.85, 300), s('best', 0.97)], 0.8, {
      open: new Set([pairKey('open', 'X')]),
      lastExpiredAtMs: new Map([
        [pairKey('expired-old', 'X'), 200],
        [pairKey('expired-new', 'X'), 200],
      ]),
    });
    expect(out.map((c) => c.customerKey)).toEqual(['best', 'expired-new', 'ok']);
  });
});
