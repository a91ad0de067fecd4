/**
 * Tells the platform an order has shipped (carrier + waybill), so the buyer sees tracking and the shop is
 * not penalised for late shipment. Runs as its own workflow, `tracking-writeback-<orderId>`, started by the
 * order when its (first) parcel ships and left running on its own (parent close policy ABANDON): a
 * platform outage is retried for up to three days without holding the order back.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { trackingWriteBackWorkflowId, type OrderState, type ShipmentRef, type TrackingWriteBackInput } from './contract';

const { writeTrackingBack } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

export async function trackingWriteBackWorkflow(input: TrackingWriteBackInput): Promise<{ outcome: string }> {
  return writeTrackingBack(input);
}

/**
 * Called by the order right after it shipped. Only orders that came from a connected store, and only the
 * first forward parcel: platforms take one waybill per order (split parcels: see docs/channels-sync.md).
 */
export async function startTrackingWriteBack(state: OrderState, shipment: ShipmentRef): Promise<void> {
  if (!state.storeId || state.channel === 'manual') return;
  if (shipment.carrier !== 'sf' && shipment.carrier !== 'jd') return;
  if (state.shipments.filter((s) => s.direction === 'forward').length !== 1) return;
  try {
    await startChild(trackingWriteBackWorkflow, {
      workflowId: trackingWriteBackWorkflowId(state.orderId),
      args: [{ orderId: state.orderId, storeId: state.storeId, channelOrderId: state.channelOrderId, carrier: shipment.carrier, waybillNo: shipment.waybillNo }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}
