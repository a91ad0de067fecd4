import type { TimeWindow } from './types';

/** Splits a window into consecutive pieces no longer than the platform allows per query. */
export function splitWindow(window: TimeWindow, maxMs: number): TimeWindow[] {
  const pieces: TimeWindow[] = [];
  for (let start = window.from.getTime(); start < window.to.getTime(); start += maxMs) {
    pieces.push({ from: new Date(start), to: new Date(Math.min(start + maxMs, window.to.getTime())) });
  }
  return pieces;
}
