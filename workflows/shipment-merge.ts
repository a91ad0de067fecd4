/**
 * Same-buyer shipment merge (合单), as fulfilment sees it. When the order's store merges shipments, the order
 * joins the parcel of other orders of that store for the same receiver and address, allocated to the same
 * warehouse within the merge window (or opens one): one pick task and one waybill for all of them, while
 * each order keeps its own lifecycle. Off by default; configured per store (PUT /v1/stores/:id/shipment-merge).
 */
import { receiverKeyOf } from '../domain/fingerprint';
import { activities } from './activities';
import type { ShipmentRef } from './contract';
import type { OrderContext } from './order-context';

const DEFAULT_WINDOW_MS = 30 * 60_000;

export function shipmentMerge(ctx: OrderContext) {
  const { state, orderId } = ctx;
  let parcelId: string | undefined;
  /** Orders keyed in without a store are merged under their channel's name (e.g. `manual`). */
  const storeId = () => state.storeId ?? state.channel;
  const receiverKey = () => receiverKeyOf(state.customer, state.shippingAddress);

  return {
    /** Set while the order is in a merged parcel. */
    get parcelId(): string | undefined {
      return parcelId;
    },

    /** The parcel's shared pick task, or undefined when the store ships every order on its own. */
    async joinParcel(warehouseId: string): Promise<{ parcelId: string; taskId: string; orderIds: string[] } | undefined> {
      const joined = await ctx.act.joinMergedParcel({
        orderId,
        storeId: storeId(),
        warehouseId,
        receiverKey: receiverKey(),
        lines: ctx.stockLines(),
        windowMs: ctx.timings.shipmentMergeWindowMs ?? DEFAULT_WINDOW_MS,
      });
      parcelId = joined?.parcelId;
      return joined ?? undefined;
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
