import { WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import type { OrderClient } from '../temporal/order-client';

/** Signals the order; an order whose workflow no longer runs has nothing to be told (a late event changes nothing). */
export async function tellOrder<Arg>(orders: OrderClient, orderId: string, signal: SignalDefinition<[Arg]>, arg: Arg): Promise<void> {
  try {
    await orders.handle(orderId).signal(signal, arg);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
