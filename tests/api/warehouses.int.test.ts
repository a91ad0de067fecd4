import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWarehouse, storedLayout } from '../../db/queries/warehouses';
import { generateLayout } from '../../domain/layout-generator';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const newWarehouse = async () => {
  const id = uniq('WH');
  const created = await stack.call('POST', '/v1/warehouses', { id, name: '杭州仓', province: '浙江省', city: '杭州市' });
  expect(created.status).toBe(201);
  return id;
};
const paths = (res: { body: any }) => res.body.error.issues.map((i: { path: string }) => i.path).sort();

describe('warehouse layout', () => {
  it('when a layout is put, then it is stored as sent, summarised on the warehouse, and read back whole', async () => {
    const id = await newWarehouse();
    expect((await stack.call('GET', `/v1/warehouses/${id}`)).body).toMatchObject({ id, layout: null, dailyOrderCapacity: null });

    const layout = {
      zones: ['FAST', 'BULK'],
      routing: 'two-way',
      geometry: { aisleSpacingM: 2.5, depotAisle: 1 },
      locations: { 'CUP-1': { zone: 'FAST', aisle: 1, bay: 4, level: 2 }, 'CUP-2': { zone: 'FAST', aisle: 3, bay: 12 }, 'BOX-1': { zone: 'BULK', aisle: 2, bay: 1 } },
    };
    const put = await stack.call('PUT', `/v1/warehouses/${id}/layout`, layout);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id,
      layout: {
        routing: 'two-way',
        locations: 3,
        geometry: { aisleSpacingM: 2.5, bayWidthM: 1.2, crossAisleM: 2, depotAisle: 1, depotOffsetM: 0, zoneTravelM: 0 },
        zones: [
          { zone: 'FAST', firstAisle: 1, lastAisle: 3, baysPerAisle: 12, locations: 2 },
          { zone: 'BULK', firstAisle: 1, lastAisle: 2, baysPerAisle: 1, locations: 1 },
        ],
      },
    });
    expect(JSON.stringify(put.body)).not.toContain('CUP-1');

    expect(await storedLayout(stack.db, id)).toEqual(layout);
    expect(await stack.call('GET', `/v1/warehouses/${id}/layout`)).toEqual({ status: 200, body: layout });
    expect((await stack.call('GET', `/v1/warehouses/${id}`)).body).toEqual(put.body);
    expect((await stack.call('GET', '/v1/warehouses')).body.find((w: { id: string }) => w.id === id)).toEqual(put.body);
  });

  it('when a layout is malformed, then the 400 names every bad field and nothing is stored', async () => {
    const id = await newWarehouse();
    const res = await stack.call('PUT', `/v1/warehouses/${id}/layout`, {
      zones: ['A', 'A'],
      routing: 'alternating',
      geometry: { aisleSpacing: 3, baysPerAisle: 10 },
      locations: { SKU1: { aisle: -1, bay: 2 }, SKU2: { aisle: 1, bay: 'x' }, SKU3: { aisle: 1, bay: 2, zone: '' } },
    });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['json.geometry', 'json.locations.SKU1.aisle', 'json.locations.SKU2.bay', 'json.locations.SKU3.zone', 'json.routing']);

    const beyond = await stack.call('PUT', `/v1/warehouses/${id}/layout`, { zones: ['A', 'A'], geometry: { aisles: 4 }, locations: { SKU1: { aisle: 5, bay: 2 } } });
    expect(beyond.status).toBe(400);
    expect(paths(beyond)).toEqual(['json.locations.SKU1.aisle', 'json.zones.1']);
    expect(await storedLayout(stack.db, id)).toBeUndefined();
    expect((await stack.call('GET', `/v1/warehouses/${id}/layout`)).status).toBe(404);
  });

  it('when the warehouse is unknown, then layout, capacity and reads answer 404', async () => {
    const unknown = uniq('NOPE');
    for (const [method, path, body] of [
      ['PUT', `/v1/warehouses/${unknown}/layout`, { locations: {} }],
      ['PUT', `/v1/warehouses/${unknown}/capacity`, { dailyOrders: 10 }],
      ['GET', `/v1/warehouses/${unknown}`, undefined],
      ['GET', `/v1/warehouses/${unknown}/layout`, undefined],
    ] as const) {
      const res = await stack.call(method, path, body);
      expect(res, `${method} ${path}`).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'warehouse not found' } } });
    }
  });

  it('when a generated 5,000-SKU site is put, then it fits in one request and is summarised', async () => {
    const id = await newWarehouse();
    const site = generateLayout({ aisles: 20, baysPerAisle: 25, levels: 5, skus: 5_000, routing: 'two-way' });
    const put = await stack.call('PUT', `/v1/warehouses/${id}/layout`, site);
    expect(put.status).toBe(200);
    expect(put.body.layout).toMatchObject({ routing: 'two-way', locations: 5_000, zones: [{ zone: null, firstAisle: 1, lastAisle: 20, baysPerAisle: 25, locations: 5_000 }] });
  });

  it('when the warehouse is posted again without a layout, then its layout and capacity stay', async () => {
    const id = await newWarehouse();
    await stack.call('PUT', `/v1/warehouses/${id}/layout`, { locations: { A: { aisle: 1, bay: 1 } } });
    await stack.call('PUT', `/v1/warehouses/${id}/capacity`, { dailyOrders: 800 });
    const again = await stack.call('POST', '/v1/warehouses', { id, name: '杭州二仓', province: '浙江省', city: '杭州市' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ name: '杭州二仓', dailyOrderCapacity: 800, layout: { routing: 'one-way', locations: 1 } });
  });
});

