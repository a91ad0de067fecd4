/**
 * Month-end at scale: `npm run bench:finance -- [--orders 100000] [--rows 100000] [--keep]`
 *
 * In a fresh database: a month (November 2026) of `--orders` paid Taobao/Tmall orders in the read model (in SQL,
 * seeded), 1% of them with a refunded return; an Alipay 账务明细 export of `--rows` rows as the back office writes
 * it (GBK, `#` preamble and footer, tab-padded ids, T200P order numbers, CRLF): one 交易付款 row per order for
 * most orders, a few hundred with another amount, refunds, commission rows, sales of orders the OMS never saw,
 * withdrawals. Then, through the HTTP routes:
 *   - the import (`POST /v1/finance/statements/taobao`, the body streamed), and the same file again;
 *   - the month's reconciliation (`GET /v1/finance/reconciliation`, JSON and CSV).
 * Baselines measured in the same run: for the import, only reading the file (decode GBK + split the CSV, no
 * database); for the reconciliation, a bare count of the month's orders. And the seed's figure: three people for
 * a week (3 × 5 × 8 = 120 person-hours) against the seconds the OMS takes.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { Hono } from 'hono';
import iconv from 'iconv-lite';
import { Readable } from 'node:stream';
import type { ApiEnv } from '../api/auth';
import { errorHandler } from '../api/errors';
import { financeRoutes } from '../api/routes/finance';
import { connectDatabase, migrateDatabase } from '../db/client';
import { fenToYuan } from '../domain/finance';
import { createLogger } from '../infra/logger';
import { adminQuery, withDatabase } from '../infra/net';
import { seededRandom } from '../domain/random';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    rows: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
  },
});
const ORDERS = Number(values.orders);
const ROWS = Number(values.rows);
const IMPORT_BUDGET_MS = 10_000;
const PERSON_HOURS = 3 * 5 * 8;

const log = (...args: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A small deterministic generator, so runs compare. */
const rng = seededRandom;

const tid = (i: number) => `32991947${String(i).padStart(11, '0')}`;

/** The Alipay export as bytes (GBK), and what it holds. */
function alipayExport(): { bytes: Buffer; rows: number } {
  const r = rng(42);
  const lines = [
    '#支付宝账务明细查询',
    '#账号：[20880123456789010156]',
    '#起始日期：[2026年11月01日 00:00:00]   终止日期：[2026年12月01日 00:00:00]',
    '#-----------------------------------------账务明细列表----------------------------------------',
    '账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注',
  ];
  let n = 0;
  const row = (type: string, order: string, incomeFen: number, expenseFen: number, note = '') => {
    n += 1;
    const day = 1 + Math.floor(r() * 28);
    const at = `2026-11-${String(day).padStart(2, '0')} ${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}:00`;
    lines.push(
      `2026110${String(n).padStart(12, '0')}\t,2026112${String(n).padStart(12, '0')}\t,${order ? `T200P${order}` : ''}\t,"宠物用品 ${n % 500}号, 大包装",${at},张**(138****1234),${fenToYuan(incomeFen)},${expenseFen ? fenToYuan(-expenseFen) : '0.00'},0.00,支付宝,${type},${note}`,
    );
  };
  // Most orders settle with one sale row; some with another amount; a few refunds and commissions; some
  // sales the OMS never saw; withdrawals.
  const sales = Math.min(ORDERS - Math.floor(ORDERS * 0.02), ROWS - Math.floor(ROWS * 0.04));
  for (let i = 1; i <= sales; i += 1) row('交易付款', tid(i), totalOf(i) + (i % 200 === 0 ? 100 : 0), 0);
  for (let i = 1; n < ROWS - Math.floor(ROWS * 0.02); i += 97) row('交易退款', tid(i), 0, Math.floor(totalOf(i) / 2), '售后退款');
  for (let i = 1; n < ROWS - Math.floor(ROWS * 0.01); i += 1) row('收费', tid(i), 0, Math.round(totalOf(i) * 0.05), `天猫佣金{${tid(i)}}`);
  for (let i = 1; n < ROWS - 10; i += 1) row('交易付款', tid(ORDERS + i), 9_900, 0);
  while (n < ROWS) row('提现', '', 0, 100_000);
  lines.push('#-----------------------------------------账务明细列表结束------------------------------------', '#导出时间：[2026年12月01日 09:30:12]');
  return { bytes: iconv.encode(lines.join('\r\n') + '\r\n', 'gbk'), rows: n };
}

/** The order's value in fen (the same in SQL below: 1000 + (i * 7919) % 50000). */
const totalOf = (i: number) => 1000 + ((i * 7919) % 50_000);

