/**
 * Pick & pack, ship, follow the parcel. The warehouse confirms the pick from its PDA (signal); carrier pushes
 * arrive as signals, and between them the workflow asks the carrier itself, so a lost push never freezes it.
 */
import { condition, getExternalWorkflowHandle, patched, setHandler } from '@temporalio/workflow';
import type { CarrierName } from '../carriers/types';
import { shipmentStatusOn } from '../domain/shipments';
import { activities } from './activities';
import { startTrackingWriteBack } from './channel-writeback';
import {
  carrierEventSignal,
  taskCompletedSignal,
  waveAssignedSignal,
  waveTaskClosedSignal,
  waveWorkflowId,
  type CarrierEventInput,
  type Parcel,
  type ShipmentRef,
  type WarehouseTaskRef,
} from './contract';
import type { OrderContext } from './order-context';
import { SEAL_PARCEL_PATCH, shipmentMerge } from './shipment-merge';

/**
 * Orders handling `waveAssigned` from this version on record WAVE_ASSIGNED, keep the wave on the task and tell
 * the wave when they close the task. An order whose history has the signal but not this step (it arrived
 * before the handler existed) replays without it.
 */
export const WAVE_ASSIGNMENT_PATCH = 'wave-assignment';

/**
 * Orders shipping from this version on apply the carrier pushes that reached them before they knew the
 * waybill (a merged parcel's waybill is booked by whichever order ships first, and its pushes reach every
 * order in it, maybe before the others' own ship step returns). Before, such a push was dropped and the order
 * learnt of the delivery only at its next tracking call. Orders that shipped earlier replay without it.
 */
export const EARLY_CARRIER_EVENTS_PATCH = 'early-carrier-events';

/**
 * Orders picking from this version on open their pick task in one step: the allocation's timeline events,
 * joining the buyer's merged parcel or opening the order's own task, and PICK_TASK_CREATED all go in one
 * local activity (`openPickTask`). Before, that was four (record, join, create, record). Orders that reached
 * picking earlier replay the four.
 */
export const ONE_STEP_PICK_PATCH = 'one-step-pick';

/** Registers the phase's handlers (call before the first await) and returns its steps. */
export function fulfilmentPhase(ctx: OrderContext) {
  const { state, orderId } = ctx;
  const merge = shipmentMerge(ctx);
  const tasks = warehouseTasks(ctx, merge);
  const carrier = carrierEvents(ctx);

  return {
    /**
     * True once packed; false when the order was cancelled before the picker finished. `split`: one parcel of
     * a split order (its own task with its own lines; never merged with other orders).
     */
    async pickAndPack(warehouseId: string, split?: Parcel): Promise<boolean> {
      const splitNo = split?.parcelNo;
      const lines = splitNo === undefined ? ctx.stockLines() : split!.lines;
      const opened = (taskId: string) => {
        state.tasks.push({ taskId, kind: 'pick', warehouseId, status: 'open' });
        ctx.addCompensation(() => tasks.close(taskId, 'cancelled'));
      };
      let taskId: string;
      if (patched(ONE_STEP_PICK_PATCH)) {
        const step = await ctx.act.openPickTask({
          orderId,
          warehouseId,
          lines,
          parcelNo: splitNo,
          merge: splitNo === undefined ? merge.joinRequest() : undefined,
          project: ctx.takeUnprojected(),
          entry: ctx.nextEntry(),
        });
        if (step.parcel) merge.joined(step.parcel);
        taskId = step.taskId;
        opened(taskId);
        ctx.adoptRecorded(step.entry);
      } else {
        const parcel = splitNo === undefined ? await merge.joinParcel(warehouseId) : undefined;
        taskId = (parcel ?? (await ctx.act.createPickTask({ orderId, warehouseId, lines, parcelNo: splitNo }))).taskId;
        opened(taskId);
        const shared = parcel ? { parcelId: parcel.parcelId, withOrders: parcel.orderIds.filter((id) => id !== orderId) } : {};
        await ctx.record('PICK_TASK_CREATED', 'PICKING', { taskId, warehouseId, ...shared });
      }
      await condition(() => tasks.isCompleted(taskId) || ctx.cancelRequested);
      if (!tasks.isCompleted(taskId)) return false;
      // A merged parcel's order seals the parcel and tells the others in it (orders that confirmed earlier: the API alone did).
      if (merge.parcelId && patched(SEAL_PARCEL_PATCH)) await merge.seal(taskId);
      await tasks.close(taskId, 'completed');
      await ctx.record('PACKED', undefined, { taskId });
      return true;
    },

    /** Books the waybill and takes the goods out of stock. From here on a cancel is answered "too late". */
    async ship(warehouseId: string, split?: Parcel): Promise<ShipmentRef> {
      ctx.shipping = true;
      const splitNo = split?.parcelNo;
      const shipment =
        (splitNo === undefined ? await merge.ship(warehouseId) : undefined) ??
        (await activities.shipOrder({
          orderId,
          warehouseId,
          customer: state.customer,
          address: state.shippingAddress,
          lines: splitNo === undefined ? ctx.stockLines() : split!.lines,
          parcelNo: splitNo,
        }));
      state.shipments.push(shipment);
      if (patched(EARLY_CARRIER_EVENTS_PATCH)) carrier.applyEarly();
      ctx.clearCompensations();
      await ctx.record('SHIPPED', 'SHIPPED', { carrier: shipment.carrier, waybillNo: shipment.waybillNo });
      ctx.settleCancel('too-late');
      // An order from a platform store: the platform is told in a workflow of its own, retried apart from the order.
      await startTrackingWriteBack(state, shipment);
      return shipment;
    },

    /** Waits for the carrier to report delivery, by push or by asking every tracking interval. */
    async followDelivery(shipment: ShipmentRef): Promise<void> {
      while (shipment.status !== 'delivered' && !ctx.deliveryRefused) {
        const pushed = await condition(() => shipment.status === 'delivered' || ctx.deliveryRefused, ctx.timings.trackingIntervalMs);
        if (pushed) break;
        const events = await activities.trackShipment({ carrier: shipment.carrier as CarrierName, waybillNo: shipment.waybillNo });
        for (const event of events) carrier.apply(event);
      }
      if (shipment.status !== 'delivered') return; // refused at the door: the return takes over
      const at = shipment.lastEventAt ?? ctx.now();
      await ctx.act.recordShipmentStatus({ carrier: shipment.carrier, waybillNo: shipment.waybillNo, status: 'delivered', at });
      // A split order is DELIVERED once its last parcel is.
      const allDelivered = state.shipments.every((s) => s.direction !== 'forward' || s.status === 'delivered');
      await ctx.record('DELIVERED', allDelivered ? 'DELIVERED' : undefined, { waybillNo: shipment.waybillNo, at });
    },
  };
}

