/**
 * Rule-driven allocation through the HTTP API on the real stack: local stock, regional transfer (with its
 * receipt and the in-transit hold), remote direct, the rule set as data (GET/PUT), warehouse coordinates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALLOCATION_RULES } from '../../domain/allocation';
import { eventOf, orderIn, paidOrder, skuId, warehouseIn } from '../support/allocation-fixtures';
import { stockOf } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function completePick(orderId: string) {
  const picking = await orderIn(stack, orderId, 'PICKING');
  for (const task of picking.tasks) {
    const done = await stack.call('POST', `/v1/warehouse/tasks/${task.taskId}/complete`, {});
    expect(done.status).toBe(202);
  }
}

describe('allocation rules through the HTTP API', () => {
  it('when the receiver is nearest a warehouse that has every line, then it ships from there (local-stock)', async () => {
    const sku = skuId('LOCAL');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 5 });
    const beijing = await warehouseIn(stack, 'beijing', { [sku]: 5 });
    const orderId = await paidOrder(stack, 'beijing', { [sku]: 2 });

    const order = await orderIn(stack, orderId, 'PICKING');
    expect(order.allocation).toEqual({ rule: 'local-stock', warehouseId: beijing });
    expect(eventOf(order, 'ALLOCATED')?.detail).toMatchObject({ rule: 'local-stock', warehouseId: beijing });
    expect(await stockOf(stack, beijing, sku)).toMatchObject({ reserved: 2 });
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ reserved: 0 });
  });

  it('when the local warehouse is short and one within 200 km has it, then a T+1 transfer is made, held in transit, and the order ships locally once received', async () => {
    const sku = skuId('XFER');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 1 });
    const suzhou = await warehouseIn(stack, 'suzhou', { [sku]: 5 });
    const before = Date.now();
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 2 });

    const waiting = await orderIn(stack, orderId, 'AWAITING_TRANSFER');
    const transferId = `tr-${orderId}`;
    expect(waiting.allocation).toEqual({ rule: 'regional-transfer', warehouseId: shanghai, transferId });
    expect(eventOf(waiting, 'TRANSFER_CREATED')?.detail).toMatchObject({ rule: 'regional-transfer', fromWarehouseId: suzhou, toWarehouseId: shanghai });

    const transfer = (await stack.call('GET', `/v1/transfers/${transferId}`)).body;
    expect(transfer).toMatchObject({ orderId, fromWarehouseId: suzhou, toWarehouseId: shanghai, lines: [{ sku, quantity: 1 }], status: 'in_transit' });
    expect(transfer.distanceKm).toBeGreaterThan(60);
    expect(transfer.distanceKm).toBeLessThan(110);
    // ETA = one transfer day (TRANSFER_ETA, 60 s in the test stack) after creation.
    expect(Date.parse(transfer.eta) - before).toBeGreaterThanOrEqual(60_000);
    expect(Date.parse(transfer.eta) - Date.now()).toBeLessThanOrEqual(60_000);
    // The local unit is reserved for the order; the unit on the truck is held at the source.
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
    expect(await stockOf(stack, suzhou, sku)).toMatchObject({ onHand: 5, reserved: 1, available: 4 });

    // The units in transit are not sold again: 苏州 can give 4, the fifth order unit waits.
    const local = await paidOrder(stack, 'suzhou', { [sku]: 4 });
    expect((await orderIn(stack, local, 'PICKING')).allocation).toMatchObject({ rule: 'local-stock', warehouseId: suzhou });
    const late = await paidOrder(stack, 'suzhou', { [sku]: 1 });
    expect((await orderIn(stack, late, 'BACKORDERED')).timeline.at(-1).detail).toMatchObject({ rule: 'backorder' });

    const received = await stack.call('POST', `/v1/transfers/${transferId}/received`);
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'received' });
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
    expect(await stockOf(stack, suzhou, sku)).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
    expect((await stack.call('POST', `/v1/transfers/${transferId}/received`)).status).toBe(409);
    expect((await stack.call('POST', '/v1/transfers/tr-nope/received')).status).toBe(404);

    const picking = await orderIn(stack, orderId, 'PICKING');
    expect(picking.allocation).toEqual({ rule: 'regional-transfer', warehouseId: shanghai, transferId });
    expect(picking.tasks).toEqual([expect.objectContaining({ warehouseId: shanghai })]);
    const types = picking.timeline.map((e: { type: string }) => e.type);
    expect(types.slice(types.indexOf('TRANSFER_CREATED'))).toEqual(['TRANSFER_CREATED', 'TRANSFER_RECEIVED', 'STOCK_RESERVED', 'ALLOCATED', 'PICK_TASK_CREATED']);
    expect((await orderIn(stack, late, 'BACKORDERED')).status).toBe('BACKORDERED');

    await completePick(orderId);
    await orderIn(stack, orderId, 'SHIPPED', 'DELIVERED', 'COMPLETED');
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it('when an order waiting for a transfer is cancelled, then the goods stay held until they arrive and then serve the next waiting order', async () => {
    const sku = skuId('XCAN');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const suzhou = await warehouseIn(stack, 'suzhou', { [sku]: 3 });
    const first = await paidOrder(stack, 'shanghai', { [sku]: 2 });
    await orderIn(stack, first, 'AWAITING_TRANSFER');

    const cancelled = await stack.call('POST', `/v1/orders/${first}/cancel`, { reason: 'buyer changed mind' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await stack.call('GET', `/v1/transfers/tr-${first}`)).body).toMatchObject({ status: 'in_transit', forOrder: false });
    // Still on the truck: not sellable at the source.
    expect(await stockOf(stack, suzhou, sku)).toMatchObject({ onHand: 3, reserved: 2, available: 1 });

    const second = await paidOrder(stack, 'shanghai', { [sku]: 2 });
    await orderIn(stack, second, 'BACKORDERED');

    expect((await stack.call('POST', `/v1/transfers/tr-${first}/received`)).status).toBe(200);
    const served = await orderIn(stack, second, 'PICKING');
    expect(served.allocation).toEqual({ rule: 'local-stock', warehouseId: shanghai });
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
    expect(await stockOf(stack, suzhou, sku)).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it('when only a far warehouse holds every line, then it ships directly from there (remote-direct)', async () => {
    const sku = skuId('FAR');
    await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const beijing = await warehouseIn(stack, 'beijing', { [sku]: 3 });
    const orderId = await paidOrder(stack, 'shanghai', { [sku]: 1 });
    const order = await orderIn(stack, orderId, 'PICKING');
    expect(order.allocation).toEqual({ rule: 'remote-direct', warehouseId: beijing });
    expect(eventOf(order, 'ALLOCATED')?.detail?.reason).toMatch(/nearest warehouse holding every line/);
  });

  it('when a warehouse is created without coordinates, then they come from its city; unknown places and half coordinates are refused', async () => {
    const id = uniq('WH');
    const created = await stack.call('POST', '/v1/warehouses', { id, name: '上海仓', province: '上海', city: '浦东新区' });
    expect(created.status).toBe(201);
    expect(created.body.lat).toBeCloseTo(31.23, 1);
    expect(created.body.lng).toBeCloseTo(121.47, 1);

    const given = await stack.call('POST', '/v1/warehouses', { id: uniq('WH'), name: 'x', province: '上海', city: '上海', lat: 30, lng: 120 });
    expect(given.body).toMatchObject({ lat: 30, lng: 120 });

    const unknown = await stack.call('POST', '/v1/warehouses', { id: uniq('WH'), name: 'x', province: 'Atlantis', city: 'Nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues[0].path).toBe('json.city');
    const half = await stack.call('POST', '/v1/warehouses', { id: uniq('WH'), name: 'x', province: '上海', city: '上海', lat: 31 });
    expect(half.status).toBe(400);
    expect(half.body.error.issues[0].path).toBe('json.lng');
  });

  // Changes the shared rule set: keep it last, and only touch what no other test depends on (100–200 km transfers).
  it('when the rule set is replaced through the API, then it is validated, stored, and the next allocation follows it', async () => {
    const current = await stack.call('GET', '/v1/allocation/rules');
    expect(current.status).toBe(200);
    expect(current.body.rules.map((r: { id: string }) => r.id)).toEqual(DEFAULT_ALLOCATION_RULES.rules.map((r) => r.id));

    const bad = await stack.call('PUT', '/v1/allocation/rules', {
      rules: [
        { id: 'a', kind: 'teleport' },
        { id: 'b', kind: 'regional-transfer', params: { maxTransferKM: 100 } },
        { id: 'b', kind: 'backorder' },
      ],
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['json.rules.0.kind', 'json.rules.1.params']));
    const duplicate = await stack.call('PUT', '/v1/allocation/rules', { rules: [{ id: 'x', kind: 'local-stock' }, { id: 'x', kind: 'backorder' }] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.issues).toEqual([{ path: 'json.rules.1.id', message: 'duplicate rule id x' }]);
    expect((await stack.call('PUT', '/v1/allocation/rules', { rules: [] })).status).toBe(400);
    expect((await stack.call('GET', '/v1/allocation/rules')).body).toEqual(current.body);

    const sku = skuId('RULE');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const hangzhou = await warehouseIn(stack, 'hangzhou', { [sku]: 4 });
    const shortRange = DEFAULT_ALLOCATION_RULES.rules.map((r) => (r.kind === 'regional-transfer' ? { ...r, params: { maxTransferKm: 100 } } : r));
    try {
      const put = await stack.call('PUT', '/v1/allocation/rules', { rules: shortRange.map(({ id, kind, params }) => ({ id, kind, params })) });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ source: 'stored', version: expect.any(Number) });
      expect(put.body.rules[1]).toEqual({ id: 'regional-transfer', kind: 'regional-transfer', enabled: true, params: { maxTransferKm: 100, etaDays: 1 } });
      expect((await stack.call('GET', '/v1/allocation/rules')).body.rules).toEqual(put.body.rules);

      // 杭州 is ≈165 km from 上海: beyond 100 km, so no transfer; it ships directly instead.
      const direct = await paidOrder(stack, 'shanghai', { [sku]: 1 });
      expect((await orderIn(stack, direct, 'PICKING')).allocation).toEqual({ rule: 'remote-direct', warehouseId: hangzhou });
    } finally {
      const restored = await stack.call('PUT', '/v1/allocation/rules', DEFAULT_ALLOCATION_RULES);
      expect(restored.status).toBe(200);
    }
    const transfer = await paidOrder(stack, 'shanghai', { [sku]: 1 });
    const waiting = await orderIn(stack, transfer, 'AWAITING_TRANSFER');
    expect(waiting.allocation).toMatchObject({ rule: 'regional-transfer', warehouseId: shanghai });
    await eventually(async () => ((await stockOf(stack, hangzhou, sku)).reserved === 2 ? true : undefined));
  });
});
