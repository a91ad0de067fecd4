/**
 * The pack check (scan) against the real stack: orders reach PICKING through the API, the PDA scans what goes
 * into the box, and the scan that completes the task sends the order on as `complete` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalOrderInput } from '../../domain/order';
import { anOrder, aPhone, orderInStatus, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const SHIPPED_OR_LATER = ['SHIPPED', 'DELIVERED', 'COMPLETED'];

/** An order of these lines, paid, picked into one task; returns the order and task ids. */
async function taskFor(lines: Record<string, number>, overrides: Partial<CanonicalOrderInput> = {}) {
  const warehouseId = await seedWarehouse(stack, Object.fromEntries(Object.keys(lines).map((sku) => [sku, 50])));
  const orderLines = Object.entries(lines).map(([sku, quantity]) => ({ sku, quantity, unitPriceFen: 990 }));
  const created = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: orderLines, ...overrides }));
  expect(created.status).toBe(202);
  const picking = await orderInStatus(stack, created.body.orderId, 'PICKING');
  return { orderId: created.body.orderId as string, taskId: picking.tasks[0].taskId as string, warehouseId };
}

const scan = (taskId: string, body: { sku: string; quantity?: number; scanId?: string }) => stack.call('POST', `/v1/warehouse/tasks/${taskId}/scan`, body);
const taskOf = async (taskId: string) => (await stack.call('GET', `/v1/warehouse/tasks/${taskId}`)).body;

