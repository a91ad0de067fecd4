/**
 * Same-buyer shipment merge (合单), as fulfilment sees it. When the order's store merges shipments, the order
 * joins the parcel of other orders of that store for the same receiver and address, allocated to the same
 * warehouse within the merge window (or opens one): one pick task and one waybill for all of them, while
 * each order keeps its own lifecycle. Off by default; configured per store (PUT /v1/stores/:id/shipment-merge).
 */
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { receiverKeyOf } from '../domain/fingerprint';
import { activities } from './activities';
import { orderWorkflowId, taskCompletedSignal, type ShipmentRef } from './contract';
import type { OrderContext } from './order-context';

const DEFAULT_WINDOW_MS = 30 * 60_000;

/**
 * Orders confirming their parcel's pick task from this version on seal the parcel themselves and tell the
 * other orders in it (the API still seals too: see api/routes/warehouse-tasks.ts). Orders that confirmed
 * before it replay without the step.
 */
export const SEAL_PARCEL_PATCH = 'seal-parcel-in-workflow';

export function shipmentMerge(ctx: OrderContext) {
  const { state, orderId } = ctx;
  let parcelId: string | undefined;
  /** Orders keyed in without a store are merged under their channel's name (e.g. `manual`). */
  const storeId = () => state.storeId ?? state.channel;
  const receiverKey = () => receiverKeyOf(state.customer, state.shippingAddress);
  const joinRequest = () => ({ storeId: storeId(), receiverKey: receiverKey(), windowMs: ctx.timings.shipmentMergeWindowMs ?? DEFAULT_WINDOW_MS });

  return {
    /** Set while the order is in a merged parcel. */
    get parcelId(): string | undefined {
      return parcelId;
    },

    /** The parcel's shared pick task, or undefined when the store ships every order on its own. */
    async joinParcel(warehouseId: string): Promise<{ parcelId: string; taskId: string; orderIds: string[] } | undefined> {
      const joined = await ctx.act.joinMergedParcel({ orderId, warehouseId, lines: ctx.stockLines(), ...joinRequest() });
      parcelId = joined?.parcelId;
      return joined ?? undefined;
    },

    /** What joining the buyer's parcel takes besides the order, its warehouse and lines (see `openPickTask`). */
    joinRequest,

    /** The order is in this parcel now (joined in the pick step). */
    joined(parcel: { parcelId: string }): void {
      parcelId = parcel.parcelId;
    },

    /**
     * The picker confirmed the parcel's task: the parcel is sealed (nobody joins any more) and every other
     * order still in it is told the task is done. Telling an order twice (the API tells them too) is harmless.
     */
    async seal(taskId: string): Promise<void> {
      const inParcel = await ctx.act.sealMergedParcel({ taskId });
      await Promise.all(
        inParcel
          .filter((id) => id !== orderId)
          .map(async (id) => {
            try {
              await getExternalWorkflowHandle(orderWorkflowId(id)).signal(taskCompletedSignal, { taskId });
            } catch {
              // That order's workflow has closed: it needs no telling.
            }
          }),
      );
    },

    /** Cancelled before packing: the order's lines come off the shared pick list (the others still ship). */
    async leave(): Promise<void> {
      await ctx.act.leaveMergedParcel({ orderId });
      parcelId = undefined;
    },

    /**
     * The parcel's waybill, or undefined when the order ships alone: it is in no parcel, or its address
     * changed since it joined (it then leaves the parcel).
     */
    async ship(warehouseId: string): Promise<ShipmentRef | undefined> {
      if (!parcelId) return undefined;
      const shipment = await activities.shipMergedParcel({
        parcelId,
        orderId,
        storeId: storeId(),
        warehouseId,
        receiverKey: receiverKey(),
        customer: state.customer,
        address: state.shippingAddress,
      });
      if (!shipment) parcelId = undefined;
      return shipment ?? undefined;
    },
  };
}
