/**
 * When to replenish a SKU in a warehouse, and how much. Pure; the monitor (replenishment/monitor.ts) feeds
 * it the numbers from PostgreSQL.
 *
 * An alert is due when available stock (on hand − reserved) is below the safety stock. The suggestion
 * covers the expected sales until the goods are back plus the safety stock itself:
 *
 *   velocity  = units sold in the look-back window / window days
 *   suggested = ceil(velocity × coverDays) + safetyStock − available      (at least safetyStock − available, at least 1)
 */

export interface ReplenishmentPolicy {
  /** How far back sales count towards the velocity. */
  readonly lookbackDays: number;
  /** How many days of sales a replenishment should cover (lead time plus review period). */
  readonly coverDays: number;
}

export const DEFAULT_REPLENISHMENT_POLICY: ReplenishmentPolicy = { lookbackDays: 28, coverDays: 14 };

export interface StockPosition {
  readonly available: number;
  readonly safetyStock: number;
  /** Units sold (reserved for orders, shipped or not) in the look-back window. */
  readonly soldInWindow: number;
}

export interface ReplenishmentSuggestion {
  readonly velocityPerDay: number;
  readonly suggestedQuantity: number;
}

/** The suggestion when the position is below its safety stock, undefined when no alert is due. */
export function replenishmentSuggestion(
  position: StockPosition,
  policy: ReplenishmentPolicy = DEFAULT_REPLENISHMENT_POLICY,
): ReplenishmentSuggestion | undefined {
  const { available, safetyStock } = position;
  if (!(safetyStock > 0) || available >= safetyStock) return undefined;
  const sold = Math.max(0, position.soldInWindow);
  const velocityPerDay = policy.lookbackDays > 0 ? sold / policy.lookbackDays : 0;
  const gap = safetyStock - available;
  // Round the cover demand up, but not a float's hair (0.1 × 30 = 3.0000000000000004) into an extra unit.
  const cover = Math.ceil(Math.round(velocityPerDay * policy.coverDays * 1e6) / 1e6);
  return { velocityPerDay: Math.round(velocityPerDay * 1000) / 1000, suggestedQuantity: Math.max(1, gap + cover) };
}
