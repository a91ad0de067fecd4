/**
 * The after-sale window (2 s here) and JD Logistics as the carrier: returns outside the window are refused,
 * and a refused parcel comes back by a JD reverse waybill whose pushes reach the webhook signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, uniq, type Stack } from '../support/stack';
import { entries, getOrder, orderInStatus, requestReturn, shippedOrder, stockOfSku } from './returns-support';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ carrier: 'jd', serveHttp: true, timings: { afterSaleWindowMs: 2_000 } });
});
afterAll(async () => {
  await stack?.close();
});

describe('the after-sale window, with JD Logistics', () => {
  it('when the after-sale window has closed, then a return is refused with 409 and the reason', async () => {
    const sku = uniq('SOCK');
    const { orderId } = await shippedOrder(stack, [{ sku, quantity: 1, unitPriceFen: 900 }]);
    const completed = await orderInStatus(stack, orderId, 'COMPLETED');
    expect(completed.returns).toEqual([]);

    const late = await stack.call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku, quantity: 1 }], reason: '太晚了' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/after-sale window has closed/);
  });

  it('when the buyer refuses a JD parcel, then it comes back by a JD reverse waybill, pushed to the webhook', async () => {
    const sku = uniq('BOWL');
    const { orderId, warehouseId } = await shippedOrder(stack, [{ sku, quantity: 2, unitPriceFen: 1500 }], { deliver: false });
    const returnId = await requestReturn(stack, orderId, { lines: [{ sku, quantity: 2 }], refusedByBuyer: true }, { pickupAfterMs: 300, deliverAfterMs: 1_500 });
    const returned = await orderInStatus(stack, orderId, 'RETURNED');
    expect(returned.returns[0]).toMatchObject({ returnId, carrier: 'jd', waybillNo: expect.stringMatching(/^JDVA\d{13}1$/), receivedBy: 'carrier' });
    const kinds = entries(returned, 'RETURN_CARRIER_UPDATE').map((e) => e.detail!.kind);
    expect(kinds).toContain('picked_up');
    expect(kinds.at(-1)).toBe('delivered');
    expect(await stockOfSku(stack, warehouseId, sku)).toMatchObject({ onHand: 2, available: 2 });
    // A refused parcel was never delivered: no window, the order ends RETURNED once the return is done.
    const handle = stack.client.workflow.getHandle(stack.orders.workflowId(orderId));
    expect(await handle.result()).toEqual({ orderId, status: 'RETURNED' });
    const closed = await getOrder(stack, orderId);
    expect(closed.status).toBe('RETURNED');
    expect(entries(closed, 'DELIVERED')).toEqual([]);
    expect(entries(closed, 'AFTER_SALE_CLOSED')).toHaveLength(1);
  });
});
