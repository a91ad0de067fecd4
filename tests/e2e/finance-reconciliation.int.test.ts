/**
 * Month-end reconciliation end to end: orders driven through the stack on every platform (one of them delivered
 * and partly returned), the platforms' statement fixtures imported through the API as exported (GBK with `#`
 * lines, BOM, backticks, multipart), the same file twice, an overlapping file, a file of the wrong platform; then
 * every category of the reconciliation, its CSV, the daily PDF's section, and the profit report.
 *
 * The fixtures name November 2026 and ids containing `88880`; each run moves them to November of a past year no
 * other test uses and to ids of its own, so runs never meet each other's rows.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { ADMIN_KEY, startStack, uniq, type Stack } from '../support/stack';
import { requestReturn } from './returns-support';

let stack: Stack;
beforeAll(async () => {
  // Served on a port: the carrier simulator pushes the return's route to the API's webhook.
  stack = await startStack({ serveHttp: true, timings: { afterSaleWindowMs: 600_000, returnWatchTimeoutMs: 600_000, returnTrackingIntervalMs: 60_000 } });
});
afterAll(async () => {
  await stack?.close();
});

const year = 2000 + Math.floor(Math.random() * 20);
const month = `${year}-11`;
const tag = String(10_000 + Math.floor(Math.random() * 89_999));
const moved = (text: string) => text.replaceAll('2026-11-', `${month}-`).replaceAll('88880', tag);

/** A fixture as this run's file, in the fixture's own encoding (GBK stays GBK, a BOM stays). */
function statement(name: string): Buffer {
  const bytes = readFileSync(new URL(`../finance/fixtures/${name}`, import.meta.url));
  if (name.includes('.gbk.')) return iconv.encode(moved(iconv.decode(bytes, 'gbk')), 'gbk');
  return Buffer.from(moved(bytes.toString('utf8')), 'utf8');
}
const id = (fixtureId: string) => moved(fixtureId);

