/**
 * The bare workflow of the Temporal ceiling benchmark (bench/temporal.ts): the shape of an OMS order up to
 * its first wait, with nothing of the OMS in it. Started by signal-with-start (or a plain start) with the
 * order's search attributes, it runs ONE local activity and then waits for a "paid" signal that never comes
 * during a run. One workflow task per workflow when all goes well: the local activity runs inside it.
 *
 * Bundled with `bundleWorkflowCode` like the real workflows; only `@temporalio/workflow` is imported.
 */
import { condition, defineSignal, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { CeilingActivities } from './activities';

export interface CeilingInput {
  orderId: string;
  /** An order-sized payload (customer, address, lines), carried as the OMS order's input is. */
  order: unknown;
}

/** What signal-with-start delivers with the start: the platform's report of the order. */
export const reportedSignal = defineSignal<[{ platform: string; messageId: string }]>('reported');
/** Never sent during a run: the workflow waits for it as an order waits for payment. */
export const paidSignal = defineSignal('paid');

const { recordReceived } = proxyLocalActivities<CeilingActivities>({ startToCloseTimeout: '30 seconds' });

export async function ceilingWorkflow(input: CeilingInput): Promise<void> {
  let paid = false;
  setHandler(reportedSignal, () => undefined);
  setHandler(paidSignal, () => void (paid = true));
  await recordReceived(input.orderId);
  await condition(() => paid); // a run is terminated while every workflow waits here
}
