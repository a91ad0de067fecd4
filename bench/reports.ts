/**
 * Reports at scale: `npm run bench:reports -- [--orders 1000000] [--days 90] [--runs 3] [--keep] [--database NAME]`
 * (`--database`: time the reports again over a database an earlier `--keep` run left, without generating it)
 *
 * Generates a brand's read model in a fresh database, in SQL and seeded (so runs compare): orders over `--days`
 * days on five channels with an evening-heavy hour profile, 1–4 lines each over 500 SKUs with a long tail,
 * shipping addresses in 30 cities, the timeline events (received, paid, shipped, delivered), forward shipments
 * with freight, allocations (a few by transfer), returns and stock in three warehouses, and the report facts of
 * every order (timed: what migrating an existing database costs). Then every report is
 * asked through its HTTP route, over the whole period and over the default last 7 days, `--runs` times each.
 *
 * Prints per report the median and worst time against the 2 s budget, and the ratio to a baseline measured in
 * the same run: a bare `count(*)` of the period's orders (the least any report over them must read).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import type { ApiEnv } from '../api/auth';
import { errorHandler } from '../api/errors';
import { reportRoutes } from '../api/routes/reports';
import { connectDatabase, migrateDatabase } from '../db/client';
import { createLogger } from '../infra/logger';
import { adminQuery, withDatabase } from '../infra/net';
import { progress } from '../infra/progress';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const ORDERS = Number(values.orders);
const DAYS = Number(values.days);
const RUNS = Math.max(1, Number(values.runs));
const BUDGET_MS = 2000;

const CITIES: readonly [string, string][] = [
  ['浙江省', '杭州市'], ['浙江省', '宁波市'], ['上海市', '上海市'], ['江苏省', '南京市'], ['江苏省', '苏州市'],
  ['广东省', '广州市'], ['广东省', '深圳市'], ['广东省', '东莞市'], ['北京市', '北京市'], ['天津市', '天津市'],
  ['四川省', '成都市'], ['重庆市', '重庆市'], ['湖北省', '武汉市'], ['湖南省', '长沙市'], ['河南省', '郑州市'],
  ['山东省', '济南市'], ['山东省', '青岛市'], ['福建省', '厦门市'], ['福建省', '福州市'], ['安徽省', '合肥市'],
  ['陕西省', '西安市'], ['辽宁省', '沈阳市'], ['黑龙江省', '哈尔滨市'], ['云南省', '昆明市'], ['广西壮族自治区', '南宁市'],
  ['贵州省', '贵阳市'], ['江西省', '南昌市'], ['河北省', '石家庄市'], ['新疆维吾尔自治区', '乌鲁木齐市'], ['甘肃省', '兰州市'],
];

const log = (...args: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

async function main() {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = values.database ?? `oms_bench_reports_${Date.now().toString(36)}`;
  if (!values.database) await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
  const database = connectDatabase(withDatabase(serverUrl, dbName), { max: 8 });
  try {
    await migrateDatabase(database.db);
    const q = (text: string) => database.pool.query(text);

    if (!values.database) {
      const generated = performance.now();
      log(`generating ${ORDERS.toLocaleString('en')} orders over ${DAYS} days…`);
      const seeding = progress('generating the read model', undefined, { unit: 'statements' });
      await generate((text) => q(text).finally(() => seeding.tick()));
      seeding.finish();
      log(`generated in ${((performance.now() - generated) / 1000).toFixed(0)} s`);
      const backfill = performance.now();
      await q(`select refresh_order_facts(array(select order_id from orders), false)`);
      log(`order_facts of every order computed (as the migration does for an existing database) in ${((performance.now() - backfill) / 1000).toFixed(0)} s`);
    }
    // What autovacuum does on a live database: statistics, and the visibility map for index-only scans.
    await q(`vacuum analyze order_facts`);
    const counts = (await q(`select (select count(*) from orders) as orders, (select count(*) from order_lines) as lines, (select count(*) from order_events) as events, (select count(*) from shipments) as shipments`)).rows[0];
    log(`rows: ${JSON.stringify(counts)}`);

    const app = new Hono<ApiEnv>()
      .use(async (c, next) => {
        c.set('caller', { keyId: 'bench', scopes: new Set(['admin'] as const) });
        await next();
      })
      .route('/v1/reports', reportRoutes({ db: database.db }))
      .onError(errorHandler(createLogger('silent')));

    const now = new Date();
    const whole = { from: new Date(now.getTime() - (DAYS + 1) * 86_400_000).toISOString(), to: now.toISOString() };
    const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const periods = [
      { name: `all ${DAYS} days`, query: whole, scope: `ordered_at >= '${whole.from}' and ordered_at < '${whole.to}'` },
      { name: 'last 7 days', query: {}, scope: `ordered_at >= now() - interval '7 days'` },
    ];
    const reports = [
      ['funnel', {}],
      ['heatmap', {}],
      ['heatmap', { level: 'city' }],
      ['co-purchase', { minSupport: '0.001' }],
      ['peaks', {}],
      ['peaks', { category: 'cat-food' }],
      ['fulfilment-cycle', {}],
      ['costs', {}],
      ['warehouse-health', { date: today }],
    ] as const;

    const lines: string[] = [];
    for (const period of periods) {
      const baseline = await timed(RUNS, async () => {
        await q(`select count(*) from orders where ${period.scope}`);
      });
      const inPeriod = Number((await q(`select count(*) as n from orders where ${period.scope}`)).rows[0].n);
      lines.push('', `  ${period.name}: ${inPeriod.toLocaleString('en')} orders; baseline (count of them) ${baseline.median.toFixed(0)} ms`);
      lines.push(`  ${'report'.padEnd(34)} ${'median'.padStart(9)} ${'worst'.padStart(9)}  ${'× baseline'.padStart(10)}  budget 2 s`);
      for (const [path, extra] of reports) {
        const query = new URLSearchParams({ ...(path === 'warehouse-health' ? {} : period.query), ...extra });
        const url = `/v1/reports/${path}?${query}`;
        const t = await timed(RUNS, async () => {
          const res = await app.request(url);
          if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        });
        const label = `${path}${Object.keys(extra).length ? ` (${new URLSearchParams(extra as Record<string, string>)})` : ''}`;
        lines.push(
          `  ${label.padEnd(34)} ${`${t.median.toFixed(0)} ms`.padStart(9)} ${`${t.worst.toFixed(0)} ms`.padStart(9)}  ${(t.median / Math.max(1, baseline.median)).toFixed(1).padStart(10)}  ${t.worst < BUDGET_MS ? 'ok' : 'OVER'}`,
        );
      }
    }
    console.log(lines.join('\n'));
  } finally {
    await database.close();
    if (!values.keep && !values.database) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    else log(`kept database ${dbName}`);
  }
}

async function timed(runs: number, work: () => Promise<void>): Promise<{ median: number; worst: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, worst: times.at(-1)! };
}

/** The read model of `ORDERS` orders, generated by PostgreSQL itself (seeded). */
async function generate(q: (text: string) => Promise<unknown>) {
  const cities = CITIES.map(([p, c]) => `('${p}', '${c}')`).join(', ');
  // Row by row the order_facts triggers would recompute each order several times over; generated in bulk, the
  // facts are computed once afterwards, as the migration does for an existing database.
  const derivedFrom = ['orders', 'order_lines', 'order_events', 'returns', 'shipments', 'transfer_orders', 'purchase_orders'];
  for (const table of derivedFrom) await q(`alter table ${table} disable trigger user`);
  await q(`select setseed(0.42)`);
  await q(`
    insert into warehouses (id, name, province, city, address, lat, lng, daily_order_capacity) values
      ('HZ1', '杭州仓', '浙江省', '杭州市', '', 30.27, 120.15, 20000), ('GZ1', '广州仓', '广东省', '广州市', '', 23.13, 113.26, 15000),
      ('BJ1', '北京仓', '北京市', '北京市', '', 39.90, 116.40, null)`);
  await q(`
    insert into skus (sku, category, weight_grams)
    select 'SKU-' || lpad(i::text, 4, '0'), (array['cat-food', 'dog-food', 'toys', 'bowls', 'litter'])[1 + i % 5], 200 + (i % 20) * 100
    from generate_series(0, 499) i`);
  await q(`
    insert into inventory (warehouse_id, sku, on_hand, reserved, held)
    select w, s.sku, (random() * 400)::int + 50, 0, 0 from skus s cross join unnest(array['HZ1', 'GZ1', 'BJ1']) w`);
  // Orders: evening-heavy hours (power of a uniform), 92% paid, 85% of those shipped 2–30 h later, 90% of
  // those delivered 1–3 days after, 3% of deliveries returned.
  await q(`
    create temporary table gen as
    select g as n, (array['taobao', 'tmall', 'pdd', 'douyin', 'wechat'])[1 + (g % 5)] as channel,
      date_trunc('day', now() - (random() * ${DAYS})::int * interval '1 day') + floor(24 * power(random(), 0.55)) * interval '1 hour' + random() * interval '1 hour' as ordered_at,
      1 + floor(random() * 30)::int as city, (array['HZ1', 'GZ1', 'BJ1'])[1 + floor(random() * 3)::int] as warehouse,
      random() as paid_r, random() as ship_r, random() as deliver_r, random() as return_r,
      2 + random() * 28 as ship_h, 24 + random() * 48 as deliver_h, 1 + floor(power(random(), 2) * 4)::int as line_count
    from generate_series(1, ${ORDERS}) g`);
  await q(`
    insert into orders (order_id, workflow_id, channel, channel_order_id, status, status_since, warehouse_id, customer, shipping_address, total_fen, ordered_at, paid_at)
    select 'o' || n, 'order-o' || n, channel, 'c' || n,
      case when paid_r >= 0.92 then 'CANCELLED' when ship_r >= 0.85 then 'PICKING' when deliver_r >= 0.9 then 'SHIPPED' else 'COMPLETED' end,
      ordered_at, case when paid_r < 0.92 then warehouse end, '{"name": "买家", "phone": "13800000000"}'::jsonb,
      jsonb_build_object('province', c.province, 'city', c.city, 'district', '', 'detail', '1 号'), 0, ordered_at,
      case when paid_r < 0.92 then ordered_at + interval '2 minutes' end
    from gen join (select row_number() over () as i, province, city from (values ${cities}) v(province, city)) c on c.i = gen.city`);
  await q(`
    insert into order_lines (order_id, sku, quantity, unit_price_fen)
    select 'o' || n, 'SKU-' || lpad(floor(500 * power(random(), 3))::int::text, 4, '0'), 1 + floor(power(random(), 3) * 3)::int, 990 + floor(random() * 20000)::int
    from gen cross join lateral generate_series(1, line_count) l
    on conflict do nothing`);
  await q(`update orders o set total_fen = t.v from (select order_id, sum(quantity * unit_price_fen) as v from order_lines group by order_id) t where t.order_id = o.order_id`);
  await q(`
    insert into order_events (order_id, seq, type, status, at)
    select 'o' || n, 1, 'ORDER_RECEIVED', 'PENDING_PAYMENT', ordered_at from gen
    union all select 'o' || n, 2, 'PAYMENT_CONFIRMED', 'PAID', ordered_at + interval '2 minutes' from gen where paid_r < 0.92
    union all select 'o' || n, 3, 'SHIPPED', 'SHIPPED', ordered_at + ship_h * interval '1 hour' from gen where paid_r < 0.92 and ship_r < 0.85
    union all select 'o' || n, 4, 'DELIVERED', 'DELIVERED', ordered_at + (ship_h + deliver_h) * interval '1 hour' from gen where paid_r < 0.92 and ship_r < 0.85 and deliver_r < 0.9`);
  await q(`
    insert into shipments (id, order_id, warehouse_id, direction, carrier, waybill_no, status, cost_fen, created_at, delivered_at)
    select 'ship-o' || n, 'o' || n, warehouse, 'forward', case when n % 3 = 0 then 'jd' else 'sf' end, 'WB' || n,
      case when deliver_r < 0.9 then 'delivered' else 'in_transit' end, 800 + floor(random() * 1500)::int,
      ordered_at + ship_h * interval '1 hour', case when deliver_r < 0.9 then ordered_at + (ship_h + deliver_h) * interval '1 hour' end
    from gen where paid_r < 0.92 and ship_r < 0.85`);
  await q(`
    insert into order_allocations (order_id, rule, action, reason, warehouse_id, created_at)
    select 'o' || n, 'nearest', case when return_r < 0.02 then 'transfer' else 'ship' end, 'generated', warehouse, ordered_at + interval '3 minutes'
    from gen where paid_r < 0.92`);
  await q(`
    insert into returns (return_id, order_id, source, reason, status, warehouse_id, lines, refund_fen, requested_at)
    select 'r' || n, 'o' || n, 'channel', '不想要了', 'received', warehouse, '[]'::jsonb, 0, ordered_at + interval '5 days'
    from gen where paid_r < 0.92 and ship_r < 0.85 and deliver_r < 0.9 and return_r < 0.03`);
  await q(`drop table gen`);
  for (const table of derivedFrom) await q(`alter table ${table} enable trigger user`);
  await q(`analyze`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
