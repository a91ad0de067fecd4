/**
 * Where replenishment alerts are pushed. The log notifier writes one structured line per new alert; a WeCom
 * group-bot notifier (企业微信群机器人) will implement the same interface with the reports work.
 */
import type { Logger } from '../infra/logger';

export interface ReplenishmentAlert {
  id: number;
  warehouseId: string;
  sku: string;
  available: number;
  safetyStock: number;
  velocityPerDay: number;
  suggestedQuantity: number;
  createdAt: Date;
}

export interface ReplenishmentNotifier {
  readonly name: string;
  /** Called once per new alert (not again while it stays open). Throwing only logs: the alert is stored. */
  notify(alert: ReplenishmentAlert): Promise<void>;
}

export function createLogNotifier(logger: Logger): ReplenishmentNotifier {
  return {
    name: 'log',
    async notify(alert) {
      logger.warn(
        {
          alertId: alert.id,
          warehouseId: alert.warehouseId,
          sku: alert.sku,
          available: alert.available,
          safetyStock: alert.safetyStock,
          velocityPerDay: alert.velocityPerDay,
          suggestedQuantity: alert.suggestedQuantity,
        },
        'replenishment needed: available stock below safety stock',
      );
    },
  };
}
