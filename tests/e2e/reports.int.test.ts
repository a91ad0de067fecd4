import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { ADMIN_KEY, eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/**
 * Orders driven through the real stack, then every report read back. The orders carry platform order times in
 * one week of a past year that no other test uses, so the reports over that week see exactly these orders.
 */
describe('reports over orders driven through the stack', () => {
  // A Friday evening in Shanghai (20:xx = weekday 5, hour 20) in the first week of March of a past year.
  const year = 2000 + Math.floor(Math.random() * 15);
  const week = { from: `${year}-03-01`, to: `${year}-03-07` };
  const friday = [1, 2, 3, 4, 5, 6, 7].find((d) => new Date(Date.UTC(year, 2, d)).getUTCDay() === 5)!;
  const friday8pm = (minute: number) => new Date(Date.UTC(year, 2, friday, 12, minute)).toISOString(); // 20:mm +08:00
  const paidAfter = (createdAt: string, hours: number) => new Date(Date.parse(createdAt) + hours * 3600_000).toISOString();
  const skuA = uniq('FOOD');
  const skuB = uniq('BOWL');
  const skuC = uniq('TOY');
  let warehouseId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    warehouseId = await seedWarehouse(stack, { [skuA]: 50, [skuB]: 50, [skuC]: 50 });
    const place = async (name: string, lines: { sku: string; quantity: number }[], opts: { paid: boolean; province?: string; city?: string; minute: number }) => {
      const createdAt = friday8pm(opts.minute);
      const order = anOrder({
        createdAt,
        ...(opts.paid ? { paidAt: paidAfter(createdAt, 0.5) } : {}),
        shippingAddress: { province: opts.province ?? '浙江省', city: opts.city ?? '杭州市', district: '', detail: '文三路 1 号' },
        lines: lines.map((l) => ({ ...l, unitPriceFen: 1000 })),
      });
      const res = await stack.call('POST', '/v1/orders', order);
      expect(res.status).toBe(202);
      ids[name] = res.body.orderId;
    };
    // A and B go together in three orders, A alone in one, C alone in one; one order is never paid.
    await place('delivered', [{ sku: skuA, quantity: 1 }, { sku: skuB, quantity: 1 }], { paid: true, minute: 1 });
    await place('picking1', [{ sku: skuA, quantity: 2 }, { sku: skuB, quantity: 1 }], { paid: true, province: '广东省', city: '深圳市', minute: 2 });
    await place('picking2', [{ sku: skuA, quantity: 1 }, { sku: skuB, quantity: 3 }], { paid: true, province: '广东省', city: '广州市', minute: 3 });
    await place('aOnly', [{ sku: skuA, quantity: 1 }], { paid: true, minute: 4 });
    await place('cOnly', [{ sku: skuC, quantity: 1 }], { paid: true, minute: 5 });
    await place('unpaid', [{ sku: skuC, quantity: 1 }], { paid: false, minute: 6 });

    for (const name of ['delivered', 'picking1', 'picking2', 'aOnly', 'cOnly']) await orderInStatus(stack, ids[name]!, 'PICKING');
    const picking = await orderInStatus(stack, ids.delivered!, 'PICKING');
    await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {});
    await orderInStatus(stack, ids.delivered!, ['DELIVERED', 'COMPLETED']);
  }, 180_000);

  const report = async (path: string, query: Record<string, string> = {}) => {
    const res = await stack.call('GET', `/v1/reports/${path}?${new URLSearchParams({ ...week, ...query })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('funnel: every order ordered, the paid ones paid, the delivered one shipped and delivered', async () => {
    const body = await eventually(async () => {
      const b = await report('funnel');
      return b.stages.find((s: { stage: string }) => s.stage === 'delivered').count === 1 ? b : undefined;
    });
    expect(body.stages).toEqual([
      { stage: 'ordered', count: 6, conversionFromPrevious: null, lostFromPrevious: null },
      { stage: 'paid', count: 5, conversionFromPrevious: 5 / 6, lostFromPrevious: 1 },
      { stage: 'shipped', count: 1, conversionFromPrevious: 0.2, lostFromPrevious: 4 },
      { stage: 'delivered', count: 1, conversionFromPrevious: 1, lostFromPrevious: 0 },
      { stage: 'returned', count: 0, conversionFromPrevious: 0, lostFromPrevious: 1 },
    ]);
    // Filtered by warehouse: the unpaid order was never allocated anywhere.
    const inWarehouse = await report('funnel', { warehouseId });
    expect(inWarehouse.stages[0].count).toBe(5);
    const csv = await stack.app.request(`/v1/reports/funnel?${new URLSearchParams({ ...week, format: 'csv' })}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['stage,count,conversionFromPrevious,lostFromPrevious', 'ordered,6,,', `paid,5,${5 / 6},1`]);
  });

  it('heat map: paid orders and GMV per province and city, with coordinates', async () => {
    const provinces = await report('heatmap');
    expect(provinces.regions).toEqual([
      { province: '浙江省', orders: 3, gmvFen: 2000 + 1000 + 1000, lat: expect.any(Number), lng: expect.any(Number) },
      { province: '广东省', orders: 2, gmvFen: 3000 + 4000, lat: expect.any(Number), lng: expect.any(Number) },
    ]);
    const cities = await report('heatmap', { level: 'city' });
    expect(cities.regions.map((r: { city: string; orders: number }) => [r.city, r.orders])).toEqual([
      ['杭州市', 3],
      ['广州市', 1],
      ['深圳市', 1],
    ]);
    expect(cities.regions[0].lat).toBeCloseTo(30.27, 0);
  });

  it('co-purchase: A and B bought together, with support, confidence and lift', async () => {
    const body = await report('co-purchase', { minSupport: '0.1' });
    expect(body.orders).toBe(5);
    expect(body.pairs).toEqual([
      { a: skuB, b: skuA, orders: 3, support: 0.6, confidence: 1, lift: 1.25 },
      { a: skuA, b: skuB, orders: 3, support: 0.6, confidence: 0.75, lift: 1.25 },
    ]);
    expect((await report('co-purchase', { minSupport: '0.7' })).pairs).toEqual([]);
  });

  it('peaks: Friday 20:00 Shanghai, overall and for one SKU', async () => {
    const all = await report('peaks');
    expect(all.top).toEqual([{ weekday: 5, hour: 20, orders: 6 }]);
    expect(all.cells).toHaveLength(168);
    const c = await report('peaks', { sku: skuC });
    expect(c.top).toEqual([{ weekday: 5, hour: 20, orders: 2 }]);
  });

  it('fulfilment cycle: paid → shipped of the shipped order, and no baseline to compare with', async () => {
    const body = await report('fulfilment-cycle');
    expect(body.current.paidToShipped.orders).toBe(1);
    const picking = await stack.call('GET', `/v1/orders/${ids.delivered}`);
    const shippedAt = picking.body.timeline.find((e: { type: string }) => e.type === 'SHIPPED').at;
    const paidAt = Date.UTC(year, 2, friday, 12, 31);
    expect(body.current.paidToShipped.meanHours).toBeCloseTo((Date.parse(shippedAt) - paidAt) / 3600_000, 3);
    expect(body.current.paidToShipped.p90Hours).toBeCloseTo(body.current.paidToShipped.meanHours, 6);
    expect(body.baseline.paidToShipped.orders).toBe(0);
    expect(body.compressionRate).toBeNull();
    expect(body.reason).toMatch(/baseline/);
  });

  it('costs: freight as recorded on the shipment, labour once shipped, the commission at the channel rate', async () => {
    const body = await report('costs');
    expect(body.rates.labourFenPerOrder).toBe(150);
    const detail = await stack.call('GET', `/v1/orders/${ids.delivered}`);
    const freight = detail.body.shipments.reduce((sum: number, s: { costFen?: number }) => sum + (s.costFen ?? 0), 0);
    expect(freight).toBeGreaterThan(0);
    const delivered = body.orders.find((o: { orderId: string }) => o.orderId === ids.delivered);
    // manual orders pay no commission; two lines shipped: 150 + 2 × 30 labour.
    expect(delivered).toEqual({
      orderId: ids.delivered,
      channel: 'manual',
      valueFen: 2000,
      carrierFen: freight,
      transferFen: 0,
      purchasePremiumFen: 0,
      labourFen: 210,
      platformFeeFen: 0,
      totalFen: freight + 210,
    });
    expect(body.orders).toHaveLength(5); // the paid ones
    expect(body.totals).toMatchObject({ orders: 5, carrierFen: freight, labourFen: 210, totalFen: freight + 210, perOrderFen: (freight + 210) / 5 });
  });

  it('warehouse health: today’s allocations and shipment, the stock, the fill rate', async () => {
    const res = await stack.call('GET', `/v1/reports/warehouse-health?warehouseId=${warehouseId}`);
    expect(res.status).toBe(200);
    expect(res.body.warehouses).toEqual([
      expect.objectContaining({ warehouseId, shipped: 1, allocated: 5, fillRate: 1, transfersIn: 0, transfersOut: 0, stockOuts: 0, skus: 3, onHand: 148, available: 139, capacityUsed: null }),
    ]);
    // 150 of each SKU; 2 units left in the delivered parcel (2/30 a day over 30 days), 9 are reserved for the rest.
    expect(res.body.warehouses[0].turnoverDays).toBeCloseTo(148 / (2 / 30), 6);
    const yesterday = new Date(Date.now() - 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const before = await stack.call('GET', `/v1/reports/warehouse-health?warehouseId=${warehouseId}&date=${yesterday}`);
    expect(before.body.warehouses[0]).toMatchObject({ shipped: 0, allocated: 0, fillRate: null });
  });

  it('bad parameters are refused with the field', async () => {
    for (const [query, path] of [
      ['from=2026-02-30', 'query.from'],
      ['from=2026-03-02&to=2026-03-01', 'query.to'],
      ['minSupport=2', 'query.minSupport'],
    ] as const) {
      const res = await stack.call('GET', `/v1/reports/co-purchase?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    const both = await stack.call('GET', '/v1/reports/peaks?sku=a&category=b');
    expect(both.status).toBe(400);
    const dateTime = await stack.call('GET', '/v1/reports/warehouse-health?date=2026-11-30T10:00:00Z');
    expect(dateTime.body.error.issues.map((i: { path: string }) => i.path)).toContain('query.date');
  });
});
