/** How the console writes money, times and durations: fen as yuan, instants in Asia/Shanghai. */

// Swedish writes dates as ISO does ("2026-12-03 15:04:05"); the zone is named, so the host's own zone never matters.
const SHANGHAI_CLOCK = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 2990 → "¥29.90" (integer fen in, never a float sum). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** An instant as "2026-12-03 15:04:05" in Asia/Shanghai; '' for none. */
export function shanghaiTime(at: string | Date | null | undefined): string {
  if (!at) return '';
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) return String(at);
  return SHANGHAI_CLOCK.format(ms);
}

/** 95_000 → "1 min 35 s", 7_200_000 → "2 h 0 min"; null → "—". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** A ratio as a percentage with one decimal ("87.5%"), for display only (the API keeps unrounded fractions). */
export const percent = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 1000) / 10}%`);

/** A figure to one decimal (a rate per second, minutes). */
export const oneDecimal = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(Math.round(n * 10) / 10));
