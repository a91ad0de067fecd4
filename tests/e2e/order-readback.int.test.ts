/**
 * An order Temporal no longer holds (its closed workflow has left retention) is read back from the read model:
 * what it knows (the allocation's rule and warehouse, the waybills) is shown as recorded, and what only the
 * workflow knew is absent rather than invented.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderWorkflowId } from '../../workflows/contract';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

it('when an order has left Temporal, then its read-back shows the recorded allocation and waybills', async () => {
  const sku = uniq('SKU');
  const warehouseId = await seedWarehouse(stack, { [sku]: 3 });
  const posted = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
  const orderId = posted.body.orderId as string;
  const picking = await orderInStatus(stack, orderId, 'PICKING');
  await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
  const live = await orderInStatus(stack, orderId, 'COMPLETED', 60_000);
  expect(live.allocation.rule).not.toBe('recorded');

  // Retention, simulated: the closed workflow's execution is deleted (asynchronously on the server; asked again
  // until it is gone).
  const handle = stack.orders.handle(orderId);
  const stored = await eventually(
    async () => {
      const gone = await handle.describe().then(
        () => false,
        () => true,
      );
      if (!gone) {
        await stack.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: orderWorkflowId(orderId) } }).catch(() => undefined);
        return undefined;
      }
      const res = await stack.call('GET', `/v1/orders/${orderId}`);
      return res.status === 200 ? res.body : undefined;
    },
    120_000,
    'the read-back from the read model',
  );
  expect(stored).toMatchObject({
    status: 'COMPLETED',
    allocation: { rule: live.allocation.rule, warehouseId },
    shipments: [{ direction: 'forward', carrier: live.shipments[0].carrier, waybillNo: live.shipments[0].waybillNo, status: 'delivered' }],
    tasks: [],
  });
});
