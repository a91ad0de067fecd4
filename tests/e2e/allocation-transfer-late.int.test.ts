/**
 * A transfer that has not arrived by its ETA plus the grace period opens a review task while the order keeps
 * waiting; a receipt whose signal never reached the order is still noticed. Short transfer timings here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveTransfer } from '../../db/queries/transfers';
import { eventOf, orderIn, paidOrder, skuId, warehouseIn } from '../support/allocation-fixtures';
import { stockOf } from '../support/fixtures';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ timings: { transferEtaMs: 1_500, transferGraceMs: 1_500 } });
});
afterAll(async () => {
  await stack?.close();
});

async function lateTasks(orderId: string) {
  return (await stack.call('GET', `/v1/ops/review-tasks?state=all&kind=transfer-late&orderId=${orderId}`)).body as { id: string; reason: string }[];
}

describe('late transfers', () => {
  it('when a transfer is not received by ETA + grace, then a review task opens and the order keeps waiting until it arrives', async () => {
    const sku = skuId('LATE');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const suzhou = await warehouseIn(stack, 'suzhou', { [sku]: 2 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 1 });
    const transferId = `tr-${orderId}`;
    await orderIn(stack, orderId, 'AWAITING_TRANSFER');
    expect(await lateTasks(orderId)).toEqual([]);

    const [task] = await eventually(async () => {
      const tasks = await lateTasks(orderId);
      return tasks.length ? tasks : undefined;
    }, 30_000, 'the late-transfer review task');
    expect(task).toMatchObject({ id: `transfer-late-${transferId}`, reason: expect.stringContaining(transferId) });
    const waiting = await orderIn(stack, orderId, 'AWAITING_TRANSFER');
    expect(eventOf(waiting, 'TRANSFER_LATE')?.detail).toMatchObject({ transferId, reviewTaskId: task!.id });

    // Still waiting after further grace periods, and still only one task.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await lateTasks(orderId)).toHaveLength(1);
    expect((await stack.call('GET', `/v1/orders/${orderId}`)).body.status).toBe('AWAITING_TRANSFER');

    expect((await stack.call('POST', `/v1/transfers/${transferId}/received`)).status).toBe(200);
    expect((await orderIn(stack, orderId, 'PICKING')).allocation).toEqual({ rule: 'regional-transfer', warehouseId: shanghai, transferId });
    expect(await stockOf(stack, suzhou, sku)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('when a receipt is booked but its signal never reaches the order, then the order notices on its next check', async () => {
    const sku = skuId('QUIET');
    await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    await warehouseIn(stack, 'suzhou', { [sku]: 1 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 1 });
    await orderIn(stack, orderId, 'AWAITING_TRANSFER');

    // Booked straight in the database, as if the API had crashed before telling the order.
    expect((await receiveTransfer(stack.db, `tr-${orderId}`)).outcome).toBe('received');
    const picking = await orderIn(stack, orderId, 'PICKING');
    expect(eventOf(picking, 'TRANSFER_RECEIVED')).toBeDefined();
  });
});
