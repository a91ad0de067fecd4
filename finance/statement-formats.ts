/**
 * What each seller back office's statement export looks like and how one of its rows becomes a ledger row:
 * which order, sale / refund / fee / other, and the amounts in fen. Columns are found by their header labels
 * (the variants seen across export versions); see docs/finance.md for the formats.
 */
import { createHash } from 'node:crypto';
import { shanghaiTime, yuanToFen, type StatementPlatform } from '../domain/finance';
import { StatementError, type Cells, type ColumnSpec } from './statement-reader';

export type RowKind = 'sale' | 'refund' | 'fee' | 'other';

/** One statement row as stored (`statement_rows`). */
export interface LedgerRow {
  rowId: string;
  orderRef: string | null;
  altRefs: string[] | null;
  kind: RowKind;
  saleFen: number;
  refundFen: number;
  feeFen: number;
  freightFen: number;
  netFen: number;
  bookedAt: Date;
  businessType: string | null;
  note: string | null;
}

export interface StatementFormat {
  platform: StatementPlatform;
  columns: readonly ColumnSpec[];
  footerLabels?: readonly string[];
  /** null: a row that is not a ledger entry (blank amounts everywhere). */
  toRow(cells: Cells, line: number): LedgerRow | null;
}

/** Reads a money cell or refuses the file naming the line and column. */
function money(cells: Cells, field: string, label: string, line: number): number {
  const text = cells(field);
  const fen = yuanToFen(text);
  if (fen === undefined) throw new StatementError(`line ${line}: ${label} "${text}" is not an amount in yuan`, [{ path: `file.line.${line}.${label}`, message: `"${text}" is not an amount in yuan` }]);
  return fen;
}

function time(cells: Cells, fields: readonly [string, string][], line: number): Date {
  for (const [field] of fields) {
    const text = cells(field);
    if (text === '') continue;
    const at = shanghaiTime(text);
    if (at) return at;
    const label = fields.find(([f]) => f === field)![1];
    throw new StatementError(`line ${line}: ${label} "${text}" is not a time (yyyy-MM-dd HH:mm:ss)`, [{ path: `file.line.${line}.${label}`, message: `"${text}" is not a time` }]);
  }
  const label = fields[0]![1];
  throw new StatementError(`line ${line}: ${label} is empty`, [{ path: `file.line.${line}.${label}`, message: 'empty' }]);
}

const orNull = (s: string) => (s === '' ? null : s);
const FEE_WORDS = /佣金|服务费|手续费|技术服务|推广|收费|扣款|软件/;
/** A platform order id inside free text (`天猫佣金{3299194706518006493}`, `基础软件服务费(…)`). */
const ID_IN_TEXT = /(\d{6}-\d{12,}|\d{15,20})/;

// ---------------------------------------------------------------------------------------------------------------

/** Alipay 账务明细 (Taobao and Tmall shops), usually GBK, wrapped in `#` lines. */
export const alipayFormat: StatementFormat = {
  platform: 'taobao',
  columns: [
    { field: 'rowId', labels: ['账务流水号'], required: true },
    { field: 'bizNo', labels: ['业务流水号'] },
    { field: 'merchantOrderNo', labels: ['商户订单号'], required: true },
    { field: 'baseOrderNo', labels: ['业务基础订单号'] },
    { field: 'title', labels: ['商品名称'] },
    { field: 'at', labels: ['发生时间', '入账时间'], required: true },
    { field: 'income', labels: ['收入金额（+元）', '收入金额', '收入金额（元）'], required: true },
    { field: 'expense', labels: ['支出金额（-元）', '支出金额', '支出金额（元）'], required: true },
    { field: 'type', labels: ['业务类型'], required: true },
    { field: 'description', labels: ['业务描述'] },
    { field: 'note', labels: ['备注'] },
  ],
  toRow(cells, line) {
    const rowId = cells('rowId');
    if (rowId === '') return null;
    const income = money(cells, 'income', '收入金额（+元）', line);
    const expense = Math.abs(money(cells, 'expense', '支出金额（-元）', line));
    const type = cells('type');
    const note = [cells('note'), cells('description')].filter(Boolean).join(' ');
    const ref = tidOf(cells('merchantOrderNo')) ?? tidOf(cells('baseOrderNo')) ?? ID_IN_TEXT.exec(note)?.[1] ?? null;
    const netFen = income - expense;
    const base = { rowId, orderRef: ref, altRefs: null, freightFen: 0, netFen, bookedAt: time(cells, [['at', '发生时间']], line), businessType: orNull(type), note: orNull(note) };
    if (/退款/.test(type)) return { ...base, kind: 'refund', saleFen: 0, refundFen: expense - income, feeFen: 0 };
    if (/^(交易付款|在线支付|交易收款|交易)$/.test(type) && ref) return { ...base, kind: 'sale', saleFen: income - expense, refundFen: 0, feeFen: 0 };
    if (/^收费$/.test(type) || FEE_WORDS.test(type) || (FEE_WORDS.test(note) && ref)) return { ...base, kind: 'fee', saleFen: 0, refundFen: 0, feeFen: expense - income };
    return { ...base, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0 };
  },
};

