import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { StatementPlatform } from '../../domain/finance';
import type { LedgerRow } from '../../finance/statement-formats';
import { StatementError, type ReadProgress } from '../../finance/statement-reader';
import { parseStatement } from '../../finance/statements';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** The bytes in chunks of `size`, as a request body arrives (cuts fall inside multi-byte characters). */
async function* chunks(bytes: Buffer, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parse(platform: StatementPlatform, bytes: Buffer, size?: number): Promise<{ rows: LedgerRow[]; done: Partial<ReadProgress> }> {
  const done: Partial<ReadProgress> = {};
  const rows: LedgerRow[] = [];
  for await (const batch of parseStatement(chunks(bytes, size), platform, done, 3)) rows.push(...batch);
  return { rows, done };
}

const pick = (r: LedgerRow) => ({ rowId: r.rowId, orderRef: r.orderRef, kind: r.kind, saleFen: r.saleFen, refundFen: r.refundFen, feeFen: r.feeFen, netFen: r.netFen });

describe('Alipay 账务明细 (GBK, # preamble and footer padded with commas, tab-padded ids, T200P order numbers)', () => {
  it('reads every ledger row with its order, kind and amounts in fen', async () => {
    const bytes = fixture('alipay-2026-11.gbk.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // really GBK
    const { rows, done } = await parse('taobao', bytes);
    expect(done.encoding).toBe('gb18030');
    expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.map(pick)).toEqual([
      { rowId: '20261125888800001', orderRef: '3299194706888800001', kind: 'sale', saleFen: 19900, refundFen: 0, feeFen: 0, netFen: 19900 },
      { rowId: '20261125888800002', orderRef: '3299194706888800001', kind: 'fee', saleFen: 0, refundFen: 0, feeFen: 995, netFen: -995 },
      { rowId: '20261126888800003', orderRef: '3299194706888800002', kind: 'sale', saleFen: 9000, refundFen: 0, feeFen: 0, netFen: 9000 },
      { rowId: '20261127888800004', orderRef: '3299194706888800003', kind: 'sale', saleFen: 30000, refundFen: 0, feeFen: 0, netFen: 30000 },
      { rowId: '20261128888800005', orderRef: '3299194706888800003', kind: 'refund', saleFen: 0, refundFen: 12000, feeFen: 0, netFen: -12000 },
      { rowId: '20261128888800006', orderRef: '3299194706888800009', kind: 'sale', saleFen: 3550, refundFen: 0, feeFen: 0, netFen: 3550 },
      { rowId: '20261129888800007', orderRef: null, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0, netFen: -100000 },
    ]);
    // Booked times are Shanghai wall-clock times.
    expect(rows[0]!.bookedAt.toISOString()).toBe('2026-11-25T02:00:00.000Z');
    expect(rows[1]!.note).toBe('天猫佣金{3299194706888800001}');
  });

  it('reads the same rows from the file re-saved as UTF-8 with a BOM, and whatever the chunking', async () => {
    const gbk = fixture('alipay-2026-11.gbk.csv');
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(iconv.decode(gbk, 'gbk'), 'utf8')]);
    const a = await parse('taobao', gbk, 1);
    const b = await parse('taobao', utf8, 4096);
    expect(b.done.encoding).toBe('utf-8');
    expect(b.rows).toEqual(a.rows);
    expect(b.done.sha256).not.toBe(a.done.sha256);
  });

  it('finds columns by name when a newer export reorders them and adds columns, with half-width brackets', async () => {
    const csv = [
      '#支付宝账务明细查询',
      '业务类型,发生时间,账务流水号,业务基础订单号,支出金额(-元),收入金额(+元),商户订单号,业务描述,备注',
      '交易付款,2026/11/25 10:00,A1,3299194706888800001,0,"1,234.50",,,',
      '收费,2026-11-25 10:00:01,A2,,-0.60,,,基础软件服务费,基础软件服务费(3299194706888800001)',
    ].join('\n');
    const { rows } = await parse('taobao', Buffer.from(csv));
    expect(rows.map(pick)).toEqual([
      { rowId: 'A1', orderRef: '3299194706888800001', kind: 'sale', saleFen: 123450, refundFen: 0, feeFen: 0, netFen: 123450 },
      { rowId: 'A2', orderRef: '3299194706888800001', kind: 'fee', saleFen: 0, refundFen: 0, feeFen: 60, netFen: -60 },
    ]);
  });
});

