/**
 * Backorders woken first come first served, split shipments, a race for the last units across two
 * warehouses, and replenishment alerts: all through the HTTP API on the real stack.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders, reservations, transferOrders } from '../../db/schema';
import { eventOf, orderIn, paidOrder, skuId, warehouseIn, type Place } from '../support/allocation-fixtures';
import { stockOf } from '../support/fixtures';
import { eventually, startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function statusOf(orderId: string): Promise<string> {
  return (await stack.call('GET', `/v1/orders/${orderId}`)).body.status;
}

describe('stock allocation on the real stack', () => {
  it('when stock arrives for several backordered orders, then it goes to the oldest first and nothing is oversold', async () => {
    const sku = skuId('FIFO');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 0 });
    const start = Date.now() - 60_000;
    const waiting: string[] = [];
    // Placed newest first, so that arrival order and first-come order differ.
    for (let i = 3; i >= 0; i--) {
      waiting[i] = await paidOrder(stack, 'shanghai', { [sku]: 1 }, { createdAt: new Date(start + i * 1_000).toISOString() });
    }
    for (const id of waiting) {
      const order = await orderIn(stack, id, 'BACKORDERED');
      expect(eventOf(order, 'BACKORDERED')?.detail).toMatchObject({ rule: 'backorder' });
    }
    // The wake-up reads the read model: let it show all four as waiting.
    await eventually(async () => {
      const rows = await stack.db.select().from(orders).where(and(inArray(orders.orderId, waiting), eq(orders.status, 'BACKORDERED')));
      return rows.length === 4 ? true : undefined;
    });

    expect((await stack.call('PUT', `/v1/inventory/${shanghai}/${sku}`, { onHand: 2 })).status).toBe(200);
    await orderIn(stack, waiting[0]!, 'PICKING');
    await orderIn(stack, waiting[1]!, 'PICKING');
    expect(await statusOf(waiting[2]!)).toBe('BACKORDERED');
    expect(await statusOf(waiting[3]!)).toBe('BACKORDERED');
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });

    expect((await stack.call('PUT', `/v1/inventory/${shanghai}/${sku}`, { onHand: 3 })).status).toBe(200);
    await orderIn(stack, waiting[2]!, 'PICKING');
    expect(await statusOf(waiting[3]!)).toBe('BACKORDERED');
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
  });

  it('when no single warehouse has every line but two together do, then the order is split into one parcel per warehouse', async () => {
    const [cup, lid] = [skuId('CUP'), skuId('LID')];
    const shanghai = await warehouseIn(stack, 'shanghai', { [cup]: 2, [lid]: 0 });
    const beijing = await warehouseIn(stack, 'beijing', { [cup]: 0, [lid]: 1 });
    const orderId = await paidOrder(stack, 'shanghai', { [cup]: 1, [lid]: 1 });

    const picking = await eventually(async () => {
      const order = await orderIn(stack, orderId, 'PICKING');
      return order.tasks.length === 2 ? order : undefined;
    });
    const parcels = [
      { warehouseId: shanghai, lines: [{ sku: cup, quantity: 1 }], parcelNo: 1 },
      { warehouseId: beijing, lines: [{ sku: lid, quantity: 1 }], parcelNo: 2 },
    ];
    expect(picking.allocation).toEqual({ rule: 'split-shipment', warehouseId: shanghai, parcels });
    expect(eventOf(picking, 'ALLOCATED')?.detail?.reason).toMatch(/2 parcels from .* cost ¥[\d.]+; the cheapest single parcel \(transfer .*\) would cost/);
    const tasks = [...picking.tasks].sort((a, b) => a.taskId.localeCompare(b.taskId));
    expect(tasks).toEqual([
      expect.objectContaining({ taskId: `pick-${orderId}-1`, warehouseId: shanghai }),
      expect.objectContaining({ taskId: `pick-${orderId}-2`, warehouseId: beijing }),
    ]);
    expect((await stack.call('GET', `/v1/warehouse/tasks/pick-${orderId}-2`)).body.lines).toEqual([{ sku: lid, quantity: 1 }]);
    expect(await stockOf(stack, shanghai, cup)).toMatchObject({ reserved: 1 });
    expect(await stockOf(stack, beijing, lid)).toMatchObject({ reserved: 1 });

    // The picker in 上海 finishes first: nothing ships until both parcels are packed.
    await stack.call('POST', `/v1/warehouse/tasks/pick-${orderId}-1/complete`, {});
    await eventually(async () => (eventOf((await stack.call('GET', `/v1/orders/${orderId}`)).body, 'PACKED') ? true : undefined));
    expect(await statusOf(orderId)).toBe('PICKING');
    await stack.call('POST', `/v1/warehouse/tasks/pick-${orderId}-2/complete`, {});

    const delivered = await orderIn(stack, orderId, 'DELIVERED', 'COMPLETED');
    expect(delivered.shipments).toHaveLength(2);
    expect(new Set(delivered.shipments.map((s: { waybillNo: string }) => s.waybillNo)).size).toBe(2);
    expect(delivered.timeline.filter((e: { type: string }) => e.type === 'SHIPPED')).toHaveLength(2);
    expect(await stockOf(stack, shanghai, cup)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await stockOf(stack, beijing, lid)).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it('when 30 orders race for the last 5 units spread over two nearby warehouses, then exactly 5 units are committed and none is oversold', async () => {
    const sku = skuId('RACE');
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 3 });
    const suzhou = await warehouseIn(stack, 'suzhou', { [sku]: 2 });
    const places: Place[] = ['shanghai', 'suzhou', 'beijing'];
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => paidOrder(stack, places[i % 3]!, { [sku]: 1 })));

    const settled = ['PICKING', 'AWAITING_TRANSFER', 'BACKORDERED'];
    const rows = await eventually(
      async () => {
        const mine = await stack.db.select({ orderId: orders.orderId, status: orders.status }).from(orders).where(inArray(orders.orderId, ids));
        return mine.length === 30 && mine.every((o) => settled.includes(o.status)) ? mine : undefined;
      },
      90_000,
      'all 30 orders to be allocated, waiting for a transfer, or backordered',
    );
    const served = rows.filter((o) => o.status !== 'BACKORDERED');
    expect(served).toHaveLength(5);
    expect(rows.filter((o) => o.status === 'BACKORDERED')).toHaveLength(25);

    // Every unit is either reserved for exactly one served order or on a truck for one.
    const held = await stack.db.select().from(reservations).where(and(inArray(reservations.orderId, ids), eq(reservations.status, 'active')));
    const inTransit = await stack.db.select().from(transferOrders).where(and(inArray(transferOrders.orderId, ids), eq(transferOrders.status, 'in_transit')));
    const units = held.reduce((n, r) => n + r.quantity, 0) + inTransit.reduce((n, t) => n + (t.lines as { quantity: number }[])[0]!.quantity, 0);
    expect(units).toBe(5);
    expect(new Set([...held.map((r) => r.orderId), ...inTransit.map((t) => t.orderId)])).toEqual(new Set(served.map((o) => o.orderId)));
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    expect(await stockOf(stack, suzhou, sku)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
  });

  it('when available stock falls below the safety stock, then one alert with a suggested quantity is stored and pushed, and it resolves once restocked', async () => {
    const sku = skuId('LOW');
    expect((await stack.call('PUT', `/v1/skus/${sku}`, { safetyStock: 5 })).status).toBe(200);
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 6 });
    expect((await stack.call('GET', `/v1/replenishment?sku=${sku}`)).body).toEqual([]);

    await orderIn(stack, await paidOrder(stack, 'shanghai', { [sku]: 2 }), 'PICKING');
    const [alert] = await eventually(async () => {
      const open = (await stack.call('GET', `/v1/replenishment?sku=${sku}`)).body;
      return open.length ? open : undefined;
    });
    // 2 sold in 28 days → 1 unit for the next 14 days, plus the 1 unit missing to the safety stock.
    expect(alert).toMatchObject({ warehouseId: shanghai, sku, status: 'open', available: 4, safetyStock: 5, suggestedQuantity: 2 });
    expect(alert.velocityPerDay).toBeCloseTo(2 / 28, 3);
    expect(stack.replenishmentAlerts.filter((a) => a.sku === sku)).toEqual([expect.objectContaining({ id: alert.id, suggestedQuantity: 2 })]);

    // Lower still: the same alert is refreshed, not pushed again.
    await orderIn(stack, await paidOrder(stack, 'shanghai', { [sku]: 1 }), 'PICKING');
    await eventually(async () => {
      const [open] = (await stack.call('GET', `/v1/replenishment?sku=${sku}`)).body;
      return open?.available === 3 ? open : undefined;
    });
    const [refreshed] = (await stack.call('GET', `/v1/replenishment?sku=${sku}`)).body;
    expect(refreshed).toMatchObject({ id: alert.id, available: 3, suggestedQuantity: 2 + 2 });
    expect(stack.replenishmentAlerts.filter((a) => a.sku === sku)).toHaveLength(1);

    expect((await stack.call('PUT', `/v1/inventory/${shanghai}/${sku}`, { onHand: 20 })).status).toBe(200);
    expect((await stack.call('GET', `/v1/replenishment?sku=${sku}`)).body).toEqual([]);
    expect((await stack.call('GET', `/v1/replenishment?state=resolved&sku=${sku}`)).body).toEqual([
      expect.objectContaining({ id: alert.id, status: 'resolved', resolvedAt: expect.any(String) }),
    ]);
  });
});
