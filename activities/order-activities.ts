import type { Carriers } from '../carriers';
import type { CarrierEvent, CarrierName } from '../carriers/types';
import type { Db } from '../db/client';
import type { StockLine } from '../domain/stock';
import { findIntake } from '../db/queries/intake';
import { insertOrder, recordTransition, recordTransitions } from '../db/queries/orders';
import { openReviewTask, type NewReviewTask } from '../db/queries/review-tasks';
import { setShipmentStatus } from '../db/queries/shipments';
import { closeWarehouseTask, insertPickTask } from '../db/queries/warehouse-tasks';
import { warehouseLayout } from '../db/queries/warehouses';
import type { Address, CanonicalOrder } from '../domain/order';
import { pickPath } from '../domain/pick-path';
import type { Logger } from '../infra/logger';
import type { ShipmentRef, TransitionRecord } from '../workflows/contract';
import { assignCarrierAndAnnounce, bookAndShip } from './carrier-choice';

export interface OrderActivityDeps {
  db: Db;
  carriers: Carriers;
  logger: Logger;
  /** Sender phone printed on waybills for warehouses without their own contact phone. */
  defaultSenderPhone: string;
  /** Called with the SKUs whose available stock changed (channel stock sync, replenishment alerts). */
  onStockChanged?: (skus: string[]) => Promise<void>;
  /**
   * The clock whose Asia/Shanghai day allocations count against a warehouse's daily capacity (default: the
   * system clock); tests move it across midnight.
   */
  now?: () => Date;
}

export function createOrderActivities(deps: OrderActivityDeps) {
  const { db, carriers, logger } = deps;

  async function stockChanged(skus: string[]): Promise<void> {
    if (deps.onStockChanged && skus.length) await deps.onStockChanged([...new Set(skus)]);
  }

  return {
    async recordOrder(params: { orderId: string; workflowId: string; order: CanonicalOrder; at: string }): Promise<void> {
      await insertOrder(db, { ...params, status: 'PENDING_PAYMENT', at: new Date(params.at) });
    },

    /** The order was accepted but its workflow has not been started yet (it will be, by the order starter). */
    async awaitsStart(params: { orderId: string }): Promise<boolean> {
      const intake = await findIntake(db, params.orderId);
      return intake !== undefined && intake.startedAt === null;
    },

    async recordTransition(t: TransitionRecord): Promise<void> {
      await recordTransition(db, t);
    },

    /** The timeline events of one workflow step, projected together. */
    async recordTransitions(params: { transitions: TransitionRecord[] }): Promise<void> {
      await recordTransitions(db, params.transitions);
    },

    /** Opens a task for a person (stalled return, double payment, late transfer, …). Idempotent on its id. */
    async openReviewTask(task: NewReviewTask): Promise<void> {
      await openReviewTask(db, task);
      logger.warn({ taskId: task.id, kind: task.kind, orderId: task.orderId }, 'review task opened');
    },

    // Allocation (choosing the warehouse, reserving, transfers, purchases) and its undo on cancel
    // (releaseAllocation) live in allocation-activities.ts.

    /**
     * Opens the pick task (`parcelNo`: one parcel of a split order, its own task id) and, in the same
     * transaction, chooses its carrier by the carrier rules and tells the warehouse's PDAs — once, however
     * often the activity is retried.
     */
    async createPickTask(params: { orderId: string; warehouseId: string; lines: StockLine[]; parcelNo?: number }): Promise<{ taskId: string }> {
      const taskId = `pick-${params.orderId}${parcelSuffix(params.parcelNo)}`;
      const lines = pickPath(await warehouseLayout(db, params.warehouseId), params.lines);
      await db.transaction(async (tx) => {
        await insertPickTask(tx, { id: taskId, orderId: params.orderId, warehouseId: params.warehouseId, lines });
        await assignCarrierAndAnnounce(tx, deps, { taskId, orderId: params.orderId, warehouseId: params.warehouseId, lines });
      });
      return { taskId };
    },

    async closeTask(params: { taskId: string; status: 'completed' | 'cancelled' }): Promise<void> {
      await closeWarehouseTask(db, params.taskId, params.status);
    },

    /**
     * Books the waybill with the carrier chosen when the pick task opened (idempotent on the order id), then,
     * in one transaction, takes the reserved units out of the warehouse and records the shipment with its
     * freight and carrier rule, and the order's first shipping time. A split order ships one parcel per
     * warehouse (`parcelNo`): each has its own task, carrier and waybill and consumes only its warehouse's
     * reservations.
     */
    async shipOrder(params: {
      orderId: string;
      warehouseId: string;
      customer: CanonicalOrder['customer'];
      address: Address;
      lines: StockLine[];
      parcelNo?: number;
    }): Promise<ShipmentRef> {
      const suffix = parcelSuffix(params.parcelNo);
      const shipped = await bookAndShip(db, deps, {
        ...params,
        carrierOrderId: `${params.orderId}${suffix}`,
        taskId: `pick-${params.orderId}${suffix}`,
        shipmentId: `ship-${params.orderId}${suffix}`,
        consumeAt: params.parcelNo === undefined ? undefined : params.warehouseId,
      });
      const { carrier, waybillNo } = shipped.shipment;
      logger.info({ orderId: params.orderId, carrier, carrierRuleId: shipped.carrierRuleId, costFen: shipped.costFen, waybillNo }, 'order shipped');
      await stockChanged(shipped.consumedSkus);
      return shipped.shipment;
    },

    /** Active tracking: asks the carrier for the route, so a lost push never freezes an order. */
    async trackShipment(params: { carrier: CarrierName; waybillNo: string }): Promise<CarrierEvent[]> {
      return carriers.get(params.carrier).trackWaybill(params.waybillNo);
    },

    async recordShipmentStatus(params: { carrier: string; waybillNo: string; status: ShipmentRef['status']; at: string }) {
      await setShipmentStatus(db, { carrier: params.carrier, waybillNo: params.waybillNo, status: params.status, at: new Date(params.at) });
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;

/** Task, shipment and carrier order ids of a split order's parcels end in -1, -2, …; a whole order's do not. */
function parcelSuffix(parcelNo: number | undefined): string {
  return parcelNo === undefined ? '' : `-${parcelNo}`;
}
