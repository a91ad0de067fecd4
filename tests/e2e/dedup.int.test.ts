import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptOrders, prepareStarts } from '../../db/queries/intake';
import { dedupClaims, orders } from '../../db/schema';
import { orderIdOf, type CanonicalOrderInput } from '../../domain/order';
import { canonicalOrderSchema } from '../../domain/order-schema';
import { orderWorkflowId } from '../../workflows/contract';
import { anOrder, aPhone, orderInStatus, seedWarehouse, stockOf } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const MINUTE = 60_000;
const at = (base: number, minutes: number) => new Date(base + minutes * MINUTE).toISOString();
/** The same mobile number as another platform would write it. */
const writtenOtherwise = (phone: string) => {
  const d = phone.replace(/\D/g, '').slice(-11);
  return `(0086) ${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`;
};

async function post(order: CanonicalOrderInput): Promise<string> {
  const res = await stack.call('POST', '/v1/orders', order);
  expect([200, 202]).toContain(res.status);
  return res.body.orderId;
}


/** Waits until the order has claimed its fingerprint, so the next order is the later one. */
async function claimed(orderId: string) {
  return eventually(async () => {
    const [row] = await stack.db.select().from(dedupClaims).where(eq(dedupClaims.orderId, orderId));
    return row;
  });
}

async function reviewTasks(query: string) {
  const res = await stack.call('GET', `/v1/ops/review-tasks?${query}`);
  expect(res.status).toBe(200);
  return res.body as { id: string; kind: string; orderId: string; reason: string; createdAt: string; resolvedAt?: string }[];
}

async function mergedIntoViaTemporal(primaryOrderId: string) {
  return eventually(
    async () => {
      const ids: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: `MergedInto = '${primaryOrderId}' AND OrderStatus = 'MERGED'` })) ids.push(wf.workflowId);
      return ids.length ? ids : undefined;
    },
    30_000,
    'the MergedInto search attribute',
  );
}

