/**
 * Warehouse daily capacity on the real stack: orders beyond a warehouse's cap go to the next warehouse, the
 * count is race-safe and counted once per order, a same-day cancel frees the slot, an order nothing else can
 * ship is booked on the full warehouse's next day, and the day turns at midnight Asia/Shanghai (the activities
 * run on a clock the test moves).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAllocationActivities } from '../../activities/allocation-activities';
import { warehouseDayLoad } from '../../db/schema';
import { createLogger } from '../../infra/logger';
import { eventOf, orderIn, paidOrder, skuId, warehouseIn } from '../support/allocation-fixtures';
import { stockOf } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
/** The activities' clock: Beijing time is UTC+8, so 15:58Z is 23:58 in Shanghai. */
let clock = Date.parse('2026-11-25T15:58:00Z');
const setClock = (iso: string) => void (clock = Date.parse(iso));

beforeAll(async () => {
  stack = await startStack({ now: () => new Date(clock) });
});
afterAll(async () => {
  await stack?.close();
});

async function capacity(warehouseId: string, dailyOrders: number | null) {
  const res = await stack.call('PUT', `/v1/warehouses/${warehouseId}/capacity`, { dailyOrders });
  expect(res.status).toBe(200);
}

async function load(warehouseId: string, day: string): Promise<number> {
  const [row] = await stack.db
    .select({ orders: warehouseDayLoad.orders })
    .from(warehouseDayLoad)
    .where(and(eq(warehouseDayLoad.warehouseId, warehouseId), eq(warehouseDayLoad.day, day)));
  return row?.orders ?? 0;
}

/** A paid order to 杭州, allocated; resolves to the order as the API shows it. */
async function allocatedOrder(lines: Record<string, number>, extra: { urgent?: boolean } = {}) {
  const orderId = await paidOrder(stack, 'hangzhou', lines, extra);
  return orderIn(stack, orderId, 'PICKING');
}

