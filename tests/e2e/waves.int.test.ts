/**
 * Waves (波次) against the real stack: orders at PICKING in a warehouse with a layout, opened into one wave with
 * a batch pick list in walking order; the order workflows learn their wave; concurrent requests split the
 * tasks; the wave is packed once its tasks are closed; the filters; the scheduled run; validation.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdaEventsAfter } from '../../db/queries/pda-events';
import { warehouseTasks } from '../../db/schema';
import { createLogger } from '../../infra/logger';
import { upsertWaveSchedule } from '../../temporal/schedules';
import { waveScheduleId, waveWorkflowId } from '../../workflows/contract';
import { anOrder, orderInStatus } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

type Line = { sku: string; quantity: number; location: { aisle: number; bay: number } | null; orderIds: string[]; perOrder: { orderId: string; quantity: number }[] };

/**
 * A warehouse with a layout: `at` maps a SKU name to its aisle and bay (null: no location). Every SKU gets a
 * unique name (returned) and stock.
 */
async function warehouseWithLayout(at: Record<string, [number, number] | null>) {
  const id = uniq('WV');
  const sku = Object.fromEntries(Object.keys(at).map((name) => [name, uniq(`${name}-`)]));
  const locations = Object.fromEntries(Object.entries(at).flatMap(([name, place]) => (place ? [[sku[name]!, { aisle: place[0], bay: place[1] }]] : [])));
  const created = await stack.call('POST', '/v1/warehouses', { id, name: `波次仓 ${id}`, province: '浙江省', city: '杭州市', lat: 30.27, lng: 120.15, layout: { locations } });
  expect(created.status).toBe(201);
  for (const name of Object.keys(at)) expect((await stack.call('PUT', `/v1/inventory/${id}/${sku[name]}`, { onHand: 100 })).status).toBe(200);
  return { warehouseId: id, sku: sku as Record<string, string> };
}

/** A paid order of these SKUs (one unit each unless given), waited for until its pick task is open. */
async function pickingOrder(skus: (string | [string, number])[]): Promise<{ orderId: string; taskId: string }> {
  const lines = skus.map((s) => (typeof s === 'string' ? { sku: s, quantity: 1, unitPriceFen: 500 } : { sku: s[0], quantity: s[1], unitPriceFen: 500 }));
  const res = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines }));
  expect(res.status).toBe(202);
  const order = await orderInStatus(stack, res.body.orderId, 'PICKING');
  return { orderId: res.body.orderId, taskId: order.tasks[0].taskId };
}

const openWave = (warehouseId: string, body: unknown = {}) => stack.call('POST', `/v1/warehouses/${warehouseId}/waves`, body);

/** The order's WAVE_ASSIGNED timeline event, once the order has recorded it. */
function waveAssigned(orderId: string) {
  return eventually(async () => {
    const { body } = await stack.call('GET', `/v1/orders/${orderId}`);
    const event = body.timeline.find((e: { type: string }) => e.type === 'WAVE_ASSIGNED');
    return event ? { event, order: body } : undefined;
  }, 20_000, `order ${orderId} to record WAVE_ASSIGNED`);
}

const waveOf = async (waveId: string) => (await stack.call('GET', `/v1/waves/${waveId}`)).body;
const packed = (waveId: string) => eventually(async () => ((await waveOf(waveId)).status === 'packed' ? waveOf(waveId) : undefined), 30_000, `wave ${waveId} to be packed`);
const complete = async (taskId: string) => expect((await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {})).status).toBe(202);

