/**
 * Carrier choice by rules on the real stack, with both carriers' simulators: rules PUT through the API (and
 * refused with field paths), orders to different provinces and weights shipped, and each parcel's carrier,
 * freight and rule read back from the API, the database (task, shipment, PDA event) and the carrier that
 * booked the waybill.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalOrderInput } from '../../domain/order';
import { orders, pdaEvents, shipments, warehouseTasks } from '../../db/schema';
import { anOrder, aPhone, orderInStatus, seedWarehouse } from '../support/fixtures';
import { startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ carrier: 'both' });
});
afterAll(async () => {
  // The rule set is shared by every test file of the run: leave none behind.
  await stack?.call('PUT', '/v1/carrier-rules', { rules: [] });
  await stack?.close();
});

const HANGZHOU_WAREHOUSE = { province: '浙江省', city: '杭州市', lat: 30.27, lng: 120.15 };
const TO = {
  urumqi: { province: '新疆维吾尔自治区', city: '乌鲁木齐市' },
  ningbo: { province: '浙江省', city: '宁波市' },
  shanghai: { province: '上海市', city: '上海市' },
  beijing: { province: '北京市', city: '北京市' },
  shenzhen: { province: '广东省', city: '深圳市' },
} as const;

const RULES = {
  rules: [
    { id: 'remote-sf', when: { provinces: ['新疆', '西藏'] }, carrier: 'sf' },
    { id: 'urgent-sf', when: { urgent: true }, carrier: 'sf' },
    { id: 'shenzhen-jd', when: { cities: ['深圳'] }, carrier: 'jd' },
    { id: 'heavy-sf', when: { minWeightGrams: 5000 }, carrier: 'sf' },
    { id: 'cheap', when: { maxCostFen: 1500 }, carrier: 'cheapest' },
  ],
};

/** A SKU with a unit weight (or none: 500 g a unit is assumed), stocked in a warehouse in 杭州. */
async function skuWeighing(weightGrams: number | null, units = 20): Promise<{ sku: string; warehouseId: string }> {
  const sku = uniq('W');
  if (weightGrams !== null) expect((await stack.call('PUT', `/v1/skus/${sku}`, { weightGrams })).body).toMatchObject({ sku, weightGrams });
  const warehouseId = await seedWarehouse(stack, { [sku]: units }, HANGZHOU_WAREHOUSE);
  return { sku, warehouseId };
}

async function paidOrder(to: (typeof TO)[keyof typeof TO], sku: string, quantity: number, extra: Partial<CanonicalOrderInput> = {}): Promise<string> {
  const res = await stack.call(
    'POST',
    '/v1/orders',
    anOrder({ paidAt: new Date().toISOString(), shippingAddress: { ...to, district: '', detail: '测试路 8 号' }, lines: [{ sku, quantity, unitPriceFen: 1000 }], ...extra }),
  );
  expect(res.status).toBe(202);
  return res.body.orderId;
}

async function pickTask(orderId: string): Promise<string> {
  return (await orderInStatus(stack, orderId, 'PICKING')).tasks[0].taskId;
}

/** Confirms the pick and waits for the parcel to ship; the order as GET /v1/orders/:id shows it then. */
async function ship(orderId: string): Promise<any> {
  const taskId = await pickTask(orderId);
  expect((await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {})).status).toBe(202);
  return orderInStatus(stack, orderId, ['SHIPPED', 'DELIVERED', 'COMPLETED']);
}

async function taskRow(taskId: string) {
  const [row] = await stack.db.select().from(warehouseTasks).where(eq(warehouseTasks.id, taskId));
  return row!;
}

async function shipmentRows(orderId: string) {
  return stack.db.select().from(shipments).where(eq(shipments.orderId, orderId));
}

async function taskEvents(warehouseId: string, taskId: string) {
  const rows = await stack.db
    .select()
    .from(pdaEvents)
    .where(and(eq(pdaEvents.warehouseId, warehouseId), eq(pdaEvents.kind, 'task'), sql`${pdaEvents.data}->>'taskId' = ${taskId}`))
    .orderBy(asc(pdaEvents.id));
  return rows.map((r) => r.data as Record<string, unknown>);
}

