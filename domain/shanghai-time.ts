/**
 * Calendar days in Asia/Shanghai, where a warehouse's day, a report's day and the daily push turn. China has
 * kept no daylight saving time since 1991: the zone is UTC+8 all year, so a fixed offset is exact and nothing
 * depends on the host's time zone.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 24 * 3600_000;

/** The Shanghai calendar day an instant falls on, `YYYY-MM-DD` (it turns at 16:00 UTC). */
export function shanghaiDate(at: Date | number): string {
  return new Date((typeof at === 'number' ? at : at.getTime()) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight in Shanghai that starts the given `YYYY-MM-DD`. */
export function shanghaiMidnight(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Shanghai wall-clock time as the platforms and carriers write it, `yyyy-MM-dd HH:mm:ss` with no zone. */
export function formatWallClock(at: Date | number): string {
  return new Date((typeof at === 'number' ? at : at.getTime()) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * `yyyy-MM-dd HH:mm:ss` in Shanghai → the instant; an invalid Date when the text is not that, or not a real
 * time (a "02-30" that the calendar would roll over into March).
 */
export function parseWallClock(text: string): Date {
  const trimmed = text.trim();
  if (!WALL_CLOCK.test(trimmed)) return new Date(NaN);
  const at = new Date(`${trimmed.replace(' ', 'T')}+08:00`);
  return !Number.isNaN(at.getTime()) && formatWallClock(at) === trimmed ? at : new Date(NaN);
}
