/** Taobao and PDD write times as "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8, no daylight saving). */
const OFFSET_MS = 8 * 60 * 60 * 1000;

export function formatBeijing(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Returns an invalid Date when the text is not in the platform format. */
export function parseBeijing(text: string): Date {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? new Date(`${text.replace(' ', 'T')}+08:00`) : new Date(NaN);
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
