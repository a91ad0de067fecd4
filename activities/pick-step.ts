/**
 * The pick step of an order in one local activity (workflows/fulfilment.ts, ONE_STEP_PICK_PATCH): the timeline
 * events the order deferred (its allocation), then its place on a pick list — the buyer's merged parcel when
 * the store merges shipments, else a task of its own (with its carrier, announced to the PDAs) — then
 * PICK_TASK_CREATED where the workflow said it goes. Each part is idempotent, so the whole step is.
 */
import type { Db } from '../db/client';
import { recordTransitions } from '../db/queries/orders';
import type { StockLine } from '../domain/stock';
import type { TimelineEntry, TransitionRecord } from '../workflows/contract';
import type { OrderActivities } from './order-activities';
import type { ShipmentMergeActivities } from './shipment-merge-activities';

export function createPickStepActivities(db: Db, order: Pick<OrderActivities, 'createPickTask'>, merge: Pick<ShipmentMergeActivities, 'joinMergedParcel'>) {
  return {
    async openPickTask(params: {
      orderId: string;
      warehouseId: string;
      lines: StockLine[];
      /** One parcel of a split order: its own task, never merged. */
      parcelNo?: number | undefined;
      /** Join the buyer's parcel when the store merges shipments (whole orders only). */
      merge?: { storeId: string; receiverKey: string; windowMs: number } | undefined;
      /** Timeline events to project first. */
      project: TransitionRecord[];
      /** Where PICK_TASK_CREATED goes on the timeline. */
      entry: { seq: number; at: string };
    }): Promise<{ taskId: string; parcel: { parcelId: string; taskId: string; orderIds: string[] } | null; entry: TimelineEntry }> {
      const { orderId, warehouseId, lines } = params;
      if (params.project.length) await recordTransitions(db, params.project);
      const parcel = params.merge ? await merge.joinMergedParcel({ orderId, warehouseId, lines, ...params.merge }) : null;
      const taskId = parcel?.taskId ?? (await order.createPickTask({ orderId, warehouseId, lines, parcelNo: params.parcelNo })).taskId;
      const shared = parcel ? { parcelId: parcel.parcelId, withOrders: parcel.orderIds.filter((id) => id !== orderId) } : {};
      const entry: TimelineEntry = { ...params.entry, type: 'PICK_TASK_CREATED', status: 'PICKING', detail: { taskId, warehouseId, ...shared } };
      await recordTransitions(db, [{ orderId, ...entry }]);
      return { taskId, parcel, entry };
    },
  };
}
