/** Both carriers speak Shanghai wall-clock time, "yyyy-MM-dd HH:mm:ss" with no zone (domain/shanghai-time.ts). */
import { formatWallClock, parseWallClock } from '../domain/shanghai-time';

export function formatChinaTime(epochMs: number): string {
  return formatWallClock(epochMs);
}

/** Wall clock → ISO instant in UTC; undefined when the text is not in the carriers' format. */
export function chinaTimeToIso(text: string): string | undefined {
  const at = parseWallClock(text);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}
