/**
 * Side effects of same-buyer shipment merge (合单): join or open the buyer's parcel (one pick task for every
 * order in it), leave it, and book its one waybill. Idempotent: ids derive from the parcel and the order.
 */
import { createHash } from 'node:crypto';
import type { Carriers } from '../carriers';
import type { Db } from '../db/client';
import type { StockLine } from '../domain/stock';
import { joinOrOpenParcel, leaveParcel, parcelContents, recordParcelWaybill, sealParcelOfTask, type JoinedParcel } from '../db/queries/shipment-merge';
import type { Address, CanonicalOrder } from '../domain/order';
import type { Logger } from '../infra/logger';
import type { ShipmentRef } from '../workflows/contract';
import { assignCarrierAndAnnounce, bookAndShip } from './carrier-choice';

export interface ShipmentMergeActivityDeps {
  db: Db;
  carriers: Carriers;
  logger: Logger;
  defaultSenderPhone: string;
  onStockChanged?: (skus: string[]) => Promise<void>;
}

/** Store, warehouse and receiver (name, phone, address) hashed: the parcel's group without personal data. */
const groupKeyOf = (storeId: string, warehouseId: string, receiverKey: string) =>
  createHash('sha256').update(JSON.stringify([storeId, warehouseId, receiverKey])).digest('hex');

export function createShipmentMergeActivities(deps: ShipmentMergeActivityDeps) {
  const { db, logger } = deps;

  return {
    /**
     * The order's parcel (joined or newly opened), or null when its store does not merge shipments. A new
     * parcel's pick task gets its carrier and is announced to the PDAs in the transaction that opens it.
     */
    async joinMergedParcel(params: {
      orderId: string;
      storeId: string;
      warehouseId: string;
      receiverKey: string;
      lines: StockLine[];
      windowMs: number;
    }): Promise<JoinedParcel | null> {
      const joined = await joinOrOpenParcel(db, {
        orderId: params.orderId,
        storeId: params.storeId,
        warehouseId: params.warehouseId,
        groupKey: groupKeyOf(params.storeId, params.warehouseId, params.receiverKey),
        lines: params.lines,
        windowMs: params.windowMs,
        onTaskOpened: (tx, task) => assignCarrierAndAnnounce(tx, deps, { taskId: task.taskId, orderId: params.orderId, warehouseId: params.warehouseId, lines: task.lines }),
      });
      if (joined && joined.orderIds.length > 1) logger.info({ orderId: params.orderId, parcelId: joined.parcelId }, 'order joined a merged parcel');
      return joined ?? null;
    },

    async leaveMergedParcel(params: { orderId: string }): Promise<void> {
      await leaveParcel(db, params.orderId);
    },

    /**
     * The picker confirmed the parcel's task: nobody may join any more (sealed once; already sealed stays as
     * it is). Returns every order still in the parcel; empty when the task is no parcel's.
     */
    async sealMergedParcel(params: { taskId: string }): Promise<string[]> {
      return (await sealParcelOfTask(db, params.taskId)) ?? [];
    },

    /**
     * Books the parcel's waybill with the carrier chosen when its task opened (once: the carrier keys it on the
     * parcel id), priced for everything in the parcel, and takes this order's reserved units out of stock. Null
     * when the order no longer belongs in the parcel (its address changed): it has left and ships on its own waybill.
     */
    async shipMergedParcel(params: {
      parcelId: string;
      orderId: string;
      storeId: string;
      warehouseId: string;
      receiverKey: string;
      customer: CanonicalOrder['customer'];
      address: Address;
    }): Promise<ShipmentRef | null> {
      const contents = await parcelContents(db, params.parcelId);
      if (!contents || contents.parcel.groupKey !== groupKeyOf(params.storeId, params.warehouseId, params.receiverKey) || !contents.orderIds.includes(params.orderId)) {
        await leaveParcel(db, params.orderId);
        return null;
      }
      const shipped = await bookAndShip(db, deps, {
        ...params,
        lines: contents.lines,
        carrierOrderId: params.parcelId,
        taskId: contents.parcel.taskId,
        shipmentId: `ship-${params.parcelId}`,
        alsoRecord: (tx, waybill) => recordParcelWaybill(tx, params.parcelId, waybill.carrier, waybill.waybillNo),
      });
      const { carrier, waybillNo } = shipped.shipment;
      logger.info({ orderId: params.orderId, parcelId: params.parcelId, carrier, carrierRuleId: shipped.carrierRuleId, costFen: shipped.costFen, waybillNo }, 'order shipped in a merged parcel');
      if (deps.onStockChanged && shipped.consumedSkus.length) await deps.onStockChanged(shipped.consumedSkus);
      return shipped.shipment;
    },
  };
}

export type ShipmentMergeActivities = ReturnType<typeof createShipmentMergeActivities>;
