/**
 * How figures read in the pictures, the PDF and the WeCom message (the JSON keeps unrounded fractions and fen;
 * presentation rounds, here).
 */
import type { FunnelStage } from '../domain/reports';

export const STAGE_LABELS: Record<FunnelStage, string> = {
  ordered: '下单',
  paid: '付款',
  shipped: '发货',
  delivered: '签收',
  returned: '退货',
};

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat('zh-CN');

/** 123456 fen → `¥1,234.56`. */
export const yuan = (fen: number) => `¥${yuanFormat.format(fen / 100)}`;
export const count = (n: number) => countFormat.format(n);
/** 0.656 → `65.6%`; null → `—`. */
export const pct = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)}%`);
/** Hours with one decimal, `—` when there were none. */
export const hours = (h: number | null | undefined) => (h === null || h === undefined ? '—' : `${h.toFixed(1)} 小时`);
/** A days figure (days of supply, turnover) with one decimal. */
export const days = (d: number | null | undefined) => (d === null || d === undefined ? '—' : `${d.toFixed(1)} 天`);

/** A region's display name: the city when the report is by city, else the province. */
export const regionName = (r: { province: string; city?: string | null }) => r.city || r.province;
