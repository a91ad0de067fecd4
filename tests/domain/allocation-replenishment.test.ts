import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLENISHMENT_POLICY, replenishmentSuggestion } from '../../domain/replenishment';

describe('replenishmentSuggestion', () => {
  const policy = { lookbackDays: 28, coverDays: 14 };

  it.each([
    // available, safety, sold in 28 days → velocity/day, suggested
    { name: 'no sales: just back up to the safety stock', available: 3, safetyStock: 10, sold: 0, velocity: 0, suggested: 7 },
    { name: '2 a day for two weeks on top of the gap', available: 4, safetyStock: 10, sold: 56, velocity: 2, suggested: 6 + 28 },
    { name: 'slow seller rounds the cover up to a whole unit', available: 9, safetyStock: 10, sold: 1, velocity: 0.036, suggested: 1 + 1 },
    { name: 'sold out: the whole safety stock plus cover', available: 0, safetyStock: 5, sold: 28, velocity: 1, suggested: 5 + 14 },
    { name: 'over-reserved (negative) available counts fully', available: -2, safetyStock: 5, sold: 0, velocity: 0, suggested: 7 },
    { name: 'exact velocity × cover is not rounded up by float noise', available: 9, safetyStock: 10, sold: 2.8, velocity: 0.1, suggested: 1 + 2 },
  ])('when $name, then velocity $velocity and suggested $suggested', ({ available, safetyStock, sold, velocity, suggested }) => {
    expect(replenishmentSuggestion({ available, safetyStock, soldInWindow: sold }, policy)).toEqual({
      velocityPerDay: velocity,
      suggestedQuantity: suggested,
    });
  });

  it.each([
    { name: 'available equals the safety stock', available: 10, safetyStock: 10 },
    { name: 'available above the safety stock', available: 11, safetyStock: 10 },
    { name: 'no safety stock set', available: 0, safetyStock: 0 },
  ])('when $name, then no alert is due', ({ available, safetyStock }) => {
    expect(replenishmentSuggestion({ available, safetyStock, soldInWindow: 100 }, policy)).toBeUndefined();
  });

  it('when no policy is given, then the default 28-day look-back and 14-day cover apply', () => {
    expect(DEFAULT_REPLENISHMENT_POLICY).toEqual({ lookbackDays: 28, coverDays: 14 });
    expect(replenishmentSuggestion({ available: 0, safetyStock: 1, soldInWindow: 28 })).toEqual({ velocityPerDay: 1, suggestedQuantity: 15 });
  });
});
