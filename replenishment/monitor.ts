/**
 * Watches available stock against safety stock. Called wherever available stock changes (allocation,
 * releases, stock counts, receipts, safety-stock edits) with the warehouse/SKU pairs touched; opens a stored
 * alert with a suggested quantity and pushes it through the notifier once, and resolves the alert when the
 * stock is back. Best effort: a failure is logged and never fails the caller's business step.
 */
import type { Db } from '../db/client';
import { openOrRefreshAlert, pairsOfSku, resolveAlerts, stockPositions, uniquePairs, type StockPair } from '../db/queries/replenishment';
import { DEFAULT_REPLENISHMENT_POLICY, replenishmentSuggestion, type ReplenishmentPolicy } from '../domain/replenishment';
import { createBatcher } from '../infra/batcher';
import type { Logger } from '../infra/logger';
import type { ReplenishmentNotifier } from './notifier';

export interface ReplenishmentMonitor {
  check(pairs: readonly StockPair[]): Promise<void>;
  /** Every warehouse stocking the SKU (its safety stock changed). */
  checkSku(sku: string): Promise<void>;
}

export function createReplenishmentMonitor(deps: {
  db: Db;
  notifier: ReplenishmentNotifier;
  logger: Logger;
  policy?: ReplenishmentPolicy;
}): ReplenishmentMonitor {
  const { db, notifier, logger } = deps;
  const policy = deps.policy ?? DEFAULT_REPLENISHMENT_POLICY;

  // Checks asked for while one runs are made together in the next (group commit): during a burst of
  // allocations that is one check per round of them instead of two statements per order.
  const batcher = createBatcher<readonly StockPair[], void>(
    async (asked) => {
      await checkNow(uniquePairs(asked.flat()));
      return asked.map(() => undefined);
    },
    { maxBatch: 500 },
  );

  async function check(pairs: readonly StockPair[]): Promise<void> {
    if (pairs.length > 0) await batcher.submit(pairs);
  }

  async function checkNow(pairs: readonly StockPair[]): Promise<void> {
    if (pairs.length === 0) return;
    try {
      const positions = (await stockPositions(db, pairs, policy.lookbackDays)).map((position) => ({ position, suggestion: replenishmentSuggestion(position, policy) }));
      await resolveAlerts(db, positions.filter((p) => !p.suggestion).map((p) => p.position));
      for (const { position, suggestion } of positions) {
        if (!suggestion) continue;
        const { row, opened } = await openOrRefreshAlert(db, {
          warehouseId: position.warehouseId,
          sku: position.sku,
          available: position.available,
          safetyStock: position.safetyStock,
          ...suggestion,
        });
        if (!opened) continue;
        try {
          await notifier.notify({
            id: row.id,
            warehouseId: row.warehouseId,
            sku: row.sku,
            available: row.available,
            safetyStock: row.safetyStock,
            velocityPerDay: row.velocityPerDay,
            suggestedQuantity: row.suggestedQuantity,
            createdAt: row.createdAt,
          });
        } catch (err) {
          logger.error({ err, alertId: row.id, notifier: notifier.name }, 'replenishment alert stored but not pushed');
        }
      }
    } catch (err) {
      logger.error({ err }, 'replenishment check failed');
    }
  }

  return {
    check,
    async checkSku(sku) {
      try {
        await check(await pairsOfSku(db, sku));
      } catch (err) {
        logger.error({ err, sku }, 'replenishment check failed');
      }
    },
  };
}