const bookedBy = (carrier: 'sf' | 'jd', orderId: string) =>
  (carrier === 'sf' ? stack.carrier : stack.jd!).sim.waybills().some((w) => w.orderId === orderId);

describe('carrier rules through the HTTP API', () => {
  it('when no rules are stored, then the default carrier is shown and ships, with its freight and no rule', async () => {
    const current = await stack.call('GET', '/v1/carrier-rules');
    expect(current).toMatchObject({ status: 200, body: { rules: [], version: 0, source: 'default', defaultCarrier: 'sf', configured: ['sf', 'jd'] } });

    const { sku, warehouseId } = await skuWeighing(null);
    const orderId = await paidOrder(TO.beijing, sku, 3); // 3 × 500 g (unweighed) = 1.5 kg → 2 kg, far
    const shipped = await ship(orderId);
    expect(shipped.shipments).toEqual([expect.objectContaining({ carrier: 'sf', costFen: 1600 + 800, carrierRuleId: null })]);
    expect(await shipmentRows(orderId)).toEqual([expect.objectContaining({ carrier: 'sf', costFen: 2400, carrierRuleId: null, warehouseId })]);
    expect(await taskRow(`pick-${orderId}`)).toMatchObject({ carrier: 'sf', carrierRuleId: null });
  });

  it('when the rule set is invalid, then it is refused with 400 and the field paths, and nothing changes', async () => {
    const bad = await stack.call('PUT', '/v1/carrier-rules', {
      rules: [
        { id: 'a', when: { provinces: ['浙江', '火星'], minWeightGrams: 3000, maxWeightGrams: 1000 }, carrier: 'sf' },
        { id: 'b', carrier: 'ems' },
        { id: 'a', when: { cities: ['Gotham'], heavy: true }, carrier: 'jd' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      ['json.rules.0.when.maxWeightGrams', 'json.rules.0.when.provinces.1', 'json.rules.1.carrier', 'json.rules.2.when', 'json.rules.2.when.cities.0'].sort(),
    );
    expect(bad.body.error.issues).toContainEqual({ path: 'json.rules.0.when.provinces.1', message: 'unknown province "火星"' });
    expect((await stack.call('PUT', '/v1/carrier-rules', { rules: [{ id: 'x', carrier: 'sf' }, { id: 'x', carrier: 'jd' }] })).body.error.issues).toEqual([
      { path: 'json.rules.1.id', message: 'duplicate rule id x' },
    ]);
    expect((await stack.call('PUT', '/v1/carrier-rules', 'not json')).status).toBe(400);
    expect((await stack.call('GET', '/v1/carrier-rules')).body).toMatchObject({ rules: [], version: 0 });

    const weight = await stack.call('PUT', `/v1/skus/${uniq('W')}`, { weightGrams: 0 });
    expect(weight.status).toBe(400);
    expect(weight.body.error.issues[0].path).toBe('json.weightGrams');
  });

  it('when rules are stored, then each parcel ships with the carrier of the first matching rule, priced by that carrier’s cost model', async () => {
    const put = await stack.call('PUT', '/v1/carrier-rules', RULES);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, source: 'stored' });
    expect(put.body.rules[0]).toEqual({ id: 'remote-sf', enabled: true, when: { provinces: ['新疆', '西藏'] }, carrier: 'sf' });
    expect((await stack.call('GET', '/v1/carrier-rules')).body.rules.map((r: { id: string }) => r.id)).toEqual(RULES.rules.map((r) => r.id));

    const light = await skuWeighing(800);
    const kilo = await skuWeighing(1000);
    const heavy = await skuWeighing(3000);
    const cases = [
      // 新疆: remote, SF's remote tariff for 1 kg.
      { name: 'remote province', orderId: await paidOrder(TO.urumqi, light.sku, 1), carrier: 'sf', ruleId: 'remote-sf', costFen: 2500 },
      // Urgent to Shanghai: SF, although JD would be cheaper (neighbouring, 1 kg: SF 1200, JD 1000).
      { name: 'urgent', orderId: await paidOrder(TO.shanghai, light.sku, 1, { urgent: true }), carrier: 'sf', ruleId: 'urgent-sf', costFen: 1200 },
      // 深圳 by city: JD, far, 2 × 800 g = 1.6 kg → 2 kg: 1400 + 900.
      { name: 'city', orderId: await paidOrder(TO.shenzhen, light.sku, 2), carrier: 'jd', ruleId: 'shenzhen-jd', costFen: 2300 },
      // 2 × 3 kg = 6 kg within 浙江: SF, 1000 + 5 × 200 (JD would cost 800 + 5 × 300 = 2300).
      { name: 'heavy', orderId: await paidOrder(TO.ningbo, heavy.sku, 2), carrier: 'sf', ruleId: 'heavy-sf', costFen: 2000 },
      // Light to Shanghai: the cheapest is JD at ¥10, under the ¥15 cap.
      { name: 'cheapest', orderId: await paidOrder(TO.shanghai, light.sku, 1), carrier: 'jd', ruleId: 'cheap', costFen: 1000 },
      // 2 kg to Beijing: the cheapest (JD ¥23) is over the cap, so no rule matches: the default carrier, SF's far tariff.
      { name: 'over the cost cap', orderId: await paidOrder(TO.beijing, kilo.sku, 2), carrier: 'sf', ruleId: null, costFen: 1600 + 800 },
    ];

    for (const c of cases) {
      const taskId = await pickTask(c.orderId);
      expect(await taskRow(taskId), c.name).toMatchObject({ carrier: c.carrier, carrierRuleId: c.ruleId });
    }
    for (const c of cases) {
      const shipped = await ship(c.orderId);
      expect(shipped.shipments, c.name).toEqual([expect.objectContaining({ direction: 'forward', carrier: c.carrier, costFen: c.costFen, carrierRuleId: c.ruleId })]);
      expect(await shipmentRows(c.orderId), c.name).toEqual([expect.objectContaining({ carrier: c.carrier, costFen: c.costFen, carrierRuleId: c.ruleId })]);
      expect(bookedBy(c.carrier as 'sf' | 'jd', c.orderId), `${c.name}: booked with ${c.carrier}`).toBe(true);
      expect(bookedBy(c.carrier === 'sf' ? 'jd' : 'sf', c.orderId), `${c.name}: not booked with the other carrier`).toBe(false);
    }
  });

  it('when a pick task opens, then its warehouse’s PDAs are told once, with the lines and the carrier; and the parcel ships with that carrier even after the rules change', async () => {
    await stack.call('PUT', '/v1/carrier-rules', RULES);
    const { sku, warehouseId } = await skuWeighing(800);
    const orderId = await paidOrder(TO.shanghai, sku, 1);
    const taskId = await pickTask(orderId);

    expect(await taskEvents(warehouseId, taskId)).toEqual([{ taskId, orderIds: [orderId], lines: [{ sku, quantity: 1 }], carrier: 'jd' }]);

    // Rules changed after the task opened: the label the warehouse prints is the one it was told.
    await stack.call('PUT', '/v1/carrier-rules', { rules: [{ id: 'all-sf', carrier: 'sf' }] });
    const shipped = await ship(orderId);
    expect(shipped.shipments[0]).toMatchObject({ carrier: 'jd', carrierRuleId: 'cheap', costFen: 1000 });
    expect(await taskEvents(warehouseId, taskId)).toHaveLength(1);
    await stack.call('PUT', '/v1/carrier-rules', RULES);
  });

  it('when the task’s carrier cannot be booked by this worker, then the default carrier ships and no rule is recorded', async () => {
    await stack.call('PUT', '/v1/carrier-rules', RULES);
    const { sku } = await skuWeighing(800);
    const orderId = await paidOrder(TO.shanghai, sku, 1);
    const taskId = await pickTask(orderId);
    // A carrier this deployment has no client for (a task opened by a worker configured otherwise).
    await stack.db.update(warehouseTasks).set({ carrier: 'ems' }).where(eq(warehouseTasks.id, taskId));
    const shipped = await ship(orderId);
    expect(shipped.shipments[0]).toMatchObject({ carrier: 'sf', carrierRuleId: null, costFen: 1200 });
    expect(bookedBy('sf', orderId)).toBe(true);
  });

  it('when shipment merge puts two orders in one parcel, then its task gets the carrier once and the waybill is priced for both', async () => {
    await stack.call('PUT', '/v1/carrier-rules', RULES);
    const storeId = uniq('shop');
    expect((await stack.call('PUT', `/v1/stores/${storeId}/shipment-merge`, { enabled: true })).status).toBe(200);
    const [cup, lid] = [uniq('CUP'), uniq('LID')];
    for (const [sku, weightGrams] of [[cup, 700], [lid, 600]] as const) await stack.call('PUT', `/v1/skus/${sku}`, { weightGrams });
    const warehouseId = await seedWarehouse(stack, { [cup]: 5, [lid]: 5 }, HANGZHOU_WAREHOUSE);
    const customer = { name: '马七', phone: aPhone() };
    const common = { channel: 'taobao' as const, storeId, customer };

    const first = await paidOrder(TO.urumqi, cup, 1, common);
    const taskId = await pickTask(first);
    const second = await paidOrder(TO.urumqi, lid, 1, common);
    expect(await pickTask(second)).toBe(taskId);
    expect(await taskRow(taskId)).toMatchObject({ carrier: 'sf', carrierRuleId: 'remote-sf' });
    expect(await taskEvents(warehouseId, taskId)).toEqual([{ taskId, orderIds: [first], lines: [{ sku: cup, quantity: 1 }], carrier: 'sf' }]);

    expect((await stack.call('POST', `/v1/warehouse/tasks/${taskId}/complete`, {})).status).toBe(202);
    const [a, b] = [await orderInStatus(stack, first, ['SHIPPED', 'DELIVERED', 'COMPLETED']), await orderInStatus(stack, second, ['SHIPPED', 'DELIVERED', 'COMPLETED'])];
    expect(b.shipments[0].waybillNo).toBe(a.shipments[0].waybillNo);
    // 700 g + 600 g = 1.3 kg → 2 kg, remote: 2500 + 1500.
    for (const order of [a, b]) expect(order.shipments[0]).toMatchObject({ carrier: 'sf', carrierRuleId: 'remote-sf', costFen: 4000 });
    for (const orderId of [first, second]) {
      const [row] = await stack.db.select({ shippedAt: orders.shippedAt }).from(orders).where(eq(orders.orderId, orderId));
      expect(row!.shippedAt, orderId).toBeInstanceOf(Date);
    }
  });

  it('when an order ships, then it shows when and how many hours after payment', async () => {
    const { sku } = await skuWeighing(null);
    const paidAt = new Date(Date.now() - 3 * 3_600_000);
    const orderId = await paidOrder(TO.ningbo, sku, 1, { paidAt: paidAt.toISOString(), createdAt: new Date(paidAt.getTime() - 60_000).toISOString(), customer: { name: '钱八', phone: aPhone() } });
    const picking = await orderInStatus(stack, orderId, 'PICKING');
    expect(picking).toMatchObject({ shippedAt: null, dispatchHours: null });

    const before = Date.now();
    const shipped = await ship(orderId);
    const at = Date.parse(shipped.shippedAt);
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(shipped.dispatchHours).toBeCloseTo((at - paidAt.getTime()) / 3_600_000, 2);
    expect(shipped.dispatchHours).toBeGreaterThanOrEqual(3);
    expect(shipped.dispatchHours).toBeLessThan(3.1);
    // The first parcel's time stays, whatever comes after.
    const later = await orderInStatus(stack, orderId, ['DELIVERED', 'COMPLETED'], 90_000);
    expect(later.shippedAt).toBe(shipped.shippedAt);
  });
});