async function main() {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `oms_bench_finance_${Date.now().toString(36)}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
  const database = connectDatabase(withDatabase(serverUrl, dbName), { max: 8 });
  try {
    await migrateDatabase(database.db);
    const q = (text: string) => database.pool.query(text);
    log(`generating ${ORDERS.toLocaleString('en')} paid orders in November 2026 (Asia/Shanghai)…`);
    const generated = performance.now();
    await q(`
      insert into orders (order_id, workflow_id, channel, channel_order_id, status, status_since, customer, shipping_address, total_fen, ordered_at, paid_at)
      select (case when i % 5 = 0 then 'tmall-' else 'taobao-' end) || t, 'order-' || i, case when i % 5 = 0 then 'tmall' else 'taobao' end, t, 'COMPLETED',
        now(), '{"name":"张三","phone":"13900000000"}', '{"province":"浙江省","city":"杭州市","district":"西湖区","detail":"文三路 1 号"}',
        1000 + (i * 7919) % 50000, ts, ts + interval '10 minutes'
      from (select i, '32991947' || lpad(i::text, 11, '0') as t, timestamptz '2026-10-31 16:00:00+00' + (i % 2592000) * interval '1 second' as ts from generate_series(1, ${ORDERS}) i) g`);
    await q(`
      insert into return_refunds (return_id, order_id, channel, amount_fen, status)
      select 'ret-' || i, (case when i % 5 = 0 then 'tmall-' else 'taobao-' end) || '32991947' || lpad(i::text, 11, '0'), 'taobao', (1000 + (i * 7919) % 50000) / 2, 'written_back'
      from generate_series(1, ${ORDERS}, 97) i`);
    await q('analyze');
    log(`generated in ${seconds(performance.now() - generated)}`);

    const file = alipayExport();
    log(`Alipay export: ${file.rows.toLocaleString('en')} rows, ${(file.bytes.length / 1024 / 1024).toFixed(1)} MiB GBK`);

    const app = new Hono<ApiEnv>()
      .use(async (c, next) => {
        c.set('caller', { keyId: 'bench', scopes: new Set(['admin'] as const) });
        await next();
      })
      .route('/v1/finance', financeRoutes({ db: database.db }))
      .onError(errorHandler(createLogger('silent')));

    // Baseline: only reading the file (decode GBK, split the CSV), no database.
    const readStarted = performance.now();
    let records = 0;
    for await (const _ of Readable.from(chunked(file.bytes)).pipe(iconv.decodeStream('gb18030')).pipe(parse({ comment: '#', comment_no_infix: true, relax_column_count: true }))) records += 1;
    const readMs = performance.now() - readStarted;

    const upload = async () => {
      const started = performance.now();
      const res = await app.request('/v1/finance/statements/taobao', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: Readable.toWeb(Readable.from(chunked(file.bytes))) as ReadableStream, duplex: 'half' } as RequestInit);
      const body = (await res.json()) as { rows: number; newRows: number; sameFileAsBefore: boolean };
      if (res.status !== 200) throw new Error(JSON.stringify(body));
      return { ms: performance.now() - started, body };
    };
    const first = await upload();
    const again = await upload();

    const countStarted = performance.now();
    await q(`select count(*) from orders where channel in ('taobao', 'tmall') and paid_at >= '2026-10-31T16:00:00Z' and paid_at < '2026-11-30T16:00:00Z'`);
    const countMs = performance.now() - countStarted;
    const reconcile = async (format: 'json' | 'csv') => {
      const started = performance.now();
      const res = await app.request(`/v1/finance/reconciliation?month=2026-11&platform=taobao&format=${format}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(text);
      return { ms: performance.now() - started, text };
    };
    const json = await reconcile('json');
    const csv = await reconcile('csv');
    const r = JSON.parse(json.text) as { matched: number; amountMismatch: unknown[]; missingInStatement: unknown[]; missingInOms: unknown[]; refunds: unknown[] };

    const rate = (ms: number) => `${Math.round(file.rows / (ms / 1000)).toLocaleString('en')} rows/s`;
    console.log('\nbench:finance');
    console.log(`  statement import (${file.rows.toLocaleString('en')} rows, streamed, GBK)   ${seconds(first.ms)}  ${rate(first.ms)}  budget ${seconds(IMPORT_BUDGET_MS)} ${first.ms < IMPORT_BUDGET_MS ? 'OK' : 'OVER'}  (${first.body.newRows.toLocaleString('en')} rows stored)`);
    console.log(`    baseline: reading the file only (decode + CSV, ${records.toLocaleString('en')} records)   ${seconds(readMs)}   import / baseline = ${(first.ms / readMs).toFixed(1)}×`);
    console.log(`  the same file again (nothing new: ${again.body.newRows} new, sameFileAsBefore ${again.body.sameFileAsBefore})   ${seconds(again.ms)}`);
    console.log(`  reconciliation of ${ORDERS.toLocaleString('en')} orders (JSON)   ${seconds(json.ms)}   matched ${r.matched.toLocaleString('en')}, mismatches ${r.amountMismatch.length}, missing in statement ${r.missingInStatement.length}, missing in OMS ${r.missingInOms.length}, refunds ${r.refunds.length}`);
    console.log(`  reconciliation as CSV   ${seconds(csv.ms)}  (${(csv.text.length / 1024 / 1024).toFixed(1)} MiB)`);
    console.log(`    baseline: count(*) of the month's orders   ${seconds(countMs)}   reconciliation / baseline = ${(json.ms / Math.max(countMs, 0.001)).toFixed(0)}×`);
    const total = first.ms + json.ms;
    console.log(`  month-end: import + reconciliation ${seconds(total)} against "three people, one week" (${PERSON_HOURS} person-hours): ${Math.round((PERSON_HOURS * 3600_000) / total).toLocaleString('en')}× faster`);
  } finally {
    await database.close();
    if (!values.keep) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

/** The file in 64 KiB chunks, as an upload arrives. */
function* chunked(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += 65_536) yield bytes.subarray(i, i + 65_536);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