describe('warehouse capacity', () => {
  it('when the daily capacity is set and removed, then the column follows and the warehouse is returned', async () => {
    const id = await newWarehouse();
    const set = await stack.call('PUT', `/v1/warehouses/${id}/capacity`, { dailyOrders: 1_200 });
    expect(set).toMatchObject({ status: 200, body: { id, dailyOrderCapacity: 1_200, layout: null } });
    expect((await findWarehouse(stack.db, id))?.dailyOrderCapacity).toBe(1_200);
    expect((await stack.call('PUT', `/v1/warehouses/${id}/capacity`, { dailyOrders: 0 })).body.dailyOrderCapacity).toBe(0);

    const removed = await stack.call('PUT', `/v1/warehouses/${id}/capacity`, { dailyOrders: null });
    expect(removed.body.dailyOrderCapacity).toBeNull();
    expect((await findWarehouse(stack.db, id))?.dailyOrderCapacity).toBeNull();
  });

  it.each([
    ['negative', { dailyOrders: -1 }],
    ['fractional', { dailyOrders: 2.5 }],
    ['a string', { dailyOrders: '100' }],
    ['missing', {}],
  ])('when the capacity is %s, then the 400 names json.dailyOrders', async (_what, body) => {
    const id = await newWarehouse();
    const res = await stack.call('PUT', `/v1/warehouses/${id}/capacity`, body);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['json.dailyOrders']);
    expect((await findWarehouse(stack.db, id))?.dailyOrderCapacity).toBeNull();
  });
});

describe('the pick task of an order follows the layout', () => {
  it('when an order is allocated to a warehouse with a layout, then its pick list is in one-way S order, unlocated SKUs last', async () => {
    const [a1, a2, a3, lost] = [uniq('A1'), uniq('A2'), uniq('A3'), uniq('LOST')];
    const warehouseId = await seedWarehouse(stack, { [a1]: 5, [a2]: 5, [a3]: 5, [lost]: 5 });
    const put = await stack.call('PUT', `/v1/warehouses/${warehouseId}/layout`, {
      locations: { [a1]: { aisle: 1, bay: 9 }, [a2]: { aisle: 2, bay: 1 }, [a3]: { aisle: 2, bay: 7 } },
    });
    expect(put.status).toBe(200);

    const lines = [lost, a2, a3, a1].map((sku) => ({ sku, quantity: 1, unitPriceFen: 990 }));
    const created = await stack.call('POST', '/v1/orders', anOrder({ lines }));
    expect(created.status).toBe(202);
    expect((await stack.call('POST', `/v1/orders/${created.body.orderId}/payment`, {})).status).toBe(200);
    const picking = await orderInStatus(stack, created.body.orderId, 'PICKING');
    const task = await stack.call('GET', `/v1/warehouse/tasks/${picking.tasks[0].taskId}`);
    // Up aisle 1 to bay 9, down aisle 2 from bay 7 to bay 1, then what has no place.
    expect(task.body.lines.map((l: { sku: string }) => l.sku)).toEqual([a1, a3, a2, lost]);
  });
});
