/** Taobao and PDD write times as "yyyy-MM-dd HH:mm:ss" in Shanghai wall-clock time (domain/shanghai-time.ts). */
import { formatWallClock, parseWallClock } from '../domain/shanghai-time';

export const formatBeijing: (date: Date) => string = formatWallClock;

/** Returns an invalid Date when the text is not in the platform format. */
export const parseBeijing: (text: string) => Date = parseWallClock;

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