describe('pack check (scan)', () => {
  it('when each unit is scanned, then the task shows scanned and remaining, and the last scan packs it and the order ships', async () => {
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    const { orderId, taskId } = await taskFor({ [cup]: 2, [lid]: 1 });
    expect(await taskOf(taskId)).toMatchObject({ status: 'open', scanned: {}, packCheck: null, remaining: expect.arrayContaining([{ sku: cup, quantity: 2 }, { sku: lid, quantity: 1 }]) });

    const first = await scan(taskId, { sku: cup });
    expect(first).toMatchObject({ status: 200, body: { scanned: { [cup]: 1 }, packCheck: null, replayed: false } });
    expect(first.body.remaining).toEqual(expect.arrayContaining([{ sku: cup, quantity: 1 }, { sku: lid, quantity: 1 }]));
    await scan(taskId, { sku: cup });
    // Nothing moves before the pack is complete.
    expect((await stack.call('GET', `/v1/orders/${orderId}`)).body.status).toBe('PICKING');

    const last = await scan(taskId, { sku: lid, quantity: 1 });
    expect(last).toMatchObject({ status: 200, body: { scanned: { [cup]: 2, [lid]: 1 }, remaining: [], packCheck: 'scanned' } });
    const shipped = await orderInStatus(stack, orderId, SHIPPED_OR_LATER);
    expect(shipped.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['PICK_TASK_CREATED', 'PACKED', 'SHIPPED']));
    const closed = await eventually(async () => {
      const task = await taskOf(taskId);
      return task.status === 'completed' ? task : undefined;
    });
    expect(closed).toMatchObject({ packCheck: 'scanned', scanned: { [cup]: 2, [lid]: 1 }, remaining: [] });

    const after = await scan(taskId, { sku: cup });
    expect(after.status).toBe(409);
    expect(after.body.error).toMatchObject({ code: 'TASK_CLOSED', message: expect.stringMatching(/task is completed/) });
  });

  it('when a SKU is not on the task, then 409 WRONG_SKU names it and what the task holds, and nothing is counted', async () => {
    const cup = uniq('CUP');
    const { taskId } = await taskFor({ [cup]: 2 });
    const wrong = await scan(taskId, { sku: 'NOT-ON-TASK', quantity: 1 });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('WRONG_SKU');
    expect(wrong.body.error.message).toContain('SKU NOT-ON-TASK is not on this task');
    expect(wrong.body.error.message).toContain(`${cup} ×2`);
    expect(wrong.body.error.issues[0].path).toBe('json.sku');
    expect((await taskOf(taskId)).scanned).toEqual({});
  });

  it('when a scan goes beyond the task quantity, then 409 OVER_SCAN names the SKU and the quantities, and the count stays', async () => {
    const cup = uniq('CUP');
    const { taskId } = await taskFor({ [cup]: 3 });
    expect((await scan(taskId, { sku: cup, quantity: 2 })).status).toBe(200);
    const over = await scan(taskId, { sku: cup, quantity: 2 });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'OVER_SCAN', message: `SKU ${cup}: the task holds 3, 2 already scanned; 2 more would make 4` });
    expect(over.body.error.issues[0].path).toBe('json.quantity');
    expect(await taskOf(taskId)).toMatchObject({ scanned: { [cup]: 2 }, remaining: [{ sku: cup, quantity: 1 }], packCheck: null });
  });

  it('when two PDAs scan the same task at once, then exactly the task quantity is counted and the rest is refused', async () => {
    const cup = uniq('CUP');
    const { orderId, taskId } = await taskFor({ [cup]: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => scan(taskId, { sku: cup, scanId: `pda-${i % 2}-${i}` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect([r.status, r.body.error.code]).toEqual([409, expect.stringMatching(/^(OVER_SCAN|TASK_CLOSED)$/)]);
    // One of the accepted scans completed the pack; the order is signalled once and moves on.
    expect(results.filter((r) => r.status === 200 && r.body.packCheck === 'scanned')).toHaveLength(1);
    await orderInStatus(stack, orderId, SHIPPED_OR_LATER);
    expect((await taskOf(taskId)).scanned).toEqual({ [cup]: 3 });
  });

  it('when a PDA retries a scan with the same scanId, then it is counted once, also when the retries race', async () => {
    const cup = uniq('CUP');
    const { taskId } = await taskFor({ [cup]: 5 });
    const first = await scan(taskId, { sku: cup, scanId: 'scan-1' });
    const retry = await scan(taskId, { sku: cup, scanId: 'scan-1' });
    expect(first.body).toMatchObject({ scanned: { [cup]: 1 }, replayed: false });
    expect(retry).toMatchObject({ status: 200, body: { scanned: { [cup]: 1 }, replayed: true } });

    const racing = await Promise.all(Array.from({ length: 6 }, () => scan(taskId, { sku: cup, quantity: 2, scanId: 'scan-2' })));
    expect(racing.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(racing.filter((r) => !r.body.replayed)).toHaveLength(1);
    expect((await taskOf(taskId)).scanned).toEqual({ [cup]: 3 });

    const reused = await scan(taskId, { sku: cup, quantity: 1, scanId: 'scan-2' });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'SCAN_ID_REUSED', issues: [{ path: 'json.scanId' }] });
    // A scan id is the task's own: another task may use the same one.
    const other = await taskFor({ [uniq('CUP')]: 1 });
    const lines = (await taskOf(other.taskId)).lines;
    expect((await scan(other.taskId, { sku: lines[0].sku, scanId: 'scan-1' })).body).toMatchObject({ replayed: false, packCheck: 'scanned' });
  });

  it('when the packer confirms without scanning, then the task records unverified, the order ships, and scans are refused', async () => {
    const cup = uniq('CUP');
    const { orderId, taskId } = await taskFor({ [cup]: 2 });
    await scan(taskId, { sku: cup });
    const done = await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {});
    expect(done).toMatchObject({ status: 202, body: { taskId, orderId, status: 'accepted', packCheck: 'unverified' } });
    expect(await taskOf(taskId)).toMatchObject({ packCheck: 'unverified', scanned: { [cup]: 1 }, remaining: [{ sku: cup, quantity: 1 }] });
    const refused = await scan(taskId, { sku: cup });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'TASK_CLOSED', message: expect.stringContaining('already confirmed (unverified)') });
    await orderInStatus(stack, orderId, SHIPPED_OR_LATER);
    await eventually(async () => ((await taskOf(taskId)).status === 'completed' ? true : undefined));
    expect((await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {})).status).toBe(409);
  });

  it('when a fully scanned task is also confirmed, then it stays scanned', async () => {
    const cup = uniq('CUP');
    const { orderId, taskId } = await taskFor({ [cup]: 1 });
    expect((await scan(taskId, { sku: cup })).body.packCheck).toBe('scanned');
    const confirmed = await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {});
    // Either still open (confirmed again: harmless) or already closed by the order.
    if (confirmed.status === 202) expect(confirmed.body.packCheck).toBe('scanned');
    else expect(confirmed.status).toBe(409);
    await orderInStatus(stack, orderId, SHIPPED_OR_LATER);
    expect((await taskOf(taskId)).packCheck).toBe('scanned');
  });

  it('when a merged parcel is scanned complete, then it is sealed and every order in it ships, as with complete', async () => {
    const storeId = uniq('shop');
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    await seedWarehouse(stack, { [cup]: 5, [lid]: 5 });
    expect((await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: true })).status).toBe(200);
    const customer = { name: '赵六', phone: aPhone() };
    const shippingAddress = { province: '浙江省', city: '杭州市', district: '滨江区', detail: '江南大道 3588 号 2 幢' };
    const order = (sku: string) =>
      anOrder({ channel: 'taobao', storeId, customer, shippingAddress, paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 1000 }] });
    const first = (await stack.call('POST', '/v1/orders', order(cup))).body.orderId as string;
    const taskId = (await orderInStatus(stack, first, 'PICKING')).tasks[0].taskId as string;
    const second = (await stack.call('POST', '/v1/orders', order(lid))).body.orderId as string;
    expect((await orderInStatus(stack, second, 'PICKING')).tasks[0].taskId).toBe(taskId);

    expect((await scan(taskId, { sku: cup })).body.packCheck).toBeNull();
    expect((await scan(taskId, { sku: lid })).body).toMatchObject({ packCheck: 'scanned', remaining: [] });
    const [a, b] = [await orderInStatus(stack, first, SHIPPED_OR_LATER), await orderInStatus(stack, second, SHIPPED_OR_LATER)];
    expect(b.shipments[0].waybillNo).toBe(a.shipments[0].waybillNo);
  });

  it('when the request is wrong, then 400 names the field and an unknown task is 404', async () => {
    const bad = await stack.call('POST', '/v1/warehouse/tasks/pick-x/scan', { sku: '', quantity: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['json.sku', 'json.quantity']);
    expect((await scan(`pick-${uniq('nope')}`, { sku: 'CUP' })).status).toBe(404);
    expect((await stack.call('GET', `/v1/warehouse/tasks/pick-${uniq('nope')}`)).status).toBe(404);
    expect((await stack.call('POST', `/v1/warehouse/tasks/pick-${uniq('nope')}/complete`, {})).status).toBe(404);
  });
});