describe('warehouse daily capacity', () => {
  it('when the nearest warehouse has shipped its day’s orders, then the next warehouse serves; at midnight Asia/Shanghai its day starts again', async () => {
    setClock('2026-11-25T15:58:00Z'); // 23:58 on the 25th in Shanghai
    const sku = skuId('CAP');
    const hangzhou = await warehouseIn(stack, 'hangzhou', { [sku]: 10 });
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 10 });
    await capacity(hangzhou, 2);

    const first = await allocatedOrder({ [sku]: 1 });
    const second = await allocatedOrder({ [sku]: 1 });
    expect(first.allocation).toEqual({ rule: 'local-stock', warehouseId: hangzhou });
    expect(second.allocation).toEqual({ rule: 'local-stock', warehouseId: hangzhou });

    const third = await allocatedOrder({ [sku]: 1 });
    expect(third.allocation).toEqual({ rule: 'local-stock', warehouseId: shanghai });
    expect(eventOf(third, 'ALLOCATED')?.detail?.reason).toMatch(new RegExp(`at daily capacity today: ${hangzhou}`));
    // The unit held in 杭州 at intake went back on sale there; 上海 reserved it instead.
    expect(await stockOf(stack, hangzhou, sku)).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
    expect(await stockOf(stack, shanghai, sku)).toMatchObject({ onHand: 10, reserved: 1, available: 9 });
    expect([await load(hangzhou, '2026-11-25'), await load(shanghai, '2026-11-25')]).toEqual([2, 1]);

    setClock('2026-11-25T15:59:59Z'); // still the 25th
    expect((await allocatedOrder({ [sku]: 1 })).allocation.warehouseId).toBe(shanghai);

    setClock('2026-11-25T16:00:00Z'); // 00:00 on the 26th in Shanghai
    const nextDay = await allocatedOrder({ [sku]: 1 });
    expect(nextDay.allocation).toEqual({ rule: 'local-stock', warehouseId: hangzhou });
    expect([await load(hangzhou, '2026-11-25'), await load(hangzhou, '2026-11-26')]).toEqual([2, 1]);
    expect(await load(shanghai, '2026-11-25')).toBe(2);
  });

  it('when allocations race for the last slots, then exactly the cap goes to the full warehouse, and a retried allocation is counted once', async () => {
    setClock('2026-11-27T04:00:00Z');
    // One SKU per order: nothing serialises them on stock rows, only the day's count decides. The allocation
    // activity is called directly, all at once, so the transactions really overlap.
    const skus = Array.from({ length: 8 }, () => skuId('RACE'));
    const stock = Object.fromEntries(skus.map((s) => [s, 3]));
    const hangzhou = await warehouseIn(stack, 'hangzhou', stock);
    const shanghai = await warehouseIn(stack, 'shanghai', stock);
    await capacity(hangzhou, 3);
    const activities = createAllocationActivities({ db: stack.db, logger: createLogger('silent'), defaultSenderPhone: '0', now: () => new Date(clock) });
    const allocate = (orderId: string, sku: string) =>
      activities.allocateOrder({
        orderId,
        lines: [{ sku, quantity: 1 }],
        receiver: { province: '浙江省', city: '杭州市', district: '', detail: '测试路 1 号' },
        urgent: false,
        transferDayMs: 60_000,
      });

    const ids = skus.map((s) => `race-${s}`);
    const outcomes = await Promise.all(ids.map((id, i) => allocate(id, skus[i]!)));
    const from = outcomes.map((o) => (o.action === 'ship' ? o.parcels[0]!.warehouseId : o.action));
    expect(from.filter((w) => w === hangzhou)).toHaveLength(3);
    expect(from.filter((w) => w === shanghai)).toHaveLength(5);
    expect([await load(hangzhou, '2026-11-27'), await load(shanghai, '2026-11-27')]).toEqual([3, 5]);

    // Retried (the activity is, after a lost answer), it finds the allocation and counts nothing.
    const again = await allocate(ids[0]!, skus[0]!);
    expect(again).toMatchObject({ action: 'ship', parcels: [{ warehouseId: from[0] }] });
    expect([await load(hangzhou, '2026-11-27'), await load(shanghai, '2026-11-27')]).toEqual([3, 5]);
  });

  it('when an order allocated today is cancelled, then its slot goes to the next order', async () => {
    setClock('2026-11-28T02:00:00Z');
    const sku = skuId('CANCEL');
    const hangzhou = await warehouseIn(stack, 'hangzhou', { [sku]: 5 });
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 5 });
    await capacity(hangzhou, 1);

    const first = await allocatedOrder({ [sku]: 1 });
    expect(first.allocation.warehouseId).toBe(hangzhou);
    expect((await allocatedOrder({ [sku]: 1 })).allocation.warehouseId).toBe(shanghai);

    const cancelled = await stack.call('POST', `/v1/orders/${first.orderId}/cancel`, { reason: 'buyer changed mind' });
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await load(hangzhou, '2026-11-28')).toBe(0);
    expect((await allocatedOrder({ [sku]: 1 })).allocation.warehouseId).toBe(hangzhou);
    expect([await load(hangzhou, '2026-11-28'), await load(shanghai, '2026-11-28')]).toEqual([1, 1]);
  });

  it('when an order allocated on an earlier day is cancelled, then that day’s count stays as it was', async () => {
    setClock('2026-11-29T03:00:00Z');
    const sku = skuId('OLD');
    const hangzhou = await warehouseIn(stack, 'hangzhou', { [sku]: 5 });
    await capacity(hangzhou, 5);
    const order = await allocatedOrder({ [sku]: 1 });
    setClock('2026-11-30T03:00:00Z');
    expect((await stack.call('POST', `/v1/orders/${order.orderId}/cancel`, { reason: 'too late' })).body.status).toBe('CANCELLED');
    expect([await load(hangzhou, '2026-11-29'), await load(hangzhou, '2026-11-30')]).toEqual([1, 0]);
  });

  it('when only full warehouses hold the order, then it is booked on the next day with room instead of waiting for stock; a closed warehouse takes nothing', async () => {
    setClock('2026-12-01T05:00:00Z');
    const sku = skuId('AHEAD');
    const hangzhou = await warehouseIn(stack, 'hangzhou', { [sku]: 5 });
    const shanghai = await warehouseIn(stack, 'shanghai', { [sku]: 5 });
    await capacity(hangzhou, 1);
    await capacity(shanghai, 0); // closed

    expect((await allocatedOrder({ [sku]: 1 })).allocation.warehouseId).toBe(hangzhou);
    const booked = await allocatedOrder({ [sku]: 1 });
    expect(booked.allocation).toEqual({ rule: 'local-stock', warehouseId: hangzhou });
    expect(eventOf(booked, 'ALLOCATED')?.detail?.reason).toContain(`booked on the next day with room of ${hangzhou} (${hangzhou} on 2026-12-02)`);
    const third = await allocatedOrder({ [sku]: 1 });
    expect(third.allocation.warehouseId).toBe(hangzhou);
    expect([await load(hangzhou, '2026-12-01'), await load(hangzhou, '2026-12-02'), await load(hangzhou, '2026-12-03')]).toEqual([1, 1, 1]);
    expect(await load(shanghai, '2026-12-01')).toBe(0);

    // A cancel frees a slot in the queue: the latest booked day loses one.
    expect((await stack.call('POST', `/v1/orders/${booked.orderId}/cancel`, { reason: 'changed mind' })).body.status).toBe('CANCELLED');
    expect([await load(hangzhou, '2026-12-01'), await load(hangzhou, '2026-12-02'), await load(hangzhou, '2026-12-03')]).toEqual([1, 1, 0]);
  });
});
