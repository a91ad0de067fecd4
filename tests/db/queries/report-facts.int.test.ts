/**
 * `order_facts` follows the tables it is derived from, whichever write path changes them: the order and its
 * lines, timeline events, returns, shipments (and a freight set later), transfers and urgent purchases, a merge.
 * A write only marks the order; its row is recomputed by the next refresh (a report's, or the background job's).
 * Two transactions changing one order at the same time both end up in its row. The fulfilment-cycle figures
 * computed in SQL from the facts match the definitions (mean; p90 by linear interpolation between closest ranks).
 * The basket is also held as SKU dictionary ids and integer pairs, and co-purchase gives the names back from them.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../../db/client';
import { coPurchaseCounts, cycleStats, funnelCounts, refreshPendingFacts } from '../../../db/queries/reports';
import { insertOrder, recordTransitions } from '../../../db/queries/orders';
import { canonicalOrderSchema } from '../../../domain/order-schema';
import type { TransitionRecord } from '../../../workflows/contract';

let database: Database;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 6 });
});
afterAll(async () => {
  await database?.close();
});

const HOUR = 3_600_000;

/** An order placed (and paid, when `paidAt` is given) through the same query the workflow's activity uses. */
async function placeOrder(o: { channel: string; createdAt: string; paidAt?: string; lines: { sku: string; quantity: number; unitPriceFen: number }[] }) {
  const channelOrderId = randomUUID();
  const orderId = `${o.channel}-${channelOrderId}`;
  const order = canonicalOrderSchema.parse({
    channel: o.channel,
    channelOrderId,
    createdAt: o.createdAt,
    ...(o.paidAt ? { paidAt: o.paidAt } : {}),
    customer: { name: '测试', phone: '13900001111' },
    shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' },
    lines: o.lines,
  });
  await insertOrder(database.db, { orderId, workflowId: `order-${orderId}`, order, status: o.paidAt ? 'RESERVED' : 'PENDING_PAYMENT', at: new Date(o.createdAt) });
  return orderId;
}

/** The order's facts as a report would read them: after the refresh every report makes first. */
async function factsOf(orderId: string, { refresh = true } = {}) {
  if (refresh) await refreshPendingFacts(database.db, { wait: true });
  const { rows } = await database.pool.query(
    `select channel, province, city, merged, total_fen::int as total, paid_at, shipped_at, delivered_at, returned_at, line_count, units, skus, basket_keys, categories,
       carrier_fen, forward_shipped, transfer_units, purchase_freight_fen, day::text, weekday, hour, warehouse_id
     from order_facts where order_id = $1`,
    [orderId],
  );
  return rows[0];
}

