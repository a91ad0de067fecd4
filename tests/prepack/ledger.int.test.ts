import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../db/client';
import { claimPrepack, expirePrepack, openPrepack } from '../../db/queries/prepacks';
import { inventory, warehouses } from '../../db/schema';
import { and, eq } from 'drizzle-orm';
import { uniq } from '../support/stack';

let database: Database;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 12 });
});
afterAll(async () => {
  await database?.close();
});

async function seed(stock: Record<string, number>, sku: string) {
  for (const [id, onHand] of Object.entries(stock)) {
    await database.db.insert(warehouses).values({ id, name: id, province: '浙江省', city: '杭州市', lat: 30.27, lng: 120.15 });
    await database.db.insert(inventory).values({ warehouseId: id, sku, onHand });
  }
}
const row = async (warehouseId: string, sku: string) =>
  (await database.db.select().from(inventory).where(and(eq(inventory.warehouseId, warehouseId), eq(inventory.sku, sku))))[0]!;
const open = (p: { id: string; customerKey: string; sku: string; nearestFirst: string[]; dailyCap?: number; day?: string }) =>
  openPrepack(database.db, {
    customerLabel: 'x',
    probability: 0.9,
    modelId: null,
    day: p.day ?? '2026-12-03',
    dailyCap: p.dailyCap ?? 100,
    expiresAt: new Date(Date.now() + 60_000),
    waybillNo: `VW${p.id}`,
    ...p,
  });

describe('pre-pack ledger', () => {
  it('when 12 customers are pre-packed at once for a SKU with 3 units, then exactly 3 units are reserved, never more', async () => {
    const sku = uniq('SKU');
    const wh = uniq('WH');
    await seed({ [wh]: 3 }, sku);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => open({ id: uniq('pp'), customerKey: `b:c${i}`, sku, nearestFirst: [wh] })));
    expect(results.filter((r) => r.opened)).toHaveLength(3);
    expect(results.filter((r) => !r.opened).map((r) => !r.opened && r.why)).toEqual(Array(9).fill('no-stock'));
    expect(await row(wh, sku)).toMatchObject({ onHand: 3, reserved: 3 });
  });

  it('when the nearest warehouse reached its daily cap, then the next one with stock is used, and none past every cap', async () => {
    const sku = uniq('SKU');
    const [near, far] = [uniq('WH'), uniq('WH')];
    await seed({ [near]: 5, [far]: 5 }, sku);
    const day = '2026-12-04';
    const a = await open({ id: uniq('pp'), customerKey: 'b:a', sku, nearestFirst: [near, far], dailyCap: 1, day });
    const b = await open({ id: uniq('pp'), customerKey: 'b:b', sku, nearestFirst: [near, far], dailyCap: 1, day });
    const c = await open({ id: uniq('pp'), customerKey: 'b:c', sku, nearestFirst: [near, far], dailyCap: 1, day });
    expect([a.opened && a.row.warehouseId, b.opened && b.row.warehouseId]).toEqual([near, far]);
    expect(c).toEqual({ opened: false, why: 'cap' });
    const nextDay = await open({ id: uniq('pp'), customerKey: 'b:c', sku, nearestFirst: [near, far], dailyCap: 1, day: '2026-12-05' });
    expect(nextDay.opened && nextDay.row.warehouseId).toBe(near);
  });

  it('when the same customer × SKU is opened twice, then the second is refused; the same id again is the same pre-pack', async () => {
    const sku = uniq('SKU');
    const wh = uniq('WH');
    await seed({ [wh]: 5 }, sku);
    const id = uniq('pp');
    const first = await open({ id, customerKey: 'b:same', sku, nearestFirst: [wh] });
    expect(await open({ id, customerKey: 'b:same', sku, nearestFirst: [wh] })).toEqual(first);
    expect(await open({ id: uniq('pp'), customerKey: 'b:same', sku, nearestFirst: [wh] })).toEqual({ opened: false, why: 'exists' });
    expect(await row(wh, sku)).toMatchObject({ reserved: 1 });
  });

  it('when a paying order claims the pre-pack, then the unit moves to the order (one reserved, not two) and a later expiry changes nothing', async () => {
    const sku = uniq('SKU');
    const wh = uniq('WH');
    await seed({ [wh]: 2 }, sku);
    const id = uniq('pp');
    await open({ id, customerKey: 'b:buyer', sku, nearestFirst: [wh] });
    const orderId = uniq('order');
    const claimed = await claimPrepack(database.db, { orderId, customerKey: 'b:buyer', lines: [{ sku, quantity: 1 }] });
    expect(claimed).toMatchObject({ id, status: 'bought', orderId });
    expect(await claimPrepack(database.db, { orderId, customerKey: 'b:buyer', lines: [{ sku, quantity: 1 }] })).toMatchObject({ id, orderId });
    expect(await row(wh, sku)).toMatchObject({ onHand: 2, reserved: 1 });
    expect(await expirePrepack(database.db, id)).toMatchObject({ status: 'bought' });
    expect(await row(wh, sku)).toMatchObject({ reserved: 1 });
    // Another customer's order finds nothing to claim.
    expect(await claimPrepack(database.db, { orderId: uniq('order'), customerKey: 'b:other', lines: [{ sku, quantity: 1 }] })).toBeUndefined();
  });

  it('when an unbought pre-pack expires, then its unit is released and the row says expired', async () => {
    const sku = uniq('SKU');
    const wh = uniq('WH');
    await seed({ [wh]: 1 }, sku);
    const id = uniq('pp');
    await open({ id, customerKey: 'b:gone', sku, nearestFirst: [wh] });
    expect(await row(wh, sku)).toMatchObject({ reserved: 1 });
    expect(await expirePrepack(database.db, id)).toMatchObject({ status: 'expired' });
    expect(await expirePrepack(database.db, id)).toMatchObject({ status: 'expired' });
    expect(await row(wh, sku)).toMatchObject({ onHand: 1, reserved: 0 });
  });
});
