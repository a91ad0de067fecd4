/**
 * One order, one workflow: from "received" to "completed" (or cancelled), reading top to bottom like the
 * business story. Deterministic: all I/O happens in activities, all waiting in Temporal timers and conditions.
 * Each phase registers its own signal/update handlers up front and exposes its steps.
 */
import { getExternalWorkflowHandle, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { CANCELLABLE, SHIPPED_OR_LATER, type OrderStatus } from '../domain/order';
import { afterSalePhase } from './after-sale';
import { allocationPhase } from './allocation';
import {
  cancelOrderUpdate,
  changeAddressUpdate,
  channelCancelledSignal,
  getOrderQuery,
  prepackBoughtSignal,
  prepackWorkflowId,
  reviewResolvedSignal,
  WarehouseIdKey,
  type OrderWorkflowInput,
  type ShipmentRef,
} from './contract';
import { dedupPhase } from './dedup';
import { fulfilmentPhase } from './fulfilment';
import { OrderContext } from './order-context';
import { paymentPhase } from './payment';

/** Orders from this version on look for a unit pre-packed for their customer before allocating (workflows/prepack.ts). */
export const PREPACK_SHIP_PATCH = 'prepack-ship';

export interface OrderOutcome {
  orderId: string;
  status: OrderStatus;
}

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderOutcome> {
  const ctx = new OrderContext(input);
  const { state, orderId } = ctx;

  setHandler(getOrderQuery, () => state);
  setHandler(reviewResolvedSignal, (resolved) => {
    for (const listener of ctx.reviewListeners) listener(resolved);
  });
  registerOrderChangeHandlers(ctx);
  const dedup = dedupPhase(ctx);
  const payment = paymentPhase(ctx);
  const allocation = allocationPhase(ctx);
  const fulfilment = fulfilmentPhase(ctx);
  const afterSale = afterSalePhase(ctx);

  // Accepted through the intake, the order is already recorded (paid, with its stock held); otherwise record it now.
  if (!ctx.adoptIntake()) {
    await ctx.act.recordOrder({ orderId, workflowId: workflowInfo().workflowId, order: input.order, at: state.statusSince });
    await ctx.record('ORDER_RECEIVED', 'PENDING_PAYMENT', { channel: state.channel, totalFen: state.totalFen });
  }
  // Units held at acceptance go back on sale if the order is cancelled before it allocates.
  if (input.intake?.held) ctx.addCompensation(() => ctx.act.releaseAllocation({ orderId }));

  // A suspected duplicate ends MERGED into its primary, reserving nothing; it still takes its payment.
  if (await dedup.mergeIfDuplicate()) {
    if ((await payment.awaitPayment()) === 'paid') await dedup.duplicatePaid();
    return { orderId, status: state.status };
  }

  const paid = await payment.awaitPayment();
  if (paid !== 'paid') return cancel(ctx, paid === 'timeout' ? 'payment timeout' : undefined);

  // The customer was expected: a unit of what they bought is already packed in a warehouse; it ships at once.
  // (The order starter, when it started the order paid, already looked whether a pre-pack waited for the customer.)
  if (patched(PREPACK_SHIP_PATCH) && input.intake?.prepack !== false) {
    const prepacked = await ctx.act.claimPrepack({ orderId, phone: state.customer.phone, lines: ctx.stockLines() });
    if (prepacked) {
      const { warehouseId, prepackId, taskId } = prepacked;
      ctx.addCompensation(() => ctx.act.releaseAllocation({ orderId }));
      state.allocation = { rule: 'prepack', warehouseId };
      await ctx.recordAll([
        { type: 'STOCK_RESERVED', status: 'RESERVED', detail: { warehouseId } },
        { type: 'ALLOCATED', status: 'ALLOCATED', detail: { rule: 'prepack', warehouseId, prepackId }, patch: { warehouseId } },
        { type: 'PACKED', detail: { taskId, prepackId, prepacked: true } },
      ]);
      upsertSearchAttributes([{ key: WarehouseIdKey, value: warehouseId }]);
      // The pre-pack ends now rather than at its TTL (the ledger already says bought; this only wakes its workflow).
      void getExternalWorkflowHandle(prepackWorkflowId(prepackId))
        .signal(prepackBoughtSignal, { orderId })
        .catch(() => undefined);
      if (ctx.cancelRequested) return cancel(ctx);
      const shipment = await fulfilment.ship(warehouseId);
      await fulfilment.followDelivery(shipment);
      return { orderId, status: await afterSale.run() };
    }
  }

  const parcels = await allocation.allocate();
  if (!parcels || ctx.cancelRequested) return cancel(ctx);

  // Usually one parcel; a split order has one per warehouse, picked in parallel and shipped one by one.
  const packed = await Promise.all(parcels.map((p) => fulfilment.pickAndPack(p.warehouseId, p)));
  if (!packed.every(Boolean)) return cancel(ctx);
  const shipments: ShipmentRef[] = [];
  for (const p of parcels) shipments.push(await fulfilment.ship(p.warehouseId, p));
  for (const shipment of shipments) await fulfilment.followDelivery(shipment);

  return { orderId, status: await afterSale.run() };
}

/** Cancel and address change: accepted until the parcel is being shipped, refused (409) after. */
function registerOrderChangeHandlers(ctx: OrderContext): void {
  const { state } = ctx;
  const closed = () => state.status === 'CANCELLED' || state.status === 'MERGED';
  /** Why a change is refused: the status, or "being shipped" while the waybill is being booked. */
  const where = () => (ctx.shipping && !SHIPPED_OR_LATER.has(state.status) ? 'being shipped' : state.status);

  setHandler(
    cancelOrderUpdate,
    async ({ reason }) => {
      ctx.requestCancel(reason);
      await ctx.awaitCancelOutcome();
      return state;
    },
    {
      validator: (_request) => {
        if (ctx.shipping || !CANCELLABLE.has(state.status)) {
          ctx.refuse(`order is ${where()}; it can no longer be cancelled`);
        }
      },
    },
  );

  setHandler(channelCancelledSignal, ({ reason }) => {
    if (!ctx.shipping && CANCELLABLE.has(state.status)) ctx.requestCancel(reason);
  });

  setHandler(
    changeAddressUpdate,
    async (address) => {
      await ctx.whenReceived();
      state.shippingAddress = address;
      await ctx.record('ADDRESS_CHANGED', undefined, { province: address.province, city: address.city }, { shippingAddress: address });
      return state;
    },
    {
      validator: (_address) => {
        if (ctx.shipping || SHIPPED_OR_LATER.has(state.status) || closed()) {
          ctx.refuse(`order is ${where()}; the address can no longer change`);
        }
      },
    },
  );
}

/** Compensates in reverse (open tasks closed, reservations released), then answers the cancel request. */
async function cancel(ctx: OrderContext, reason = ctx.cancelReason ?? 'cancelled'): Promise<OrderOutcome> {
  await ctx.compensate();
  ctx.state.cancelReason = reason;
  await ctx.record('CANCELLED', 'CANCELLED', { reason });
  ctx.settleCancel('cancelled');
  log.info('order cancelled', { orderId: ctx.orderId, reason });
  return { orderId: ctx.orderId, status: ctx.state.status };
}