describe('order_facts', () => {
  it('is not recomputed in the writing transaction: the order is marked, and the next refresh writes its row', async () => {
    const id = await placeOrder({ channel: 'pdd', createdAt: '2026-11-27T10:00:00+08:00', lines: [{ sku: 'FACT-M', quantity: 2, unitPriceFen: 500 }] });
    const row = async () => (await database.pool.query(`select units from order_facts where order_id = $1`, [id])).rows[0];
    const pending = async () => (await database.pool.query(`select 1 from order_facts_pending where order_id = $1`, [id])).rowCount;
    // A concurrent refresh (another test's, the background job's) may already have taken it: then it is written.
    if ((await pending()) === 1) expect(await row()).toBeUndefined();
    expect(await refreshPendingFacts(database.db, { wait: true })).toBeGreaterThanOrEqual(0);
    expect(await pending()).toBe(0);
    expect(await row()).toEqual({ units: 2 });
  });

  it('is written with the order, in Shanghai days and hours, with its basket', async () => {
    await database.pool.query(`insert into skus (sku, category) values ('FACT-A', 'toys'), ('FACT-B', null) on conflict (sku) do nothing`);
    // Friday 2026-11-27 20:30 in Shanghai is 12:30 UTC.
    const id = await placeOrder({
      channel: 'douyin',
      createdAt: '2026-11-27T20:30:00+08:00',
      lines: [
        { sku: 'FACT-B', quantity: 2, unitPriceFen: 1000 },
        { sku: 'FACT-A', quantity: 1, unitPriceFen: 550 },
      ],
    });
    expect(await factsOf(id)).toMatchObject({
      channel: 'douyin',
      province: '浙江省',
      city: '杭州市',
      merged: false,
      total: 2550,
      paid_at: null,
      line_count: 2,
      units: 3,
      skus: ['FACT-A', 'FACT-B'],
      categories: ['toys'],
      day: '2026-11-27',
      weekday: 5,
      hour: 20,
      carrier_fen: 0,
      forward_shipped: false,
    });
  });

  it('follows the categories of its SKUs', async () => {
    await database.pool.query(`insert into skus (sku, category) values ('FACT-G', 'bowls') on conflict (sku) do nothing`);
    const id = await placeOrder({ channel: 'pdd', createdAt: '2026-11-23T09:00:00+08:00', lines: [{ sku: 'FACT-G', quantity: 1, unitPriceFen: 100 }, { sku: 'FACT-H', quantity: 1, unitPriceFen: 100 }] });
    expect((await factsOf(id)).categories).toEqual(['bowls']);
    await database.pool.query(`insert into skus (sku, category) values ('FACT-H', 'cat-food')`);
    expect((await factsOf(id)).categories).toEqual(['bowls', 'cat-food']);
    await database.pool.query(`update skus set category = 'litter' where sku = 'FACT-G'`);
    expect((await factsOf(id)).categories).toEqual(['cat-food', 'litter']);
    await database.pool.query(`update skus set category = null where sku = 'FACT-H'`);
    expect((await factsOf(id)).categories).toEqual(['litter']);
  });

  it('follows payment, shipping, delivery, freight, a transfer, an urgent purchase, a return and a merge', async () => {
    const at = new Date('2026-11-20T10:00:00+08:00');
    const id = await placeOrder({ channel: 'taobao', createdAt: at.toISOString(), lines: [{ sku: 'FACT-C', quantity: 4, unitPriceFen: 100 }] });
    const t = (h: number) => new Date(at.getTime() + h * HOUR).toISOString();

    await recordTransitions(database.db, [{ orderId: id, seq: 2, type: 'PAYMENT_CONFIRMED', status: 'RESERVED', at: t(0.1), patch: { paidAt: t(0.1), warehouseId: 'HZ-F' } }]);
    expect(await factsOf(id)).toMatchObject({ paid_at: new Date(t(0.1)), warehouse_id: 'HZ-F' });

    await database.pool.query(
      `insert into transfer_orders (id, order_id, from_warehouse_id, to_warehouse_id, status, lines, for_order, eta)
       values ($1, $2, 'SH-F', 'HZ-F', 'requested', '[{"sku":"FACT-C","quantity":3}]', true, now())`,
      [`tr-${id}`, id],
    );
    await database.pool.query(
      `insert into purchase_orders (id, order_id, warehouse_id, status, lines, post_fee_fen) values ($1, $2, 'HZ-F', 'pending', '[]', 800)`,
      [`po-${id}`, id],
    );
    expect(await factsOf(id)).toMatchObject({ transfer_units: 3, purchase_freight_fen: 0 });
    await database.pool.query(`update purchase_orders set status = 'ordered' where id = $1`, [`po-${id}`]);
    expect(await factsOf(id)).toMatchObject({ purchase_freight_fen: 800 });

    await database.pool.query(
      `insert into shipments (id, order_id, warehouse_id, direction, carrier, waybill_no, status) values ($1, $2, 'HZ-F', 'forward', 'sf', $1, 'created')`,
      [`sh-${id}`, id],
    );
    expect(await factsOf(id)).toMatchObject({ forward_shipped: true, carrier_fen: 0 });
    await database.pool.query(`update shipments set cost_fen = 1234 where id = $1`, [`sh-${id}`]);
    await recordTransitions(database.db, [
      { orderId: id, seq: 3, type: 'SHIPPED', status: 'SHIPPED', at: t(5) },
      { orderId: id, seq: 4, type: 'DELIVERED', status: 'DELIVERED', at: t(30) },
    ]);
    expect(await factsOf(id)).toMatchObject({ carrier_fen: 1234, shipped_at: new Date(t(5)), delivered_at: new Date(t(30)), returned_at: null });

    await database.pool.query(
      `insert into returns (return_id, order_id, source, reason, status, warehouse_id, lines, refund_fen, requested_at)
       values ($1, $2, 'channel', '不想要了', 'requested', 'HZ-F', '[]', 0, $3)`,
      [`rt-${id}`, id, t(40)],
    );
    expect(await factsOf(id)).toMatchObject({ returned_at: new Date(t(40)) });

    await recordTransitions(database.db, [{ orderId: id, seq: 5, type: 'MERGED', status: 'MERGED', at: t(41), patch: { mergedInto: 'other' } }]);
    expect(await factsOf(id)).toMatchObject({ merged: true });
  });

  it('keeps both of two transactions that change one order at the same time', async () => {
    const at = new Date('2026-11-21T09:00:00+08:00');
    for (let round = 0; round < 5; round++) {
      const id = await placeOrder({ channel: 'pdd', createdAt: at.toISOString(), paidAt: at.toISOString(), lines: [{ sku: 'FACT-D', quantity: 1, unitPriceFen: 100 }] });
      const a = await database.pool.connect();
      const b = await database.pool.connect();
      try {
        await a.query('begin');
        await b.query('begin');
        await a.query(`insert into order_events (order_id, seq, type, status, at) values ($1, 3, 'SHIPPED', 'SHIPPED', $2)`, [id, new Date(at.getTime() + HOUR)]);
        // b refreshes the same order while a has not committed: it waits for a, then sees a's event.
        const returned = b.query(
          `insert into returns (return_id, order_id, source, reason, status, warehouse_id, lines, refund_fen, requested_at)
           values ($1, $2, 'channel', '-', 'requested', 'HZ-F', '[]', 0, now())`,
          [`rt-${id}`, id],
        );
        await new Promise((r) => setTimeout(r, 50));
        await a.query('commit');
        await returned;
        await b.query('commit');
      } finally {
        a.release();
        b.release();
      }
      const facts = await factsOf(id);
      expect(facts.shipped_at).not.toBeNull();
      expect(facts.returned_at).not.toBeNull();
    }
  });

  it('gives the cycle mean and p90 (linear interpolation between closest ranks) and the funnel of a channel', async () => {
    // A moment of its own, so the period holds only this test's orders.
    const channel = 'manual';
    const base = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e6) * HOUR);
    // Paid → shipped hours 1..10 for ten orders; paid → delivered for the first four only (24, 48, 72, 96).
    for (let i = 1; i <= 10; i++) {
      const id = await placeOrder({ channel, createdAt: base.toISOString(), paidAt: base.toISOString(), lines: [{ sku: 'FACT-E', quantity: 1, unitPriceFen: 100 }] });
      const events: TransitionRecord[] = [{ orderId: id, seq: 3, type: 'SHIPPED', status: 'SHIPPED', at: new Date(base.getTime() + i * HOUR).toISOString() }];
      if (i <= 4) events.push({ orderId: id, seq: 4, type: 'DELIVERED', status: 'DELIVERED', at: new Date(base.getTime() + 24 * i * HOUR).toISOString() });
      await recordTransitions(database.db, events);
    }
    await placeOrder({ channel, createdAt: base.toISOString(), lines: [{ sku: 'FACT-E', quantity: 1, unitPriceFen: 100 }] }); // never paid
    const f = { from: new Date(base.getTime() - HOUR), to: new Date(base.getTime() + HOUR), channel };

    const stats = await cycleStats(database.db, f);
    expect(stats.paidToShipped.orders).toBe(10);
    expect(stats.paidToShipped.meanHours).toBeCloseTo(5.5, 9);
    expect(stats.paidToShipped.p90Hours).toBeCloseTo(9.1, 9); // rank 0.9 × 9 = 8.1 → 9 + 0.1 × (10 − 9)
    expect(stats.paidToDelivered.orders).toBe(4);
    expect(stats.paidToDelivered.meanHours).toBeCloseTo(60, 9);
    expect(stats.paidToDelivered.p90Hours).toBeCloseTo(88.8, 9); // rank 2.7 → 72 + 0.7 × 24

    expect(await funnelCounts(database.db, f)).toEqual({ ordered: 11, paid: 10, shipped: 10, delivered: 4, returned: 0 });
    const empty = await cycleStats(database.db, { ...f, channel: 'wechat' });
    expect(empty.paidToShipped).toEqual({ orders: 0, meanHours: null, p90Hours: null });
  });

  it('counts baskets, SKUs and pairs in one pass, over the support threshold, by lift', async () => {
    const base = new Date(Date.UTC(2002, 0, 1) + Math.floor(Math.random() * 1e6) * HOUR).toISOString();
    const baskets = [['P', 'Q'], ['P', 'Q'], ['P', 'Q', 'R'], ['R', 'S'], ['R', 'S'], ['P'], ['T']];
    for (const skus of baskets) {
      await placeOrder({ channel: 'tmall', createdAt: base, paidAt: base, lines: skus.map((sku) => ({ sku: `CP-${sku}`, quantity: 1, unitPriceFen: 100 })) });
    }
    await placeOrder({ channel: 'tmall', createdAt: base, lines: [{ sku: 'CP-P', quantity: 1, unitPriceFen: 100 }, { sku: 'CP-T', quantity: 1, unitPriceFen: 100 }] }); // unpaid
    const f = { from: new Date(base), to: new Date(new Date(base).getTime() + 1000) };

    const all = await coPurchaseCounts(database.db, f, 0, 10);
    expect(all.totalOrders).toBe(7);
    expect(Object.fromEntries(all.ordersWith)).toEqual({ 'CP-P': 4, 'CP-Q': 3, 'CP-R': 3, 'CP-S': 2, 'CP-T': 1 });
    // Lift ∝ orders / (n(a) × n(b)): R-S 2/6, P-Q 3/12, Q-R 1/9, P-R 1/12.
    expect(all.pairs).toEqual([
      { a: 'CP-R', b: 'CP-S', orders: 2 },
      { a: 'CP-P', b: 'CP-Q', orders: 3 },
      { a: 'CP-Q', b: 'CP-R', orders: 1 },
      { a: 'CP-P', b: 'CP-R', orders: 1 },
    ]);
    // Support ≥ 2/7 keeps the pairs in two orders or more; the limit keeps the best.
    expect((await coPurchaseCounts(database.db, f, 2 / 7, 10)).pairs.map((p) => p.a + p.b)).toEqual(['CP-RCP-S', 'CP-PCP-Q']);
    // Limited after ranking by lift: the best pair, not the one in most orders (P-Q).
    expect((await coPurchaseCounts(database.db, f, 0, 1)).pairs).toEqual([{ a: 'CP-R', b: 'CP-S', orders: 2 }]);
  });

  it('keeps a pair whose support is exactly the minimum, as the rules count it (7 of 25 orders at 0.28)', async () => {
    const base = new Date(Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 1e6) * HOUR).toISOString();
    for (let i = 0; i < 25; i++) {
      const skus = i < 7 ? ['X', 'Y'] : ['Z'];
      await placeOrder({ channel: 'tmall', createdAt: base, paidAt: base, lines: skus.map((sku) => ({ sku: `MS-${sku}`, quantity: 1, unitPriceFen: 100 })) });
    }
    const f = { from: new Date(base), to: new Date(new Date(base).getTime() + 1000) };
    // 0.28 × 25 is 7.000000000000001 in floating point: a threshold of ceil(minSupport × orders) asked for 8.
    expect((await coPurchaseCounts(database.db, f, 0.28, 10)).pairs).toEqual([{ a: 'MS-X', b: 'MS-Y', orders: 7 }]);
    expect((await coPurchaseCounts(database.db, f, 0.29, 10)).pairs).toEqual([]);
  });

  it('is recomputed for every existing order by the function the migration runs', async () => {
    const id = await placeOrder({ channel: 'wechat', createdAt: '2026-11-22T12:00:00+08:00', lines: [{ sku: 'FACT-F', quantity: 2, unitPriceFen: 300 }] });
    await refreshPendingFacts(database.db, { wait: true });
    await database.db.execute(sql`delete from order_facts where order_id = ${id}`);
    expect(await factsOf(id, { refresh: false })).toBeUndefined();
    await database.db.execute(sql`select refresh_order_facts(array[${id}]::text[], false)`);
    expect(await factsOf(id, { refresh: false })).toMatchObject({ units: 2, total: 600, skus: ['FACT-F'] });
  });
});

