import { describe, expect, it } from 'vitest';
import { defaultReportDate } from '../../reports/daily';

describe('the day a daily report covers by default', () => {
  it.each([
    ['2026-11-26T00:00:00+08:00', '2026-11-25'], // the first minute of a Shanghai day reports the whole day before
    ['2026-11-26T08:00:00+08:00', '2026-11-25'], // the scheduled run
    ['2026-11-26T23:59:59+08:00', '2026-11-25'],
    ['2026-11-25T23:59:59+08:00', '2026-11-24'],
    ['2026-03-01T07:00:00+08:00', '2026-02-28'],
  ])('at %s: %s', (now, date) => {
    expect(defaultReportDate(new Date(now))).toBe(date);
  });
});
