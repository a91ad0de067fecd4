import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWallClock, parseWallClock, shanghaiDate, shanghaiMidnight } from '../../domain/shanghai-time';

describe('Shanghai calendar and wall clock', () => {
  it.each([
    ['2026-11-30T15:59:59Z', '2026-11-30', '2026-11-30 23:59:59'],
    ['2026-11-30T16:00:00Z', '2026-12-01', '2026-12-01 00:00:00'],
    ['2026-12-31T16:30:05Z', '2027-01-01', '2027-01-01 00:30:05'],
  ])('%s is %s, %s', (iso, date, wall) => {
    expect(shanghaiDate(new Date(iso))).toBe(date);
    expect(formatWallClock(new Date(iso))).toBe(wall);
    expect(parseWallClock(wall).toISOString()).toBe(new Date(iso).toISOString());
  });

  it('midnight starts the day', () => {
    expect(shanghaiMidnight('2026-12-01').toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it.each(['2026-02-30 10:00:00', '2026-11-30T10:00:00', '2026-11-30 24:00:00', '2026-11-30 10:00', 'yesterday', ''])('"%s" is not a wall-clock time', (text) => {
    expect(Number.isNaN(parseWallClock(text).getTime())).toBe(true);
  });

  it('formats and parses back every second', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }), (seconds) => {
        expect(parseWallClock(formatWallClock(seconds * 1000)).getTime()).toBe(seconds * 1000);
      }),
    );
  });
});
