import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../db/queries/prepack-models';
import { createLogger } from '../../infra/logger';
import { phoneCustomer } from '../../prepack/customer';
import { createEventBuffer, type EventBuffer } from '../../prepack/events';
import { generateHistory } from '../../prepack/simulate';
import { trainAndEvaluate } from '../../prepack/training';
import { PrepackStatusKey } from '../../workflows/contract';
import { aPhone, anOrder, orderInStatus, seedWarehouse, stockOf } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
let events: EventBuffer;
const DAY = 86_400_000;

beforeAll(async () => {
  stack = await startStack({ timings: { afterSaleWindowMs: 60_000 } });
  events = createEventBuffer({ db: stack.db, logger: createLogger('silent') });
  // A model trained on generated shoppers (the scheduled job trains on the project's own history the same way).
  const start = Date.now() - 21 * DAY;
  const g = generateHistory({ seed: 11, customers: 250, skus: 20, categories: 4, startMs: start, days: 21 });
  const purchases = new Map<string, (typeof g.purchases)[number][]>();
  for (const p of g.purchases) purchases.set(p.phone, [...(purchases.get(p.phone) ?? []), p]);
  const trained = trainAndEvaluate(
    { events: g.events.map((e) => ({ ...e, customerKey: e.phone })), purchases, categories: g.categories },
    { trainFromMs: start + 7 * DAY, trainToMs: start + 16 * DAY, testToMs: start + 21 * DAY, stepMs: DAY / 8, horizonMs: DAY, threshold: 0.8 },
  );
  await saveModel(stack.db, { model: trained.model.stored, evaluation: trained.evaluation, trainFrom: new Date(start), trainTo: new Date(start + 16 * DAY), testTo: new Date(start + 21 * DAY) });
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

/** A customer who clearly wants the SKU: many long views over the day, cart adds, a favourite, the last minutes ago. */
function eager(who: { customerPhone: string } | { customerId: string }, sku: string) {
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const id = uniq('ev');
  return [
    ...Array.from({ length: 20 }, (_, i) => ({ eventId: `${id}-v${i}`, ...who, sku, type: 'view', at: at(5 + i * 100), dwellSeconds: 300 })),
    ...Array.from({ length: 5 }, (_, i) => ({ eventId: `${id}-c${i}`, ...who, sku, type: 'cart', at: at(3 + i * 100) })),
    { eventId: `${id}-f`, ...who, sku, type: 'favourite', at: at(2) },
  ];
}

async function score(ttlMs: number) {
  await events.drainOnce();
  return stack.client.workflow.execute('prepackScoringWorkflow', { taskQueue: stack.taskQueue, workflowId: uniq('prepack-score-'), args: [{ ttlMs }] }) as Promise<{
    candidates: number;
    started: number;
  }>;
}

async function candidate(sku: string, status = 'all') {
  const res = await stack.call('GET', `/v1/prepack/candidates?status=${status}`);
  return (res.body as { sku: string }[]).find((c) => c.sku === sku) as Record<string, any> | undefined;
}

describe('predictive pre-pack', () => {
  it('when behaviour events are posted, then they are validated, stored keyed (no phone in clear) and a resent event id is skipped', async () => {
    const phone = aPhone();
    const sku = uniq('SKU');
    const batch = eager({ customerPhone: phone }, sku);
    const first = await stack.call('POST', '/v1/events', batch);
    expect(first).toMatchObject({ status: 202, body: { received: batch.length, accepted: batch.length, duplicates: 0 } });
    const again = await stack.call('POST', '/v1/events', batch.slice(0, 3));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });

    const bad = await stack.call('POST', '/v1/events', [batch[0], { ...batch[1], eventId: uniq('x'), type: 'purchase' }]);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.issues)).toContain('type');
    const noCustomer = await stack.call('POST', '/v1/events', [{ eventId: uniq('x'), sku, type: 'view', at: new Date().toISOString() }]);
    expect(noCustomer.status).toBe(400);

    await events.drainOnce();
    const key = phoneCustomer(phone)!.key;
    const digits = `%${phone.replace(/\D/g, '').slice(-8)}%`;
    const stored = await stack.db.execute<{ n: number; clear: number }>(
      sql`select count(*)::int as n, count(*) filter (where customer_key like ${digits} or customer_label like ${digits})::int as clear from behaviour_events where sku = ${sku} and customer_key = ${key}`,
    );
    expect(stored.rows[0]).toEqual({ n: batch.length, clear: 0 });
  });

  it('when a customer is likely to buy, then a unit is pre-packed in the warehouse with stock, and the paid order ships it without picking', async () => {
    const phone = aPhone();
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
    expect((await stack.call('POST', '/v1/events', eager({ customerPhone: phone }, sku))).status).toBe(202);

    const run = await score(10 * 60_000);
    expect(run.started).toBeGreaterThanOrEqual(1);
    const opened = await eventually(() => candidate(sku, 'open'), 20_000, 'an open pre-pack');
    expect(opened).toMatchObject({ customer: `139****${phone.replace(/\D/g, '').slice(-4)}`, sku, warehouseId, status: 'open' });
    expect(opened.probability).toBeGreaterThanOrEqual(0.8);
    expect(opened.taskId).toEqual(expect.any(String));
    expect(opened.waybillNo).toMatch(/^VW/);
    // The unit is held: not sellable twice.
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 5, reserved: 1, available: 4 });
    // Scoring the same behaviour again opens nothing more.
    await score(10 * 60_000);
    expect(((await stack.call('GET', '/v1/prepack/candidates?status=all')).body as { sku: string }[]).filter((c) => c.sku === sku)).toHaveLength(1);

    const created = await stack.call('POST', '/v1/orders', anOrder({ customer: { name: '李四', phone }, paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 29_900 }] }));
    expect(created.status).toBe(202);
    const shipped = await orderInStatus(stack, created.body.orderId, ['SHIPPED', 'DELIVERED', 'COMPLETED']);
    const types = shipped.timeline.map((e: { type: string }) => e.type);
    expect(types).not.toContain('PICK_TASK_CREATED');
    expect(types).toEqual(expect.arrayContaining(['ALLOCATED', 'PACKED', 'SHIPPED']));
    expect(shipped.allocation).toMatchObject({ rule: 'prepack', warehouseId });
    // One unit left the warehouse — the pre-packed one — and nothing else is held for it.
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect(await candidate(sku)).toMatchObject({ status: 'bought', orderId: created.body.orderId });
    const outcomes = await stack.call('GET', '/v1/prepack/outcomes?days=1');
    expect(outcomes.body.bought).toBeGreaterThanOrEqual(1);
    const prepacked = outcomes.body.paymentToShippedMinutes.find((p: { path: string }) => p.path === 'prepacked');
    expect(prepacked.orders).toBeGreaterThanOrEqual(1);
    expect(prepacked.p50).toBeGreaterThanOrEqual(0);
  });

  it('when nobody buys within the TTL, then the pre-pack is unpacked, its unit released, and not reopened without new behaviour', async () => {
    const buyerId = uniq('tb_buyer_');
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 2 });
    await stack.call('POST', '/v1/events', eager({ customerId: buyerId }, sku));
    await score(2_000);
    const opened = await eventually(() => candidate(sku), 20_000, 'a pre-pack');
    expect(opened).toMatchObject({ customer: buyerId, warehouseId });
    const expired = await eventually(async () => {
      const c = await candidate(sku);
      return c?.status === 'expired' ? c : undefined;
    }, 20_000, 'the pre-pack to expire');
    expect(expired.closedAt).toEqual(expect.any(String));
    expect(await stockOf(stack, warehouseId, sku)).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    const task = await stack.call('GET', `/v1/warehouse/tasks/${opened.taskId}`);
    expect(task.body).toMatchObject({ status: 'cancelled' });

    const rescored = await score(2_000);
    expect(rescored.started).toBe(0);
    // Visible in the Temporal UI by its search attribute.
    const listed = await eventually(async () => {
      for await (const w of stack.client.workflow.list({ query: `PrepackStatus = "expired" AND WarehouseId = "${warehouseId}"` })) return w;
      return undefined;
    }, 20_000, 'the pre-pack in the visibility store');
    expect(listed.typedSearchAttributes.get(PrepackStatusKey)).toBe('expired');
  });
});