describe('exact redelivery', () => {
  it('when one platform order is delivered 50 times concurrently, then there is one order, one row and one workflow', async () => {
    const sku = uniq('SKU');
    const order = anOrder({ channel: 'taobao', lines: [{ sku, quantity: 1, unitPriceFen: 100 }] });
    const responses = await Promise.all(Array.from({ length: 50 }, () => stack.call('POST', '/v1/orders', order)));

    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    const orderId = `taobao-${order.channelOrderId}`;
    expect(new Set(responses.map((r) => r.body.orderId))).toEqual(new Set([orderId]));

    await orderInStatus(stack, orderId, 'PENDING_PAYMENT');
    const rows = await stack.db.select().from(orders).where(eq(orders.channelOrderId, order.channelOrderId));
    expect(rows).toHaveLength(1);
    const runs = await eventually(async () => {
      const found: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'order-${orderId}'` })) found.push(wf.runId);
      return found.length ? found : undefined;
    });
    expect(runs).toHaveLength(1);

    // Delivered again later, it is still the same order.
    const late = await stack.call('POST', '/v1/orders', order);
    expect(late).toMatchObject({ status: 200, body: { orderId } });
  });
});

describe('suspected duplicates (phone + SKU set + creation time within ±3 minutes)', () => {
  it('when a Taobao and a Douyin order of one buyer are 2 minutes apart, then the later one is merged and reserves nothing', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 10 });
    const phone = aPhone();
    const t0 = Date.now() - 10 * MINUTE;
    const primary = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    await claimed(primary);
    const douyinOrder = anOrder({
      channel: 'douyin',
      createdAt: at(t0, 2),
      paidAt: at(t0, 2),
      customer: { name: '王先生', phone: writtenOtherwise(phone) },
      lines: [{ sku, quantity: 1, unitPriceFen: 990 }],
    });
    const duplicate = await post(douyinOrder);

    const merged = await orderInStatus(stack, duplicate, 'MERGED');
    expect(merged.mergedInto).toBe(primary);
    // Accepted paid, its unit was held at once; merged, it gives the unit back.
    const timeline = await eventually(async () => {
      const types = (await stack.call('GET', `/v1/orders/${duplicate}`)).body.timeline.map((e: { type: string }) => e.type);
      return types.length >= 4 ? types : undefined;
    });
    expect(timeline).toEqual(['ORDER_RECEIVED', 'PAYMENT_CONFIRMED', 'STOCK_HELD', 'MERGED']);
    await eventually(async () => ((await stack.call('GET', `/v1/inventory?sku=${sku}`)).body.every((r: { held: number }) => r.held === 0) ? true : undefined), 10_000, 'the hold to be released');
    const withMerge = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders/${primary}`);
      return res.body.merged.length ? res.body : undefined;
    });
    expect(withMerge).toMatchObject({ status: 'PENDING_PAYMENT', mergedInto: null, merged: [duplicate] });
    expect(withMerge.timeline).toContainEqual(expect.objectContaining({ type: 'DUPLICATE_MERGED', detail: expect.objectContaining({ orderId: duplicate, channel: 'douyin', paid: true }) }));
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 0 });
    expect(await mergedIntoViaTemporal(primary)).toEqual([`order-${duplicate}`]);
    const listed = await stack.call('GET', '/v1/orders?status=MERGED&channel=douyin');
    expect(listed.body.items).toContainEqual(expect.objectContaining({ orderId: duplicate, mergedInto: primary }));

    // Only the duplicate is paid so far: nothing to refund yet.
    expect(await reviewTasks(`state=all&orderId=${duplicate}`)).toEqual([]);

    // The primary is paid later: it alone reserves, and now both are paid, so a person decides the refund.
    await stack.call('POST', `/v1/orders/${primary}/payment`, {});
    await orderInStatus(stack, primary, 'PICKING');
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 1 });
    const [task] = await eventually(async () => {
      const tasks = await reviewTasks(`kind=duplicate-payment&orderId=${duplicate}`);
      return tasks.length ? tasks : undefined;
    });
    expect(task).toMatchObject({ kind: 'duplicate-payment', orderId: duplicate });
    expect(task!.reason).toContain(primary);

    // A redelivery of the merged order is still that order.
    const again = await stack.call('POST', '/v1/orders', douyinOrder);
    expect(again).toMatchObject({ status: 200, body: { orderId: duplicate, status: 'MERGED' } });
  });

  it('when a duplicate’s workflow starts before its primary’s (both claimed by the starter, started in parallel), then it waits for the primary and the primary learns of it', async () => {
    const sku = uniq('SKU');
    const phone = aPhone();
    const t0 = Date.now() - 10 * MINUTE;
    const canonical = (channel: 'taobao' | 'pdd', minutes: number) =>
      canonicalOrderSchema.parse(anOrder({ channel, createdAt: at(t0, minutes), customer: { name: '赵六', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    const [first, second] = [canonical('taobao', 0), canonical('pdd', 1)];
    // Accepted for a task queue no starter serves: nothing starts them but this test.
    const { accepted } = await stack.db.transaction((tx) =>
      acceptOrders(
        tx,
        [first, second].map((order) => {
          const orderId = orderIdOf(order.channel, order.channelOrderId);
          return { orderId, workflowId: orderWorkflowId(orderId), order, hold: false };
        }),
        new Date(),
        uniq('parked'),
      ),
    );
    // What the order starter does before starting them: claim both.
    const [primary, duplicate] = await stack.db.transaction((tx) => prepareStarts(tx, accepted.map((a) => a.input!)));
    expect(duplicate!.intake?.claim).toEqual({ role: 'duplicate', primaryOrderId: primary!.orderId });

    await stack.orders.startAccepted(duplicate!);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await stack.call('GET', `/v1/orders/${duplicate!.orderId}`)).body.status).toBe('PENDING_PAYMENT');

    expect(await stack.orders.ensureStarted(primary!.orderId)).toBe(true);
    expect((await orderInStatus(stack, duplicate!.orderId, 'MERGED')).mergedInto).toBe(primary!.orderId);
    const told = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders/${primary!.orderId}`);
      return res.body.merged.length ? res.body : undefined;
    });
    expect(told.timeline).toContainEqual(expect.objectContaining({ type: 'DUPLICATE_MERGED', detail: expect.objectContaining({ orderId: duplicate!.orderId }) }));
  });

  it('when the two orders are 4 minutes apart, then they are two orders', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 10 });
    const phone = aPhone();
    const t0 = Date.now() - 10 * MINUTE;
    const first = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), paidAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    await claimed(first);
    const second = await post(anOrder({ channel: 'douyin', createdAt: at(t0, 4), paidAt: at(t0, 4), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));

    for (const id of [first, second]) expect(await orderInStatus(stack, id, 'PICKING')).toMatchObject({ mergedInto: null, merged: [] });
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 2 });
  });

  it('when the same phone orders another SKU within the window, then they are two orders', async () => {
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    await seedWarehouse(stack, { [cup]: 5, [lid]: 5 });
    const phone = aPhone();
    const t0 = Date.now();
    const first = await post(anOrder({ channel: 'pdd', createdAt: at(t0, 0), paidAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku: cup, quantity: 1, unitPriceFen: 990 }] }));
    await claimed(first);
    const second = await post(
      anOrder({ channel: 'pdd', createdAt: at(t0, 1), paidAt: at(t0, 1), customer: { name: '王五', phone }, lines: [{ sku: cup, quantity: 1, unitPriceFen: 990 }, { sku: lid, quantity: 1, unitPriceFen: 100 }] }),
    );
    for (const id of [first, second]) expect(await orderInStatus(stack, id, 'PICKING')).toMatchObject({ mergedInto: null, merged: [] });
  });

  it('when the platform masked the phone, then identical-looking orders never match', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
    const t0 = Date.now();
    const masked = { name: '王*', phone: '139****8000' };
    const first = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), paidAt: at(t0, 0), customer: masked, lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    await orderInStatus(stack, first, 'PICKING');
    const second = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), paidAt: at(t0, 0), customer: masked, lines: [{ sku, quantity: 1, unitPriceFen: 990 }] }));
    expect(await orderInStatus(stack, second, 'PICKING')).toMatchObject({ mergedInto: null });
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 2 });
    const claims = await stack.db.select().from(dedupClaims).where(inArray(dedupClaims.orderId, [first, second]));
    expect(claims).toEqual([]);
  });

  it('when five duplicates arrive at the same moment, then exactly one is the primary and the others merge into it', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 10 });
    const phone = aPhone();
    const createdAt = new Date().toISOString();
    const channels = ['taobao', 'tmall', 'pdd', 'douyin', 'wechat'] as const;
    const posted = await Promise.all(
      channels.map((channel) =>
        stack.call('POST', '/v1/orders', anOrder({ channel, createdAt, paidAt: createdAt, customer: { name: '王五', phone }, lines: [{ sku, quantity: 2, unitPriceFen: 500 }] })),
      ),
    );
    const ids = posted.map((r) => r.body.orderId as string);

    const settled = await eventually(
      async () => {
        const rows = await stack.db.select({ orderId: orders.orderId, status: orders.status, mergedInto: orders.mergedInto }).from(orders).where(inArray(orders.orderId, ids));
        const done = rows.filter((r) => r.status === 'MERGED' || r.status === 'PICKING');
        return done.length === ids.length ? rows : undefined;
      },
      60_000,
      'all five orders to be merged or picking',
    );
    const primaries = settled.filter((r) => r.status !== 'MERGED');
    expect(primaries).toHaveLength(1);
    const primary = primaries[0]!.orderId;
    expect(settled.filter((r) => r.status === 'MERGED').map((r) => r.mergedInto)).toEqual([primary, primary, primary, primary]);
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 2 });
    const primaryState = await eventually(async () => {
      const res = await stack.call('GET', `/v1/orders/${primary}`);
      return res.body.merged.length === 4 ? res.body : undefined;
    });
    expect([...primaryState.merged].sort()).toEqual(ids.filter((id) => id !== primary).sort());
    // All five were paid: each merged one waits for a refund decision.
    const tasks = await eventually(async () => {
      const found = await reviewTasks('kind=duplicate-payment&limit=500');
      const mine = found.filter((t) => ids.includes(t.orderId));
      return mine.length === 4 ? mine : undefined;
    });
    expect(tasks.map((t) => t.orderId).sort()).toEqual(ids.filter((id) => id !== primary).sort());
  });

  it('when both orders were paid, then a review task is opened for the refund, listed and resolvable by ops', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const phone = aPhone();
    const t0 = Date.now();
    const primary = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), paidAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 1990 }] }));
    await claimed(primary);
    const duplicate = await post(anOrder({ channel: 'pdd', createdAt: at(t0, -1), paidAt: at(t0, -1), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 1990 }] }));
    await orderInStatus(stack, duplicate, 'MERGED');

    const [task] = await eventually(async () => {
      const open = await reviewTasks(`kind=duplicate-payment&orderId=${duplicate}`);
      return open.length ? open : undefined;
    });
    expect(task).toMatchObject({ id: `duplicate-payment-${duplicate}`, kind: 'duplicate-payment', orderId: duplicate });
    expect(task!.reason).toContain('¥19.90');
    expect(task!.createdAt).toBeTruthy();
    expect(task!.resolvedAt).toBeUndefined();

    const resolved = await stack.call('POST', `/v1/ops/review-tasks/${task!.id}/resolve`, { resolution: 'refunded', note: 'refunded on PDD' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolvedAt).toBeTruthy();
    expect((await stack.call('POST', `/v1/ops/review-tasks/${task!.id}/resolve`, { resolution: 'refunded' })).status).toBe(409);
    expect(await reviewTasks(`state=open&orderId=${duplicate}`)).toEqual([]);
    expect(await reviewTasks(`state=resolved&orderId=${duplicate}`)).toEqual([expect.objectContaining({ id: task!.id, resolvedAt: expect.any(String) })]);
  });

  it('when the duplicate is paid only after it was merged, then the payment is taken and a review task opens', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const phone = aPhone();
    const t0 = Date.now();
    const primary = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), paidAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    await claimed(primary);
    const duplicate = await post(anOrder({ channel: 'wechat', createdAt: at(t0, 1), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    await orderInStatus(stack, duplicate, 'MERGED');
    expect(await reviewTasks(`state=all&orderId=${duplicate}`)).toEqual([]);

    const paid = await stack.call('POST', `/v1/orders/${duplicate}/payment`, { reference: 'wx-late' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'MERGED', mergedInto: primary });
    expect(paid.body.paidAt).toBeTruthy();
    const [task] = await eventually(async () => {
      const tasks = await reviewTasks(`kind=duplicate-payment&orderId=${duplicate}`);
      return tasks.length ? tasks : undefined;
    });
    expect(task).toMatchObject({ orderId: duplicate });
  });

  it('when the primary is cancelled after a paid duplicate merged into it, then a review task asks to ship or refund the duplicate', async () => {
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 5 });
    const phone = aPhone();
    const t0 = Date.now();
    const primary = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    await claimed(primary);
    const duplicate = await post(anOrder({ channel: 'douyin', createdAt: at(t0, 1), paidAt: at(t0, 1), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    await orderInStatus(stack, duplicate, 'MERGED');

    const cancelled = await stack.call('POST', `/v1/orders/${primary}/cancel`, { reason: 'buyer cancelled on Taobao' });
    expect(cancelled.status).toBe(200);
    const [task] = await eventually(async () => {
      const tasks = await reviewTasks(`kind=duplicate-primary-cancelled&orderId=${duplicate}`);
      return tasks.length ? tasks : undefined;
    });
    expect(task!.reason).toContain(primary);
  });

  it('when the earlier order was cancelled before the duplicate arrived, then the later order goes its own way', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
    const phone = aPhone();
    const t0 = Date.now();
    const first = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 0), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    await claimed(first);
    expect((await stack.call('POST', `/v1/orders/${first}/cancel`, { reason: 'wrong address' })).status).toBe(200);
    const second = await post(anOrder({ channel: 'taobao', createdAt: at(t0, 1), paidAt: at(t0, 1), customer: { name: '王五', phone }, lines: [{ sku, quantity: 1, unitPriceFen: 500 }] }));
    expect(await orderInStatus(stack, second, 'PICKING')).toMatchObject({ mergedInto: null });
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ reserved: 1 });
  });
});