describe('sku_dictionary', () => {
  const idsOf = async (skus: string[]) =>
    new Map((await database.pool.query<{ sku: string; id: number }>(`select sku, id from sku_dictionary where sku = any($1)`, [skus])).rows.map((r) => [r.sku, r.id]));
  const lastId = async () => (await database.pool.query(`select last_value::int as n from sku_dictionary_id_seq`)).rows[0].n as number;

  it('numbers a SKU the first time the facts meet it, keeps its number, and gives its name back whatever it holds', async () => {
    const tag = randomUUID().slice(0, 8);
    // Quotes, a comma, braces, a backslash, spaces and CJK: what an array literal or a CSV could trip on (control
    // characters are refused by the order schema).
    const odd = `DICT-${tag} 猫砂 "10kg", {大} \\ 'x' ;-- ~`;
    const plain = `DICT-${tag}-A`;
    const later = `DICT-${tag}-B`;
    expect((await idsOf([odd, plain, later])).size).toBe(0);
    const base = new Date(Date.UTC(2004, 0, 1) + Math.floor(Math.random() * 1e6) * HOUR).toISOString();
    const line = (sku: string) => ({ sku, quantity: 1, unitPriceFen: 100 });

    const first = await placeOrder({ channel: 'tmall', createdAt: base, paidAt: base, lines: [line(plain), line(odd)] });
    const facts = await factsOf(first);
    const ids = await idsOf([odd, plain]);
    expect(ids.size).toBe(2);
    const [lo, hi] = [ids.get(odd)!, ids.get(plain)!].sort((x, y) => x - y) as [number, number];
    // The ids ascending, the first negated, then the pair's key: lo << 32 | (hi XOR lo × 2654435761 mod 2³²).
    const pairKey = (BigInt(lo) << 32n) | (BigInt(hi) ^ ((BigInt(lo) * 2654435761n) & 0xffffffffn));
    expect(facts.basket_keys.map(String)).toEqual([String(-lo), String(hi), String(pairKey)]);
    const { rows } = await database.pool.query(
      `select array_agg(d.sku order by d.sku) as names, (select sku_pair_key($2, $3)::text) as key
       from order_facts f, unnest(f.basket_keys) k join sku_dictionary d on d.id = abs(k) where f.order_id = $1`,
      [first, lo, hi],
    );
    expect(rows[0].key).toBe(String(pairKey));
    expect(rows[0].names).toEqual(facts.skus);
    expect(facts.skus).toEqual([odd, plain].sort());

    // A later order: the SKUs met before keep their ids, the new one gets the next.
    const second = await placeOrder({ channel: 'tmall', createdAt: base, paidAt: base, lines: [line(odd), line(later)] });
    await factsOf(second);
    expect(await idsOf([odd, plain])).toEqual(ids);
    expect((await idsOf([later])).get(later)).toBeGreaterThan(hi);
    // Refreshing the same orders again numbers nothing, and draws no number either.
    const drawn = await lastId();
    await database.pool.query(`select refresh_order_facts(array[$1, $2]::text[], false)`, [first, second]);
    expect(await lastId()).toBe(drawn);

    const f = { from: new Date(base), to: new Date(new Date(base).getTime() + 1000) };
    const counts = await coPurchaseCounts(database.db, f, 0, 10);
    expect(counts.totalOrders).toBe(2);
    expect(Object.fromEntries(counts.ordersWith)).toEqual({ [odd]: 2, [plain]: 1, [later]: 1 });
    expect(counts.pairs).toEqual([
      { a: odd, b: plain, orders: 1 },
      { a: odd, b: later, orders: 1 },
    ]);
  });
});
