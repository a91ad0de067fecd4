/**
 * Money and cells of settlement statements, and the reconciliation rule: pure functions, no I/O.
 * Statements write money as yuan text with two decimals (`199.00`, `-0.60`, `"1,234.00"`); the OMS keeps integer
 * fen. Conversion is decimal string arithmetic, never binary floating point.
 */

/** Statement accounts: the Alipay statement settles Taobao and Tmall shops alike. */
export const STATEMENT_PLATFORMS = ['taobao', 'douyin', 'pdd', 'wechat'] as const;
export type StatementPlatform = (typeof STATEMENT_PLATFORMS)[number];

/** The OMS channels a statement account settles. */
export const CHANNELS_OF: Readonly<Record<StatementPlatform, readonly string[]>> = {
  taobao: ['taobao', 'tmall'],
  douyin: ['douyin'],
  pdd: ['pdd'],
  wechat: ['wechat'],
};

/** `tmall` and `alipay` name the same statement as `taobao`. */
export function statementPlatformOf(name: string): StatementPlatform | undefined {
  const p = name.toLowerCase();
  if (p === 'tmall' || p === 'alipay') return 'taobao';
  return (STATEMENT_PLATFORMS as readonly string[]).includes(p) ? (p as StatementPlatform) : undefined;
}

/**
 * A cell as the back office padded it: surrounding spaces and tabs (Alipay appends `\t` to long ids), a leading
 * backtick (WeChat) or apostrophe, or `="…"` wrapping (spreadsheet guards) removed.
 */
export function cleanCell(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  // Most cells need nothing done: no padding at either end, no guard character in front.
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  if (first > 0x20 && last > 0x20 && first !== 0x60 && first !== 0x27 && first !== 0x3d && first !== 0x3000 && last !== 0x3000) return raw;
  let s = raw.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
  const wrapped = /^="(.*)"$/.exec(s);
  if (wrapped) s = wrapped[1]!;
  if (s.startsWith('`') || s.startsWith("'")) s = s.slice(1).trim();
  return s;
}

/**
 * Yuan text → integer fen: `199.00` → 19900, `-0.60` → -60, `+12.00` → 1200, `"1,234.5"` → 123450, `` or `0` → 0,
 * `¥12.00` → 1200. Returns undefined for text that is not an amount (or has non-zero digits past the fen).
 */
export function yuanToFen(text: string): number | undefined {
  const plain = /^(-?)(\d{1,12})\.(\d\d)$/.exec(text);
  if (plain) {
    const fen = Number(plain[2]) * 100 + Number(plain[3]);
    return plain[1] ? -fen : fen;
  }
  const s = cleanCell(text).replace(/[,，\s]/g, '').replace(/^[¥￥]/, '').replace(/^([+-])[¥￥]/, '$1');
  if (s === '' || s === '-' || s === '--') return 0;
  const m = /^([+-])?(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return undefined;
  const decimals = m[3] ?? '';
  if (/[1-9]/.test(decimals.slice(2))) return undefined;
  const fen = Number(m[2]) * 100 + Number(decimals.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return undefined;
  return m[1] === '-' ? -fen : fen;
}

/** Integer fen → yuan text with two decimals (`-60` → `-0.60`), for CSV and messages. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * `yyyy-MM-dd HH:mm:ss` (also `/` separators, `T`, seconds omitted, a date alone) in Asia/Shanghai → instant.
 * Unix seconds are accepted too (API-shaped exports). Undefined when unreadable.
 */
export function shanghaiTime(text: string): Date | undefined {
  // The usual form, read without a regular expression.
  if (text.length === 19 && text[4] === '-' && text[7] === '-' && text[10] === ' ' && text[13] === ':' && text[16] === ':') {
    const n = (from: number, to: number) => Number(text.slice(from, to));
    const ms = Date.UTC(n(0, 4), n(5, 7) - 1, n(8, 10), n(11, 13) - 8, n(14, 16), n(17, 19));
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  const s = cleanCell(text);
  if (/^\d{10}$/.test(s)) return new Date(Number(s) * 1000);
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', se = '0'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h) - 8, Number(mi), Number(se));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** `YYYY-MM` → the Asia/Shanghai month as [from, to). */
export function shanghaiMonth(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1, -8)), to: new Date(Date.UTC(y, m, 1, -8)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Reconciliation of one order: what the OMS expects against what the statement says.

/** One OMS order of the month, with the refunds its returns recorded. */
export interface OmsSide {
  orderId: string;
  channelOrderId: string;
  totalFen: number;
  refundFen: number;
  /** The return ids whose refunds make up `refundFen`. */
  returnIds: string[];
}

/** One order's statement rows summed. */
export interface StatementSide {
  saleFen: number;
  refundFen: number;
  feeFen: number;
  freightFen: number;
  netFen: number;
  rows: number;
  /** Row kinds and business types seen, e.g. `['sale', 'fee']`, `['交易付款', '收费']`. */
  kinds: string[];
}

export type MismatchReason = 'refund' | 'platform_fee' | 'freight';

export type OrderVerdict =
  | { kind: 'matched'; explainedByFeesFen: number }
  | { kind: 'mismatch'; omsFen: number; statementFen: number; differenceFen: number; reason: MismatchReason | null };

/**
 * The OMS expects the order's value less the refunds of its returns; the statement shows what the buyer paid less
 * what went back. Equal: matched. A statement that shows the sale net of its fees (the difference is exactly the
 * fee columns) is matched too, with the fees reported. Otherwise a mismatch, with the likely reason when the
 * statement gives one: refunds that differ from the returns', the fee columns, or the freight column.
 */
export function judgeOrder(oms: OmsSide, st: StatementSide): OrderVerdict {
  const omsFen = oms.totalFen - oms.refundFen;
  const statementFen = st.saleFen - st.refundFen;
  const differenceFen = statementFen - omsFen;
  if (differenceFen === 0) return { kind: 'matched', explainedByFeesFen: 0 };
  if (st.feeFen !== 0 && differenceFen === -st.feeFen) return { kind: 'matched', explainedByFeesFen: st.feeFen };
  return { kind: 'mismatch', omsFen, statementFen, differenceFen, reason: likelyReason(oms, st, differenceFen) };
}

function likelyReason(oms: OmsSide, st: StatementSide, differenceFen: number): MismatchReason | null {
  if (st.refundFen !== oms.refundFen) return 'refund';
  if (st.freightFen !== 0 && Math.abs(differenceFen) === Math.abs(st.freightFen)) return 'freight';
  if (st.feeFen !== 0 && Math.abs(differenceFen) === Math.abs(st.feeFen)) return 'platform_fee';
  if (st.freightFen !== 0) return 'freight';
  if (st.feeFen !== 0) return 'platform_fee';
  return null;
}