/** `T200P3299194706518006493` → `3299194706518006493`; a bare tid as is; anything else (withdrawal numbers) null. */
function tidOf(text: string): string | null {
  const m = /^(?:T200P)?(\d{12,20})$/.exec(text);
  return m ? m[1]! : null;
}

// ---------------------------------------------------------------------------------------------------------------

const DOUYIN_FEE_COLUMNS: readonly ColumnSpec[] = [
  { field: 'platformFee', labels: ['平台服务费'] },
  { field: 'commission', labels: ['佣金'] },
  { field: 'channelShare', labels: ['渠道分成'] },
  { field: 'merchantFee', labels: ['招商服务费', '团长服务费'] },
  { field: 'promotionFee', labels: ['站外推广费', '直播间站外推广'] },
  { field: 'otherShare', labels: ['其他分成'] },
];

/** 抖店 结算账单: one row per settled sub-order, UTF-8 with BOM, yuan. */
export const douyinFormat: StatementFormat = {
  platform: 'douyin',
  columns: [
    { field: 'settledAt', labels: ['结算时间'], required: true },
    { field: 'settlementNo', labels: ['结算单号'] },
    { field: 'orderId', labels: ['订单号', '订单编号'], required: true },
    { field: 'subOrderId', labels: ['子订单号', '子订单编号'] },
    { field: 'orderedAt', labels: ['下单时间'] },
    { field: 'productId', labels: ['商品ID'] },
    { field: 'title', labels: ['商品名称'] },
    { field: 'orderType', labels: ['订单类型'] },
    { field: 'bizType', labels: ['业务类型'] },
    { field: 'settleType', labels: ['结算单类型', '结算状态'] },
    { field: 'freight', labels: ['运费'] },
    { field: 'refundBefore', labels: ['结算前退款金额'] },
    { field: 'paid', labels: ['用户实付', '实付金额'] },
    { field: 'income', labels: ['收入合计'] },
    { field: 'expenses', labels: ['合计支出', '支出合计'] },
    ...DOUYIN_FEE_COLUMNS,
    { field: 'settled', labels: ['结算金额', '商家实收', '实际结算金额'], required: true },
    { field: 'note', labels: ['备注'] },
  ],
  toRow(cells, line) {
    const orderId = cells('orderId');
    const settlementNo = cells('settlementNo');
    const subOrderId = cells('subOrderId');
    if (orderId === '' && settlementNo === '') return null;
    const settleType = cells('settleType');
    const m = (field: string, label: string) => money(cells, field, label, line);
    const settled = m('settled', '结算金额');
    const expenses = cells('expenses') !== '' ? Math.abs(m('expenses', '合计支出')) : DOUYIN_FEE_COLUMNS.reduce((sum, c) => sum + Math.abs(m(c.field, c.labels[0]!)), 0);
    const paid = cells('paid') !== '' ? m('paid', '用户实付') : cells('income') !== '' ? m('income', '收入合计') : settled + expenses;
    const refundBefore = Math.abs(m('refundBefore', '结算前退款金额'));
    const freight = m('freight', '运费');
    const rowId = settlementNo !== '' ? `${settlementNo}/${subOrderId || orderId}` : `${orderId}/${subOrderId}/${settleType}`;
    const base = {
      rowId,
      orderRef: orNull(orderId),
      altRefs: null,
      freightFen: freight,
      netFen: settled,
      bookedAt: time(cells, [['settledAt', '结算时间'], ['orderedAt', '下单时间']], line),
      businessType: orNull(settleType || cells('bizType')),
      note: orNull(cells('note')),
    };
    if (/保证金/.test(settleType)) return { ...base, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0 };
    if (/退款/.test(settleType)) {
      // A refund after settlement: the buyer's money goes back, and the fees taken on it with it.
      return { ...base, kind: 'refund', saleFen: 0, refundFen: Math.abs(paid) || Math.abs(settled), feeFen: -expenses };
    }
    return { ...base, kind: 'sale', saleFen: paid, refundFen: refundBefore, feeFen: expenses };
  },
};

// ---------------------------------------------------------------------------------------------------------------