describe('waves (波次)', () => {
  it('when orders at PICKING are waved, then one pick list in walking order covers them, shorter than picking them one by one, and each order records its wave', async () => {
    // One-way aisles (the default): odd aisles are walked up (bay 1 → n), even ones down.
    const { warehouseId, sku } = await warehouseWithLayout({ a: [1, 2], b: [2, 5], c: [2, 1], d: [3, 1], e: [4, 8], f: [5, 3], g: [6, 6], loose: null });
    const orders = [
      await pickingOrder([sku.a!, sku.e!]),
      await pickingOrder([sku.b!, [sku.f!, 2]]),
      await pickingOrder([sku.d!, sku.g!, sku.c!]),
      await pickingOrder([[sku.a!, 3], sku.g!, sku.loose!]),
    ];

    const res = await openWave(warehouseId);
    expect(res.status).toBe(201);
    const wave = res.body;
    expect(wave).toMatchObject({ warehouseId, status: 'open', createdBy: 'on-demand', routing: 's-shape', packedAt: null });
    expect([...wave.orderIds].sort()).toEqual(orders.map((o) => o.orderId).sort());
    expect([...wave.taskIds].sort()).toEqual(orders.map((o) => o.taskId).sort());

    const pickList = wave.pickList as Line[];
    expect(pickList.map((l) => l.sku)).toEqual([sku.a, sku.b, sku.c, sku.d, sku.e, sku.f, sku.g, sku.loose]);
    expect(pickList.find((l) => l.sku === sku.a)).toMatchObject({
      quantity: 4,
      location: { aisle: 1, bay: 2 },
      perOrder: expect.arrayContaining([
        { orderId: orders[0]!.orderId, quantity: 1 },
        { orderId: orders[3]!.orderId, quantity: 3 },
      ]),
    });
    expect(pickList.at(-1)).toMatchObject({ sku: sku.loose, location: null, orderIds: [orders[3]!.orderId] });
    for (const line of pickList) {
      expect(line.perOrder.reduce((n, p) => n + p.quantity, 0)).toBe(line.quantity);
      expect(line.orderIds).toEqual(line.perOrder.map((p) => p.orderId));
    }
    expect(wave.walkMeters).toBeGreaterThan(0);
    expect(wave.walkMeters).toBeLessThan(wave.naiveWalkMeters);

    // The PDAs were told in the wave's transaction.
    const events = await pdaEventsAfter(stack.db, warehouseId, 0);
    expect(events.filter((e) => e.kind === 'wave')).toEqual([
      expect.objectContaining({ data: { waveId: wave.waveId, taskIds: wave.taskIds, orderIds: wave.orderIds, pickList: wave.pickList } }),
    ]);
    const rows = await stack.db.select({ id: warehouseTasks.id, waveId: warehouseTasks.waveId }).from(warehouseTasks).where(inArray(warehouseTasks.id, wave.taskIds));
    expect(rows.map((r) => r.waveId)).toEqual(wave.taskIds.map(() => wave.waveId));

    for (const { orderId, taskId } of orders) {
      const { event, order } = await waveAssigned(orderId);
      expect(event.detail).toEqual({ waveId: wave.waveId, taskId });
      expect(order.waveId).toBe(wave.waveId);
      expect(order.tasks).toEqual([expect.objectContaining({ taskId, waveId: wave.waveId, status: 'open' })]);
    }

    expect(await waveOf(wave.waveId)).toEqual(wave);
    const listed = await stack.call('GET', `/v1/waves?warehouseId=${warehouseId}&status=open`);
    expect(listed.body.map((w: { waveId: string }) => w.waveId)).toEqual([wave.waveId]);
    // Every task is in a wave now: nothing left to wave.
    const again = await openWave(warehouseId);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'NOTHING_TO_WAVE' } } });

    // Packed only once the last task is closed.
    for (const { taskId } of orders.slice(0, -1)) await complete(taskId);
    await orderInStatus(stack, orders[2]!.orderId, ['SHIPPED', 'DELIVERED', 'COMPLETED']);
    expect((await waveOf(wave.waveId)).status).toBe('open');
    await complete(orders.at(-1)!.taskId);
    const done = await packed(wave.waveId);
    expect(new Date(done.packedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.createdAt).getTime());
    expect((await stack.call('GET', `/v1/waves?warehouseId=${warehouseId}&status=packed`)).body.map((w: { waveId: string }) => w.waveId)).toEqual([wave.waveId]);
    expect((await stack.client.workflow.getHandle(waveWorkflowId(wave.waveId)).result()) as unknown).toEqual({ waveId: wave.waveId, status: 'packed' });
  });

  it('when concurrent wave requests race for the same tasks, then each task lands in exactly one wave', async () => {
    const { warehouseId, sku } = await warehouseWithLayout({ a: [1, 1], b: [2, 2], c: [3, 3] });
    const orders = [];
    for (const s of [sku.a!, sku.b!, sku.c!, sku.a!, sku.b!, sku.c!]) orders.push(await pickingOrder([s]));

    const answers = await Promise.all([1, 2, 3].map(() => openWave(warehouseId, { maxOrders: 3 })));
    const waves = answers.filter((a) => a.status === 201).map((a) => a.body);
    for (const a of answers) expect([201, 409]).toContain(a.status);
    const claimed = waves.flatMap((w) => w.taskIds as string[]);
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed).size).toBe(6);
    for (const w of waves) expect(w.taskIds.length).toBeLessThanOrEqual(3);
    const rows = await stack.db.select({ id: warehouseTasks.id, waveId: warehouseTasks.waveId }).from(warehouseTasks).where(eq(warehouseTasks.warehouseId, warehouseId));
    for (const row of rows) expect(waves.find((w) => w.taskIds.includes(row.id))?.waveId).toBe(row.waveId);
  });

  it('when an order of a wave is cancelled and the other is picked, then the wave is packed', async () => {
    const { warehouseId, sku } = await warehouseWithLayout({ a: [1, 1], b: [3, 4] });
    const kept = await pickingOrder([sku.a!]);
    const cancelled = await pickingOrder([sku.b!]);
    const { body: wave } = await openWave(warehouseId);
    await waveAssigned(cancelled.orderId);
    expect((await stack.call('POST', `/v1/orders/${cancelled.orderId}/cancel`, { reason: 'buyer changed their mind' })).status).toBe(200);
    await complete(kept.taskId);
    expect(await packed(wave.waveId)).toMatchObject({ status: 'packed', taskIds: expect.arrayContaining([kept.taskId, cancelled.taskId]) });
  });

  it('when an order of the wave no longer has a running workflow, then the wave still opens and tells the others', async () => {
    const { warehouseId, sku } = await warehouseWithLayout({ a: [1, 1], b: [2, 2] });
    const gone = await pickingOrder([sku.a!]);
    const alive = await pickingOrder([sku.b!]);
    // Terminated by hand: its task stays open, nobody will tell the wave about it.
    await stack.orders.handle(gone.orderId).terminate('test: an order workflow terminated by an operator');
    const res = await openWave(warehouseId);
    expect(res.status).toBe(201);
    expect(res.body.taskIds).toEqual([gone.taskId, alive.taskId]);
    await waveAssigned(alive.orderId);
    await complete(alive.taskId);
    await orderInStatus(stack, alive.orderId, ['SHIPPED', 'DELIVERED', 'COMPLETED']);
    const described = await stack.client.workflow.getHandle(waveWorkflowId(res.body.waveId)).describe();
    expect(described.status.name).toBe('RUNNING');
    expect((await waveOf(res.body.waveId)).status).toBe('open');
  });

  it('when maxOrders, carrier and cutoff are given, then only the oldest qualifying tasks are waved', async () => {
    const { warehouseId, sku } = await warehouseWithLayout({ a: [1, 1], b: [2, 3] });
    const first = await pickingOrder([sku.a!]);
    const second = await pickingOrder([sku.b!]);
    // Between the second and the third task, written in China time.
    await new Promise((r) => setTimeout(r, 50));
    const cutoff = chinaTime(new Date());
    await new Promise((r) => setTimeout(r, 50));
    const third = await pickingOrder([sku.a!, sku.b!]);
    const fourth = await pickingOrder([sku.b!]);
    // The carrier rules choose a task's carrier when it opens; here it is set as they would have.
    await stack.db.update(warehouseTasks).set({ carrier: 'jd' }).where(inArray(warehouseTasks.id, [first.taskId, fourth.taskId]));
    await stack.db.update(warehouseTasks).set({ carrier: 'sf' }).where(inArray(warehouseTasks.id, [second.taskId, third.taskId]));

    const byCutoff = await openWave(warehouseId, { cutoff, carrier: 'sf' });
    expect(byCutoff.status).toBe(201);
    expect(byCutoff.body).toMatchObject({ orderIds: [second.orderId], carrier: 'sf', cutoff: new Date(cutoff).toISOString() });
    expect(await openWave(warehouseId, { cutoff, carrier: 'sf' })).toMatchObject({ status: 409 });

    const jd = await openWave(warehouseId, { carrier: 'jd', maxOrders: 1 });
    expect(jd.body.orderIds).toEqual([first.orderId]);
    const rest = await openWave(warehouseId, { maxOrders: 1 });
    expect(rest.body.orderIds).toEqual([third.orderId]);
    expect((await openWave(warehouseId)).body.orderIds).toEqual([fourth.orderId]);
  });

  it('when the scheduled run comes, then each warehouse with unwaved tasks gets a wave and its orders learn it', async () => {
    const one = await warehouseWithLayout({ a: [1, 1], b: [2, 2] });
    const two = await warehouseWithLayout({ a: [1, 1] });
    const idle = await warehouseWithLayout({ a: [1, 1] });
    const inOne = [await pickingOrder([one.sku.a!]), await pickingOrder([one.sku.b!])];
    const inTwo = await pickingOrder([two.sku.a!]);

    // The schedule's own action, run now and limited to this test's warehouses (the database is shared).
    const { waveIds } = await stack.client.workflow.execute('waveScheduleWorkflow', {
      workflowId: uniq('wave-run-'),
      taskQueue: stack.taskQueue,
      args: [{ warehouseIds: [one.warehouseId, two.warehouseId, idle.warehouseId] }],
    });
    expect(waveIds).toHaveLength(2);
    const waves = await eventually(async () => {
      const found = await Promise.all((waveIds as string[]).map(waveOf));
      return found.every((w) => w?.waveId) ? found : undefined;
    });
    expect(waves.map((w) => [w.warehouseId, w.createdBy, [...w.orderIds].sort()])).toEqual([
      [one.warehouseId, 'schedule', inOne.map((o) => o.orderId).sort()],
      [two.warehouseId, 'schedule', [inTwo.orderId]],
    ]);
    for (const { orderId } of [...inOne, inTwo]) expect((await waveAssigned(orderId)).event.detail.waveId).toBe(waves.find((w) => w.orderIds.includes(orderId))!.waveId);
    expect((await stack.call('GET', `/v1/waves?warehouseId=${idle.warehouseId}`)).body).toEqual([]);
  });

  it('when WAVE_INTERVAL is set or off, then the schedule is created with it or removed', async () => {
    const logger = createLogger('silent');
    const handle = stack.client.schedule.getHandle(waveScheduleId(stack.taskQueue));
    await upsertWaveSchedule({ client: stack.client, taskQueue: stack.taskQueue, intervalMs: 60 * 60_000, logger });
    try {
      const described = await handle.describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 60 * 60_000 })]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'waveScheduleWorkflow', taskQueue: stack.taskQueue });
      // A changed interval reaches the existing schedule.
      await upsertWaveSchedule({ client: stack.client, taskQueue: stack.taskQueue, intervalMs: 30 * 60_000, logger });
      expect((await handle.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 30 * 60_000 })]);
    } finally {
      await upsertWaveSchedule({ client: stack.client, taskQueue: stack.taskQueue, intervalMs: null, logger });
    }
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('when a wave request is malformed or names nothing known, then it is refused with field paths or 404', async () => {
    const { warehouseId } = await warehouseWithLayout({ a: [1, 1] });
    const refused = async (body: unknown, path: string) => {
      const res = await openWave(warehouseId, body);
      expect(res.status).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    };
    await refused({ maxOrders: 0 }, 'json.maxOrders');
    await refused({ maxOrders: 2.5 }, 'json.maxOrders');
    await refused({ maxOrders: 501 }, 'json.maxOrders');
    await refused({ carrier: '' }, 'json.carrier');
    await refused({ cutoff: '2026-11-25T10:00:00' }, 'json.cutoff');
    await refused({ cutoff: 'tomorrow' }, 'json.cutoff');
    const status = await stack.call('GET', '/v1/waves?status=done');
    expect(status.status).toBe(400);
    expect(status.body.error.issues[0].path).toBe('query.status');

    expect(await openWave(uniq('NOWH'))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await stack.call('GET', `/v1/waves/${uniq('W-none-')}`)).toMatchObject({ status: 404 });
    // A warehouse with no open pick task: nothing to wave.
    expect(await openWave(warehouseId)).toMatchObject({ status: 409, body: { error: { code: 'NOTHING_TO_WAVE' } } });
  });
});

/** The time as a China-time ISO string with its offset (`+08:00`). */
function chinaTime(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 23)}+08:00`;
}
