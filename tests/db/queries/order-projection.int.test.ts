/**
 * The read-model projection of an order's timeline (`recordTransitions`): every event stored once, the row
 * taking the newest status and patch of a step, a retried step changing nothing, a late older event stored
 * without rolling the row back, and events of several orders in one call.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../../db/client';
import { insertOrder, recordTransitions } from '../../../db/queries/orders';
import { canonicalOrderSchema } from '../../../domain/order-schema';
import type { TransitionRecord } from '../../../workflows/contract';

let database: Database;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 4 });
});
afterAll(async () => {
  await database?.close();
});

const T0 = new Date('2026-12-01T10:00:00+08:00').getTime();
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

async function newOrder(): Promise<string> {
  const channelOrderId = randomUUID();
  const orderId = `manual-${channelOrderId}`;
  const order = canonicalOrderSchema.parse({
    channel: 'manual',
    channelOrderId,
    createdAt: at(0),
    customer: { name: '张三', phone: '13800138000' },
    shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' },
    lines: [{ sku: 'PROJ-A', quantity: 1, unitPriceFen: 100 }],
  });
  await insertOrder(database.db, { orderId, workflowId: `order-${orderId}`, order, status: 'PENDING_PAYMENT', at: new Date(at(0)) });
  return orderId;
}

async function rowOf(orderId: string) {
  const { rows } = await database.pool.query(
    `select status, status_since, last_event_seq, warehouse_id, paid_at, merged_into, shipping_address->>'city' as city from orders where order_id = $1`,
    [orderId],
  );
  return rows[0];
}

async function eventsOf(orderId: string) {
  const { rows } = await database.pool.query(`select seq, type, status, data from order_events where order_id = $1 order by seq`, [orderId]);
  return rows;
}

describe('recordTransitions', () => {
  it('stores a step’s events in order and moves the row to the newest status and patch among them', async () => {
    const id = await newOrder();
    await recordTransitions(database.db, [
      { orderId: id, seq: 1, at: at(1), type: 'PAYMENT_CONFIRMED', detail: { paidAt: at(1) }, patch: { paidAt: at(1) } },
      { orderId: id, seq: 2, at: at(2), type: 'STOCK_RESERVED', status: 'RESERVED', detail: { warehouseId: 'W1' } },
      { orderId: id, seq: 3, at: at(2), type: 'ALLOCATED', status: 'ALLOCATED', detail: { rule: 'local' }, patch: { warehouseId: 'W1' } },
      { orderId: id, seq: 4, at: at(3), type: 'ADDRESS_CHANGED', patch: { shippingAddress: { province: '江苏省', city: '南京市', district: '鼓楼区', detail: '1 号' } } },
    ]);
    expect(await rowOf(id)).toMatchObject({ status: 'ALLOCATED', status_since: new Date(at(2)), last_event_seq: 4, warehouse_id: 'W1', paid_at: new Date(at(1)), city: '南京市' });
    expect((await eventsOf(id)).map((e) => [e.seq, e.type, e.status])).toEqual([
      [1, 'PAYMENT_CONFIRMED', null],
      [2, 'STOCK_RESERVED', 'RESERVED'],
      [3, 'ALLOCATED', 'ALLOCATED'],
      [4, 'ADDRESS_CHANGED', null],
    ]);
    expect((await eventsOf(id))[2].data).toEqual({ rule: 'local' });
  });

  it('changes nothing when a step is recorded again (a retried activity)', async () => {
    const id = await newOrder();
    const step: TransitionRecord[] = [{ orderId: id, seq: 1, at: at(1), type: 'ALLOCATED', status: 'ALLOCATED', patch: { warehouseId: 'W1' } }];
    await recordTransitions(database.db, step);
    await recordTransitions(database.db, [{ orderId: id, seq: 2, at: at(5), type: 'CANCELLED', status: 'CANCELLED', patch: { warehouseId: null } }]);
    await recordTransitions(database.db, step);
    expect(await rowOf(id)).toMatchObject({ status: 'CANCELLED', last_event_seq: 2, warehouse_id: null });
    expect(await eventsOf(id)).toHaveLength(2);
  });

  it('stores an older event that arrives late without rolling the row back', async () => {
    const id = await newOrder();
    await recordTransitions(database.db, [{ orderId: id, seq: 3, at: at(3), type: 'SHIPPED', status: 'SHIPPED' }]);
    await recordTransitions(database.db, [{ orderId: id, seq: 2, at: at(2), type: 'PACKED', status: 'PICKING', patch: { warehouseId: 'W9' } }]);
    expect(await rowOf(id)).toMatchObject({ status: 'SHIPPED', last_event_seq: 3, warehouse_id: null });
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['PACKED', 'SHIPPED']);
  });

  it('records the events of several orders in one call', async () => {
    const [a, b] = [await newOrder(), await newOrder()];
    await recordTransitions(database.db, [
      { orderId: a, seq: 1, at: at(1), type: 'MERGED', status: 'MERGED', patch: { mergedInto: b } },
      { orderId: b, seq: 1, at: at(1), type: 'DUPLICATE_MERGED', detail: { orderId: a } },
      { orderId: b, seq: 2, at: at(2), type: 'ALLOCATED', status: 'ALLOCATED', patch: { warehouseId: 'W2' } },
    ]);
    expect(await rowOf(a)).toMatchObject({ status: 'MERGED', merged_into: b, last_event_seq: 1 });
    expect(await rowOf(b)).toMatchObject({ status: 'ALLOCATED', warehouse_id: 'W2', last_event_seq: 2 });
  });
});