/** 拼多多 货款明细: fees and refunds are rows of their own under the same 商户订单号. No row id: one is derived. */
export const pddFormat: StatementFormat = {
  platform: 'pdd',
  columns: [
    { field: 'rowNo', labels: ['账务流水号', '流水号', '资金流水号'] },
    { field: 'orderSn', labels: ['商户订单号', '订单号', '订单编号'], required: true },
    { field: 'at', labels: ['发生时间', '入账时间', '账务时间'], required: true },
    { field: 'income', labels: ['收入金额（+元）', '收入金额（元）', '收入金额'], required: true },
    { field: 'expense', labels: ['支出金额（-元）', '支出金额（元）', '支出金额'], required: true },
    { field: 'type', labels: ['账务类型', '业务类型'], required: true },
    { field: 'note', labels: ['备注'] },
    { field: 'description', labels: ['业务描述'] },
  ],
  toRow(cells, line) {
    const income = money(cells, 'income', '收入金额（+元）', line);
    const expense = Math.abs(money(cells, 'expense', '支出金额（-元）', line));
    const orderSn = cells('orderSn');
    const type = cells('type');
    const note = [cells('note'), cells('description')].filter(Boolean).join(' ');
    const bookedAt = time(cells, [['at', '发生时间']], line);
    // The row's content is its identity when the export has no serial number; repeats within one file are
    // numbered by the caller, so the same rows in an overlapping file get the same ids.
    const rowId = cells('rowNo') || `h:${createHash('sha1').update([orderSn, cells('at'), type, income, expense, note].join('\u0001')).digest('hex').slice(0, 24)}`;
    const ref = /^\d{6}-\d+$/.test(orderSn) ? orderSn : ID_IN_TEXT.exec(note)?.[1] ?? orNull(orderSn);
    const base = { rowId, orderRef: ref, altRefs: null, freightFen: 0, netFen: income - expense, bookedAt, businessType: orNull(type), note: orNull(note) };
    if (/退款/.test(type)) return { ...base, kind: 'refund', saleFen: 0, refundFen: expense - income, feeFen: 0 };
    if (/交易收入|货款|订单收入/.test(type)) return { ...base, kind: 'sale', saleFen: income - expense, refundFen: 0, feeFen: 0 };
    if (FEE_WORDS.test(type)) return { ...base, kind: 'fee', saleFen: 0, refundFen: 0, feeFen: expense - income };
    return { ...base, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0 };
  },
};

// ---------------------------------------------------------------------------------------------------------------

/** 微信支付 资金账单: every cell prefixed with a backtick, a summary header and row after the data. */
export const wechatFormat: StatementFormat = {
  platform: 'wechat',
  columns: [
    { field: 'at', labels: ['记账时间'], required: true },
    { field: 'bizNo', labels: ['微信支付业务单号'] },
    { field: 'rowId', labels: ['资金流水单号'], required: true },
    { field: 'bizName', labels: ['业务名称'] },
    { field: 'type', labels: ['业务类型'], required: true },
    { field: 'direction', labels: ['收支类型'], required: true },
    { field: 'amount', labels: ['收支金额（元）', '收支金额'], required: true },
    { field: 'note', labels: ['备注'] },
    { field: 'voucher', labels: ['业务凭证号'] },
    { field: 'merchantOrderNo', labels: ['商户订单号'] },
  ],
  footerLabels: ['资金流水总笔数', '总交易单数'],
  toRow(cells, line) {
    const rowId = cells('rowId');
    if (rowId === '') return null;
    const amount = Math.abs(money(cells, 'amount', '收支金额（元）', line));
    const direction = cells('direction');
    const netFen = /支出|出/.test(direction) ? -amount : amount;
    const type = cells('type') || cells('bizName');
    const note = cells('note');
    // The order may be named by the voucher (REF + transaction id on refunds), the business number (the
    // payment's transaction id), a merchant order number, or inside the note.
    const refs = [cells('merchantOrderNo'), cells('voucher').replace(/^REF/i, ''), cells('bizNo'), ID_IN_TEXT.exec(note)?.[1] ?? ''].filter((r, i, all) => r !== '' && all.indexOf(r) === i);
    const base = { rowId, orderRef: refs[0] ?? null, altRefs: refs.length > 1 ? refs : null, freightFen: 0, netFen, bookedAt: time(cells, [['at', '记账时间']], line), businessType: orNull(type), note: orNull(note) };
    if (/退款/.test(type)) return { ...base, kind: 'refund', saleFen: 0, refundFen: -netFen, feeFen: 0 };
    if (/^交易$|^支付$|交易收入/.test(type)) return { ...base, kind: 'sale', saleFen: netFen, refundFen: 0, feeFen: 0 };
    if (FEE_WORDS.test(type)) return { ...base, kind: 'fee', saleFen: 0, refundFen: 0, feeFen: -netFen };
    return { ...base, kind: 'other', saleFen: 0, refundFen: 0, feeFen: 0 };
  },
};

export const STATEMENT_FORMATS: Readonly<Record<StatementPlatform, StatementFormat>> = {
  taobao: alipayFormat,
  douyin: douyinFormat,
  pdd: pddFormat,
  wechat: wechatFormat,
};