async function upload(platform: string, body: Buffer, contentType = 'text/csv') {
  const res = await stack.app.request(`/v1/finance/statements/${platform}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': contentType },
    body,
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const sku = uniq('FIN');
const orderIds: Record<string, string> = {};

/** A paid order of the month on a platform, driven through the workflow. */
async function place(name: string, channel: string, channelOrderId: string, quantity: number, unitPriceFen: number, day = 10) {
  const at = `${month}-${String(day).padStart(2, '0')}T20:00:00+08:00`;
  const res = await stack.call('POST', '/v1/orders', anOrder({ channel: channel as never, channelOrderId, createdAt: at, paidAt: at, lines: [{ sku, quantity, unitPriceFen }] }));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  orderIds[name] = res.body.orderId;
}

beforeAll(async () => {
  await seedWarehouse(stack, { [sku]: 100 });
  await place('T1', 'taobao', id('3299194706888800001'), 1, 19_900);
  await place('T2', 'tmall', id('3299194706888800002'), 1, 10_000);
  await place('T3', 'taobao', id('3299194706888800003'), 2, 15_000);
  await place('T4', 'taobao', id('3299194706888800004'), 1, 4_200, 29);
  await place('D1', 'douyin', id('6920888800001000001'), 2, 5_000);
  await place('D2', 'douyin', id('6920888800001000002'), 1, 8_000);
  await place('D3', 'douyin', id('6920888800001000003'), 4, 5_000);
  await place('P1', 'pdd', id('261112-888800000000001'), 1, 12_800);
  await place('P2', 'pdd', id('261113-888800000000002'), 1, 5_990);
  await place('W1', 'wechat', id('3720888800001'), 1, 19_900);
  await place('W2', 'wechat', id('3720888800002'), 1, 8_800);
  for (const orderId of Object.values(orderIds)) await orderInStatus(stack, orderId, 'PICKING');

  // D3 ships, is delivered, and one of its four units comes back: the OMS records a refund of 50.00.
  const picking = await orderInStatus(stack, orderIds.D3!, 'PICKING');
  expect((await stack.call('POST', `/v1/warehouse/tasks/${picking.tasks[0].taskId}/complete`, {})).status).toBe(202);
  await orderInStatus(stack, orderIds.D3!, ['DELIVERED', 'COMPLETED']);
  await requestReturn(stack, orderIds.D3!, { lines: [{ sku, quantity: 1 }] }, { pickupAfterMs: 300, deliverAfterMs: 1_500 });
  await orderInStatus(stack, orderIds.D3!, 'RETURNED', 60_000);
}, 240_000);

describe('statement import', () => {
  it('imports each platform as exported, the same file twice once, overlapping rows once; refuses a file of another platform naming the columns', async () => {
    const alipay = statement('alipay-2026-11.gbk.csv');
    const first = await upload('taobao', alipay);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ platform: 'taobao', encoding: 'gb18030', rows: 7, newRows: 7, sameFileAsBefore: false, kinds: { sale: 4, fee: 1, refund: 1, other: 1 } });

    // The same file again: nothing new.
    const again = await upload('tmall', alipay);
    expect(again.body).toMatchObject({ id: first.body.id, rows: 7, newRows: 0, sameFileAsBefore: true });

    // An overlapping download (the last rows again, plus one withdrawal more), re-saved as UTF-8 with a BOM.
    const text = iconv.decode(alipay, 'gbk').split('\r\n');
    const header = text.findIndex((l) => l.startsWith('账务流水号'));
    const extra = `${id('20261130888800008')}\t,${id('2026113022001488800011')}\t,,,${month}-30 18:00:00,招商银行(6225****1234),0.00,-200.00,294.55,支付宝,提现,`;
    const overlap = [...text.slice(0, header + 1), ...text.slice(header + 4, header + 8), extra].join('\r\n');
    const third = await upload('taobao', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(overlap, 'utf8')]));
    expect(third.body).toMatchObject({ encoding: 'utf-8', rows: 5, newRows: 1, sameFileAsBefore: false });

    expect((await upload('douyin', statement('douyin-2026-11.bom.csv'))).body).toMatchObject({ rows: 7, newRows: 7 });
    // PDD as a multipart form, field `file`.
    const form = new FormData();
    form.append('file', new Blob([statement('pdd-2026-11.bom.csv')], { type: 'text/csv' }), '货款明细.csv');
    const pdd = await stack.app.request('/v1/finance/statements/pdd', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: form });
    expect(pdd.status).toBe(200);
    expect(await pdd.json()).toMatchObject({ fileName: '货款明细.csv', rows: 7, newRows: 7 });
    expect((await upload('wechat', statement('wechat-2026-11.csv'))).body).toMatchObject({ rows: 5, newRows: 5 });

    // The Douyin bill posted as WeChat's: refused, the missing columns named, nothing stored.
    const before = (await stack.call('GET', '/v1/finance/statements?platform=wechat')).body.items.length;
    const wrong = await upload('wechat', statement('douyin-2026-11.bom.csv'));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('STATEMENT_REFUSED');
    expect(wrong.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['file.columns.资金流水单号', 'file.columns.收支类型']));
    expect((await stack.call('GET', '/v1/finance/statements?platform=wechat')).body.items.length).toBe(before);
    // A row that does not read: the whole file refused, none of its rows kept (booked in October: not this month's).
    const broken = Buffer.from(`账务流水号,商户订单号,发生时间,收入金额（+元）,支出金额（-元）,业务类型\nZ${tag}1,T200P1,${year}-10-01 00:00:00,1.00,0,交易付款\nZ${tag}2,T200P2,${year}-10-01 00:00:00,abc,0,交易付款\n`);
    const refused = await upload('taobao', broken);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('line 3');
    const fixed = await upload('taobao', Buffer.from(broken.toString('utf8').replace(',abc,', ',2.00,')));
    expect(fixed.body).toMatchObject({ rows: 2, newRows: 2 }); // the first row had not been kept

    expect((await upload('jd', alipay)).status).toBe(400);
  });
});

describe('reconciliation', () => {
  const reconcile = async (platform: string) => {
    const res = await stack.call('GET', `/v1/finance/reconciliation?month=${month}&platform=${platform}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('Taobao/Tmall: matched with fees, an amount mismatch, a refund not from a return, missing on either side, totals', async () => {
    const r = await reconcile('taobao');
    expect(r.channels).toEqual(['taobao', 'tmall']);
    expect(r.matched).toBe(1); // T1, its commission a fee row of its own
    expect(r.fees).toMatchObject({ totalFen: 995, orders: 1 });
    expect(r.amountMismatch).toEqual([
    // By payment time, then order id.
      expect.objectContaining({ orderId: orderIds.T3, omsFen: 30_000, statementFen: 18_000, differenceFen: -12_000, reason: 'refund', refunds: { omsFen: 0, statementFen: 12_000, returnIds: [] } }),
      expect.objectContaining({ orderId: orderIds.T2, omsFen: 10_000, statementFen: 9_000, differenceFen: -1_000, reason: null }),
    ]);
    expect(r.refunds).toEqual([expect.objectContaining({ orderId: orderIds.T3, statementFen: 12_000, omsFen: 0, status: 'mismatch', partial: true })]);
    expect(r.missingInStatement).toEqual([expect.objectContaining({ orderId: orderIds.T4, totalFen: 4_200 })]);
    expect(r.missingInOms).toEqual([expect.objectContaining({ orderRef: id('3299194706888800009'), saleFen: 3_550, rows: 1 })]);
    expect(r.totalsFen.oms).toEqual({ orders: 4, valueFen: 19_900 + 10_000 + 30_000 + 4_200, refundFen: 0, expectedFen: 64_100 });
    expect(r.totalsFen.statementForOrders).toEqual({ saleFen: 19_900 + 9_000 + 30_000, refundFen: 12_000, feeFen: 995, netFen: 19_900 - 995 + 9_000 + 30_000 - 12_000 });
    // Everything booked in the month: the two withdrawals (1,000 + 200 yuan) as "other".
    expect(r.totalsFen.statementBooked).toMatchObject({ saleFen: 62_450, refundFen: 12_000, feeFen: 995, otherFen: -120_000 });
    expect(r.totalsFen).toMatchObject({ matchedFen: 19_900, mismatchDifferenceFen: -13_000, missingInStatementFen: 4_200, missingInOmsFen: 3_550 });
  });

  it('Douyin: sub-order rows summed, the freight column named as the reason, a partial refund matched to its return', async () => {
    const r = await reconcile('douyin');
    expect(r.matched).toBe(2); // D1 (two sub-orders) and D3 (refund = the return's)
    expect(r.amountMismatch).toEqual([expect.objectContaining({ orderId: orderIds.D2, omsFen: 8_000, statementFen: 9_000, differenceFen: 1_000, reason: 'freight', freightFen: 1_000 })]);
    expect(r.refunds).toEqual([expect.objectContaining({ orderId: orderIds.D3, statementFen: 5_000, omsFen: 5_000, status: 'matched', partial: true, returnIds: [expect.any(String)] })]);
    expect(r.missingInStatement).toEqual([]);
    expect(r.missingInOms.map((m: { orderRef: string }) => m.orderRef)).toEqual([id('6920888800001000009')]);
    expect(r.fees.totalFen).toBe(300 + 200 + 400 + 1_000);
  });

  it('Pinduoduo and WeChat: fees on rows of their own, refunds on the statement the OMS has no return for', async () => {
    const pdd = await reconcile('pdd');
    expect(pdd.matched).toBe(1);
    expect(pdd.amountMismatch).toEqual([expect.objectContaining({ orderId: orderIds.P2, omsFen: 5_990, statementFen: 4_000, reason: 'refund' })]);
    expect(pdd.missingInOms.map((m: { orderRef: string }) => m.orderRef)).toEqual([id('261114-888800000000009')]);
    expect(pdd.fees.totalFen).toBe(77 + 36);

    const wechat = await reconcile('wechat');
    expect(wechat.matched).toBe(1);
    expect(wechat.amountMismatch).toEqual([expect.objectContaining({ orderId: orderIds.W2, omsFen: 8_800, statementFen: 0, differenceFen: -8_800, reason: 'refund' })]);
    expect(wechat.missingInOms.map((m: { orderRef: string }) => m.orderRef)).toEqual([id('3720888800009')]);
    expect(wechat.fees.totalFen).toBe(119);
  });

  it('as CSV: one line per order with its category and amounts in yuan; bad queries are refused with the field', async () => {
    const res = await stack.app.request(`/v1/finance/reconciliation?month=${month}&platform=taobao&format=csv`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('category,orderId,platformOrderId,omsYuan,statementYuan,differenceYuan,reason,feeYuan,refundOmsYuan,refundStatementYuan,returnIds');
    expect(lines).toContain(`amount_mismatch,${orderIds.T2},${id('3299194706888800002')},100.00,90.00,-10.00,,0.00,0.00,0.00,`);
    expect(lines).toContain(`missing_in_oms,,${id('3299194706888800009')},,35.50,35.50,,0.00,,0.00,`);
    expect(lines.filter((l) => l.startsWith('matched,'))).toEqual([`matched,${orderIds.T1},,,,0.00,,,,,`]);

    const bad = await stack.call('GET', `/v1/finance/reconciliation?month=${year}-13&platform=taobao`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('query.month');
    expect((await stack.call('GET', `/v1/finance/reconciliation?month=${month}&platform=jd`)).body.error.issues[0].path).toBe('query.platform');
  });

  it('the daily PDF of a day in the month carries the reconciliation section', async () => {
    const res = await stack.app.request(`/v1/reports/daily.pdf?date=${month}-30`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'oms-finance-')), 'daily.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(`平台对账（${month}，按付款月份，截至生成时）`);
    // Taobao/Tmall: 4 orders, 1 matched, 2 mismatches, 1 missing in the statement, 1 missing in the OMS, ¥9.95 fees.
    expect(text).toMatch(/淘宝\/天猫（支付宝）\s+4\s+1\s+2\s+1\s+1\s+¥9\.95/);
    expect(text).toMatch(/抖店\s+3\s+2\s+1\s+0\s+1\s+¥19\.00/);
  });
});

describe('profit', () => {
  it('per order: statement fees where the statement names the order, configured rates elsewhere, refunds, fulfilment costs; per SKU and channel adding up', async () => {
    const res = await stack.call('GET', `/v1/finance/profit?month=${month}&groupBy=order&limit=1000`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const mine = (res.body.orders as { orderId: string }[]).filter((o) => Object.values(orderIds).includes(o.orderId));
    expect(mine).toHaveLength(11);
    const of = (name: string) => res.body.orders.find((o: { orderId: string }) => o.orderId === orderIds[name]);
    expect(of('T1')).toMatchObject({ valueFen: 19_900, platformFeeFen: 995, feeSource: 'statement', refundFen: 0, revenueFen: 19_900 });
    // No statement row: the configured 5% commission on Taobao.
    expect(of('T4')).toMatchObject({ valueFen: 4_200, platformFeeFen: 210, feeSource: 'rate' });
    // D3 shipped (carrier freight, labour) and refunded 50.00: profit = revenue − fees − fulfilment.
    const d3 = of('D3');
    expect(d3).toMatchObject({ valueFen: 20_000, refundFen: 5_000, revenueFen: 15_000, platformFeeFen: 1_000, feeSource: 'statement' });
    expect(d3.labourFen).toBeGreaterThan(0);
    expect(d3.carrierFen).toBeGreaterThan(0);
    expect(d3.profitFen).toBe(d3.revenueFen - d3.platformFeeFen - d3.carrierFen - d3.transferFen - d3.purchasePremiumFen - d3.labourFen);

    const bySku = await stack.call('GET', `/v1/finance/profit?month=${month}&groupBy=sku`);
    const skuRow = bySku.body.groups.find((g: { key: string }) => g.key === sku);
    const sum = (field: string) => mine.reduce((n, o) => n + (o as unknown as Record<string, number>)[field]!, 0);
    expect(skuRow).toMatchObject({ orders: 11, revenueFen: sum('revenueFen'), profitFen: sum('profitFen'), platformFeeFen: sum('platformFeeFen') });

    const byChannel = await stack.call('GET', `/v1/finance/profit?month=${month}&groupBy=channel`);
    const total = byChannel.body.groups.reduce((n: number, g: { profitFen: number }) => n + g.profitFen, 0);
    expect(total).toBe(byChannel.body.totals.profitFen);
    expect((await stack.call('GET', `/v1/finance/profit?from=${month}&to=${year}-10`)).status).toBe(400);
  });
});
