/**
 * Side effects of returns (after sale): book the reverse waybill, mirror progress, receive the goods (restock,
 * quarantine, purchasing, refund, all exactly once), find backorders to wake. (The refund is written back to
 * the platform by the channel activities.) Every activity is idempotent: ids come from the return id.
 */
import { isCarrierName, type Carriers } from '../carriers';
import type { Db } from '../db/client';
import {
  applyReturnReceipt,
  insertReturn,
  markPurchasingNotified,
  pendingPurchasingNotifications,
  recordReturnWaybill,
  updateReturnProgress,
  type NewReturn,
  type ReceiptInput,
  type ReceiptOutcome,
} from '../db/queries/returns';
import { resolveReviewTask } from '../db/queries/review-tasks';
import type { Address, CanonicalOrder } from '../domain/order';
import type { StockLine } from '../domain/stock';
import type { Logger } from '../infra/logger';
import { customerParty, warehouseParty } from './parties';

/** One message to purchasing: units of a SKU came back (resaleable to stock, damaged to quarantine). */
export interface PurchasingNotice {
  id: string;
  sku: string;
  warehouseId: string;
  returnId: string | null;
  orderId: string | null;
  resaleable: number;
  damaged: number;
  message: string;
}
/** Passes notices on to purchasing (at least once; `id` lets the receiver dedup). The default logs them. */
export type PurchasingNotifier = (notices: PurchasingNotice[]) => Promise<void>;

export interface ReturnActivityDeps {
  db: Db;
  carriers: Carriers;
  logger: Logger;
  defaultSenderPhone: string;
  onStockChanged?: (skus: string[]) => Promise<void>;
  purchasingNotifier?: PurchasingNotifier;
}

/** The default notifier: a log line per notice, for whoever watches purchasing's log stream. */
export function logPurchasingNotifier(logger: Logger): PurchasingNotifier {
  return async (notices) => {
    for (const n of notices) {
      logger.info({ notice: n.id, sku: n.sku, warehouseId: n.warehouseId, resaleable: n.resaleable, damaged: n.damaged }, 'purchasing: returned units, adjust the replenishment suggestion');
    }
  };
}

export function createReturnActivities(deps: ReturnActivityDeps) {
  const { db, carriers, logger } = deps;
  const notifyPurchasing = deps.purchasingNotifier ?? logPurchasingNotifier(logger);

  return {
    async recordReturnRequest(r: NewReturn): Promise<void> {
      await insertReturn(db, r);
    },

    /**
     * Books the reverse waybill (customer → the warehouse that shipped), idempotent on the return id, with the
     * carrier that delivered when it is configured, else the default one.
     */
    async bookReturnWaybill(p: {
      returnId: string;
      orderId: string;
      warehouseId: string;
      preferredCarrier?: string | undefined;
      customer: CanonicalOrder['customer'];
      address: Address;
      lines: StockLine[];
    }): Promise<{ carrier: string; waybillNo: string }> {
      const warehouse = await warehouseParty(db, p.warehouseId, deps.defaultSenderPhone);
      const name = p.preferredCarrier && isCarrierName(p.preferredCarrier) && carriers.has(p.preferredCarrier) ? p.preferredCarrier : carriers.defaultCarrier;
      const carrier = carriers.get(name);
      const customer = customerParty(p.customer, p.address);
      const { waybillNo } = await carrier.createReturnWaybill({
        returnId: p.returnId,
        customer,
        warehouse,
        parcels: p.lines.map((l) => ({ name: l.sku, quantity: l.quantity })),
      });
      await recordReturnWaybill(db, { returnId: p.returnId, orderId: p.orderId, warehouseId: p.warehouseId, carrier: carrier.name, waybillNo });
      logger.info({ orderId: p.orderId, returnId: p.returnId, carrier: carrier.name, waybillNo }, 'return waybill booked');
      return { carrier: carrier.name, waybillNo };
    },

    async recordReturnProgress(p: { returnId: string; status: string; carrierStatus?: string; lastUpdateAt?: string }): Promise<void> {
      await updateReturnProgress(db, p);
    },

    /**
     * Receives the goods exactly once (see applyReturnReceipt), then tells the channel stock sync and
     * purchasing. Returns what the stored receipt says, so a retry answers the same.
     */
    async receiveReturnGoods(r: ReceiptInput): Promise<ReceiptOutcome> {
      const outcome = await applyReturnReceipt(db, r);
      if (outcome.applied) {
        logger.info({ orderId: r.orderId, returnId: r.returnId, receivedBy: r.receivedBy, lines: outcome.lines }, 'return received: stock released');
      } else {
        logger.info({ orderId: r.orderId, returnId: r.returnId, receivedBy: r.receivedBy }, 'return already received: nothing changed');
      }
      const resaleable = [...new Set(outcome.lines.filter((l) => l.condition === 'resaleable').map((l) => l.sku))];
      if (resaleable.length && deps.onStockChanged) await deps.onStockChanged(resaleable);
      const pending = await pendingPurchasingNotifications(db, r.returnId);
      if (pending.length) {
        await notifyPurchasing(pending);
        for (const n of pending) await markPurchasingNotified(db, n.id);
      }
      return outcome;
    },

    /** Closes a review task the workflow no longer needs (the stalled return moved again). Idempotent. */
    async closeReviewTask(p: { taskId: string; resolution: string }): Promise<void> {
      await resolveReviewTask(db, p.taskId, p.resolution);
    },
  };
}

export type ReturnActivities = ReturnType<typeof createReturnActivities>;
