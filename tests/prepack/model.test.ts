import { describe, expect, it } from 'vitest';
import { PurchaseModel } from '../../prepack/model';
import { generateHistory } from '../../prepack/simulate';
import { trainAndEvaluate } from '../../prepack/training';

const DAY = 86_400_000;

describe('purchase model', () => {
  it('when trained on generated shoppers, then it ranks the held-back window well above chance and survives a save and load', () => {
    const start = Date.UTC(2026, 9, 1);
    const g = generateHistory({ seed: 3, customers: 200, skus: 12, categories: 3, startMs: start, days: 21 });
    const purchases = new Map<string, (typeof g.purchases)[number][]>();
    for (const p of g.purchases) purchases.set(p.phone, [...(purchases.get(p.phone) ?? []), p]);
    const r = trainAndEvaluate(
      { events: g.events.map((e) => ({ ...e, customerKey: e.phone })), purchases, categories: g.categories },
      { trainFromMs: start + 7 * DAY, trainToMs: start + 15 * DAY, testToMs: start + 21 * DAY, stepMs: DAY / 4, horizonMs: DAY, threshold: 0.8, steps: 600 },
    );
    expect(r.evaluation.positives).toBeGreaterThan(20);
    expect(r.evaluation.auc!).toBeGreaterThan(0.7);
    // No example of the test window was seen in training: its cut-offs start where training's horizons end.
    expect(Math.min(...r.test.map((e) => e.atMs))).toBeGreaterThanOrEqual(start + 15 * DAY);
    const loaded = PurchaseModel.load(JSON.parse(JSON.stringify(r.model.stored)));
    const rows = r.test.slice(0, 50).map((e) => e.features);
    expect(loaded.predict(rows)).toEqual(r.model.predict(rows));
  });

  it('when the examples have only one class, then training refuses', () => {
    expect(() => PurchaseModel.train([[1], [2]], [0, 0])).toThrow(/both/);
  });
});
