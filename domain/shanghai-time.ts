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
