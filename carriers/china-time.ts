/**
 * Both carriers speak Beijing wall-clock time as "yyyy-MM-dd HH:mm:ss" with no zone. China has had no
 * daylight saving since 1991, so a fixed +08:00 offset is exact and we avoid depending on the host's zone.
 */

const OFFSET_MS = 8 * 3600_000;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export function formatChinaTime(epochMs: number): string {
  // Shifting the instant by +8h and reading it as UTC gives Beijing's wall clock.
  return new Date(epochMs + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Beijing wall clock → ISO instant in UTC; undefined when the text is not in the carriers' format. */
export function chinaTimeToIso(text: string): string | undefined {
  const m = WALL_CLOCK.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const epochMs = Date.UTC(y, mo - 1, d, h, mi, s) - OFFSET_MS;
  const date = new Date(epochMs);
  // Date.UTC rolls "02-30" over into March; a carrier sending that is sending garbage.
  if (formatChinaTime(epochMs) !== text.trim()) return undefined;
  return date.toISOString();
}