describe('Douyin 结算账单 (UTF-8 with BOM, one row per sub-order)', () => {
  it('sums nothing itself: each sub-order row with its buyer payment, fees, freight and net; refunds after settlement', async () => {
    const { rows, done } = await parse('douyin', fixture('douyin-2026-11.bom.csv'));
    expect(done.encoding).toBe('utf-8');
    expect(rows.map((r) => ({ ...pick(r), freightFen: r.freightFen }))).toEqual([
      { rowId: '7300888800000001/6920888800001000101', orderRef: '6920888800001000001', kind: 'sale', saleFen: 6000, refundFen: 0, feeFen: 300, netFen: 5700, freightFen: 0 },
      { rowId: '7300888800000001/6920888800001000102', orderRef: '6920888800001000001', kind: 'sale', saleFen: 4000, refundFen: 0, feeFen: 200, netFen: 3800, freightFen: 0 },
      { rowId: '7300888800000002/6920888800001000201', orderRef: '6920888800001000002', kind: 'sale', saleFen: 9000, refundFen: 0, feeFen: 400, netFen: 8600, freightFen: 1000 },
      { rowId: '7300888800000003/6920888800001000301', orderRef: '6920888800001000003', kind: 'sale', saleFen: 20000, refundFen: 0, feeFen: 1000, netFen: 19000, freightFen: 0 },
      { rowId: '7300888800000004/6920888800001000301', orderRef: '6920888800001000003', kind: 'refund', saleFen: 0, refundFen: 5000, feeFen: -0, netFen: -5000, freightFen: 0 },
      { rowId: '7300888800000005/6920888800001000901', orderRef: '6920888800001000009', kind: 'sale', saleFen: 6600, refundFen: 0, feeFen: 330, netFen: 6270, freightFen: 0 },
      { rowId: '7300888800000006/', orderRef: null, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0, netFen: 50000, freightFen: 0 },
    ]);
  });
});

describe('Pinduoduo 货款明细 (BOM, 收入金额(元) labels, no row id of its own)', () => {
  it('derives stable row ids from the content and numbers identical rows within a file', async () => {
    const bytes = fixture('pdd-2026-11.bom.csv');
    const { rows } = await parse('pdd', bytes);
    expect(rows.map((r) => ({ orderRef: r.orderRef, kind: r.kind, saleFen: r.saleFen, refundFen: r.refundFen, feeFen: r.feeFen }))).toEqual([
      { orderRef: '261112-888800000000001', kind: 'sale', saleFen: 12800, refundFen: 0, feeFen: 0 },
      { orderRef: '261112-888800000000001', kind: 'fee', saleFen: 0, refundFen: 0, feeFen: 77 },
      { orderRef: '261113-888800000000002', kind: 'sale', saleFen: 5990, refundFen: 0, feeFen: 0 },
      { orderRef: '261113-888800000000002', kind: 'refund', saleFen: 0, refundFen: 1990, feeFen: 0 },
      { orderRef: '261113-888800000000002', kind: 'fee', saleFen: 0, refundFen: 0, feeFen: 36 },
      { orderRef: '261114-888800000000009', kind: 'sale', saleFen: 1500, refundFen: 0, feeFen: 0 },
      { orderRef: null, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0 },
    ]);
    expect(new Set(rows.map((r) => r.rowId)).size).toBe(rows.length);
    // The same rows in another download (here: the last rows only) get the same ids.
    const lines = bytes.toString('utf8').split('\r\n');
    const overlap = Buffer.from([lines[0], ...lines.slice(4)].join('\r\n'));
    const again = await parse('pdd', overlap);
    expect(again.rows.map((r) => r.rowId)).toEqual(rows.slice(3).map((r) => r.rowId));
    // Two identical rows are two rows.
    const twice = Buffer.from([lines[0], lines[1], lines[1]].join('\n'));
    const dup = await parse('pdd', twice);
    expect(dup.rows).toHaveLength(2);
    expect(dup.rows[1]!.rowId).toBe(`${dup.rows[0]!.rowId}#2`);
  });
});