/**
 * The order's warehouse tasks: the PDA's completion and the wave's assignment arrive as signals; closing a task
 * tells its wave. Registers the handlers (call before the first await).
 */
function warehouseTasks(ctx: OrderContext, merge: ReturnType<typeof shipmentMerge>) {
  const { state, orderId } = ctx;
  const completed = new Set<string>();

  setHandler(taskCompletedSignal, ({ taskId }) => {
    completed.add(taskId);
  });
  setHandler(waveAssignedSignal, async ({ waveId, taskId }) => {
    if (!patched(WAVE_ASSIGNMENT_PATCH)) return;
    // The wave may claim the task in the moment between its creation and the order taking note of it.
    await condition(() => state.tasks.some((t) => t.taskId === taskId));
    const task = state.tasks.find((t) => t.taskId === taskId)!;
    if (task.waveId === waveId) return; // told twice
    task.waveId = waveId;
    state.waveId = waveId;
    await ctx.record('WAVE_ASSIGNED', undefined, { waveId, taskId });
    // Closed before the order heard of its wave: close could not tell the wave, so tell it now.
    if (task.status !== 'open') await tellWave(task, task.status);
  });

  async function tellWave(task: WarehouseTaskRef, status: 'completed' | 'cancelled'): Promise<void> {
    try {
      await getExternalWorkflowHandle(waveWorkflowId(task.waveId!)).signal(waveTaskClosedSignal, { taskId: task.taskId, orderId, status });
    } catch {
      // The wave's workflow has ended (packed already): nothing to tell.
    }
  }

  return {
    isCompleted: (taskId: string) => completed.has(taskId),

    async close(taskId: string, status: 'completed' | 'cancelled'): Promise<void> {
      // A merged parcel's task is shared: a cancelled order only takes its own lines off it.
      if (status === 'cancelled' && merge.parcelId) await merge.leave();
      else await ctx.act.closeTask({ taskId, status });
      for (const task of state.tasks) {
        if (task.taskId !== taskId) continue;
        task.status = status;
        // The wave marks itself packed once none of its tasks is open (workflows/wave.ts). Not awaited: the
        // order need not wait for the signal to be delivered to go on packing and shipping.
        if (task.waveId) void tellWave(task, status);
      }
    },
  };
}

/** Pushes kept for a waybill the order does not know yet (the latest ones; a push names one waybill). */
const EARLY_EVENTS_KEPT = 20;

/**
 * Carrier pushes for the order's parcels, applied once each and passed on to the phases that listen (returns).
 * A push for a waybill the order does not know yet is kept, and applied once the waybill is the order's.
 */
function carrierEvents(ctx: OrderContext) {
  const seen = new Set<string>();
  let early: CarrierEventInput[] = [];
  const apply = (event: CarrierEventInput) => applyToShipment(ctx.state.shipments, seen, event);
  setHandler(carrierEventSignal, (event) => {
    if (!apply(event)) early = [...early, event].slice(-EARLY_EVENTS_KEPT);
    for (const listener of ctx.carrierEventListeners) listener(event);
  });
  return {
    apply,
    /** Applies the pushes that came before their waybill was known, in the order they came. */
    applyEarly(): void {
      const pending = early;
      early = [];
      for (const event of pending) if (!apply(event)) early.push(event);
    },
  };
}

/** A carrier event (push or tracking) for one of the order's parcels, applied once. False: not one of its waybills. */
function applyToShipment(shipments: ShipmentRef[], seen: Set<string>, event: CarrierEventInput): boolean {
  if (seen.has(event.eventId)) return true;
  const shipment = shipments.find((s) => s.waybillNo === event.waybillNo && s.carrier === event.carrier);
  if (!shipment) return false;
  seen.add(event.eventId);
  if (shipment.status === 'delivered') return true;
  shipment.lastEventAt = event.at;
  shipment.status = shipmentStatusOn(shipment.status, event.kind) ?? shipment.status;
  return true;
}
