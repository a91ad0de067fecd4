/** Helpers shared by the returns end-to-end tests: everything goes through the HTTP API. */
import { expect } from 'vitest';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { eventually, type Stack } from '../support/stack';

export { orderInStatus };
export { CARRIED_BACK_RETURN_STEPS } from '../support/return-steps';

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  status?: string;
  detail?: Record<string, any>;
}

export async function getOrder(stack: Stack, orderId: string) {
  const res = await stack.call('GET', `/v1/orders/${orderId}`);
  expect(res.status).toBe(200);
  return res.body;
}

/**
 * A paid order, picked and shipped from a fresh warehouse. With `deliver` (default) it waits until DELIVERED;
 * otherwise (the forward parcel never delivered: `sim.planFor(orderId, { deliverAfterMs: null })` is set
 * before shipping) until SHIPPED.
 */
export async function shippedOrder(
  stack: Stack,
  lines: { sku: string; quantity: number; unitPriceFen: number }[],
  opts: { spareStock?: number; deliver?: boolean } = {},
) {
  const warehouseId = await seedWarehouse(stack, Object.fromEntries(lines.map((l) => [l.sku, l.quantity + (opts.spareStock ?? 0)])));
  const created = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines }));
  expect(created.status).toBe(202);
  const { orderId } = created.body as { orderId: string };
  if (opts.deliver === false) stack.carrier.sim.planFor(orderId, { deliverAfterMs: null });
  const picking = await orderInStatus(stack, orderId, 'PICKING');
  const done = await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
  expect(done.status).toBe(202);
  await orderInStatus(stack, orderId, opts.deliver === false ? 'SHIPPED' : 'DELIVERED');
  return { orderId, warehouseId };
}

/** Requests a return and returns its id (expects 202), after telling the carrier simulator how it will go. */
export async function requestReturn(
  stack: Stack,
  orderId: string,
  body: { lines: { sku: string; quantity: number }[]; reason?: string; refusedByBuyer?: boolean },
  plan?: { pickupAfterMs?: number | null; deliverAfterMs?: number | null },
): Promise<string> {
  const res = await stack.call('POST', `/v1/orders/${orderId}/returns`, { reason: '不想要了', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const { returnId } = res.body as { returnId: string };
  // Delays count from the waybill's creation, so planning right after the 202 is in time either way.
  if (plan) stack.carrier.sim.planFor(returnId, plan);
  return returnId;
}

/** The reverse waybill, once the workflow has booked it. */
export function returnWaybill(stack: Stack, orderId: string, returnId: string): Promise<string> {
  return eventually(async () => {
    const order = await getOrder(stack, orderId);
    return order.returns.find((r: { returnId: string }) => r.returnId === returnId)?.waybillNo as string | undefined;
  }, 30_000, `the waybill of ${returnId}`);
}

export const entries = (order: { timeline: TimelineEntry[] }, type: string) => order.timeline.filter((e) => e.type === type);
export const types = (order: { timeline: TimelineEntry[] }) => order.timeline.map((e) => e.type);

export async function stockOfSku(stack: Stack, warehouseId: string, sku: string) {
  const res = await stack.call('GET', `/v1/inventory?warehouseId=${warehouseId}&sku=${sku}`);
  return res.body[0] as { onHand: number; reserved: number; available: number };
}

export async function quarantineOf(stack: Stack, warehouseId: string, sku: string): Promise<number> {
  const res = await stack.call('GET', `/v1/quarantine?warehouseId=${warehouseId}&sku=${sku}`);
  expect(res.status).toBe(200);
  return (res.body[0]?.quantity as number | undefined) ?? 0;
}