describe('WeChat 资金账单 (backtick-prefixed cells, summary header and row after the data)', () => {
  it('reads the fund movements, signs them by 收支类型, and stops at the summary', async () => {
    const { rows } = await parse('wechat', fixture('wechat-2026-11.csv'));
    expect(rows.map(pick)).toEqual([
      { rowId: '1900001234202611258888000001', orderRef: '3720888800001', kind: 'sale', saleFen: 19900, refundFen: 0, feeFen: 0, netFen: 19900 },
      { rowId: '1900001234202611258888000002', orderRef: '3720888800001', kind: 'fee', saleFen: 0, refundFen: 0, feeFen: 119, netFen: -119 },
      { rowId: '1900001234202611268888000003', orderRef: '3720888800002', kind: 'sale', saleFen: 8800, refundFen: 0, feeFen: 0, netFen: 8800 },
      { rowId: '1900001234202611278888000004', orderRef: '3720888800002', kind: 'refund', saleFen: 0, refundFen: 8800, feeFen: 0, netFen: -8800 },
      { rowId: '1900001234202611278888000005', orderRef: '3720888800009', kind: 'sale', saleFen: 2000, refundFen: 0, feeFen: 0, netFen: 2000 },
    ]);
    // The payment's transaction id is kept as another name of the order.
    expect(rows[0]!.altRefs).toEqual(['3720888800001', '4200002612202611258888000001']);
  });
});

describe('a file that is not the statement', () => {
  it.each([
    ['taobao', 'douyin-2026-11.bom.csv', ['账务流水号', '商户订单号', '发生时间', '收入金额（+元）', '支出金额（-元）']],
    ['wechat', 'pdd-2026-11.bom.csv', ['资金流水单号', '收支类型', '收支金额（元）']],
    ['douyin', 'wechat-2026-11.csv', ['结算时间', '订单号', '结算金额']],
  ] as const)('%s statement given %s: refused naming the missing columns', async (platform, file, missing) => {
    const err = await parse(platform, fixture(file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatementError);
    const names = (err as StatementError).issues.map((i) => i.path.replace('file.columns.', ''));
    for (const m of missing) expect(names).toContain(m);
  });

  it('an unreadable amount is refused naming the line and column', async () => {
    const csv = '账务流水号,商户订单号,发生时间,收入金额（+元）,支出金额（-元）,业务类型\nA1,T200P1,2026-11-01 00:00:00,12.3x,0,交易付款\n';
    const err = await parse('taobao', Buffer.from(csv)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatementError);
    expect((err as Error).message).toContain('line 2');
    expect((err as Error).message).toContain('收入金额');
  });

  it('a zip archive (the download as it comes, or an .xlsx) is refused saying to upload the CSV inside', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), Buffer.alloc(100)]);
    const err = await parse('taobao', zip).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatementError);
    expect((err as Error).message).toContain('zip');
  });

  it('an upload that breaks off midway fails the import (it does not wait forever)', async () => {
    const bytes = fixture('wechat-2026-11.csv');
    async function* brokenOff(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 300);
      throw new Error('client went away');
    }
    const rows: LedgerRow[] = [];
    const err = await (async () => {
      for await (const batch of parseStatement(brokenOff(), 'wechat')) rows.push(...batch);
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe('client went away');
  });

  it('an empty file names every required column', async () => {
    const err = await parse('pdd', Buffer.alloc(0)).catch((e: unknown) => e);
    expect((err as StatementError).issues.length).toBeGreaterThanOrEqual(5);
  });
});
