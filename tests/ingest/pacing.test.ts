/**
 * Acknowledgement pacing (ingest/pacing.ts) over a scripted buffer: when a push goes on at once, waits, or is
 * refused, and how often the buffer is read.
 */
import { describe, expect, it } from 'vitest';
import { createPacing, type BufferPressure } from '../../ingest/pacing';

const MAX_LAG = 200;

describe('acknowledgement pacing', () => {
  it.each([
    { when: 'nothing waits', pressure: { waitingAgeMs: 0, draining: true }, admitted: true },
    { when: 'the oldest waiting entry is younger than the lag', pressure: { waitingAgeMs: MAX_LAG - 1, draining: true }, admitted: true },
    { when: 'it is exactly as old as the lag', pressure: { waitingAgeMs: MAX_LAG, draining: true }, admitted: true },
    { when: 'it is older and consumers are draining', pressure: { waitingAgeMs: MAX_LAG + 1, draining: true }, admitted: false },
    { when: 'it is old but nothing drains the buffer (workers down)', pressure: { waitingAgeMs: 3_600_000, draining: false }, admitted: true },
  ])('when $when, then the push is admitted: $admitted', async ({ pressure, admitted }) => {
    const pacing = createPacing({ read: async () => pressure, maxLagMs: MAX_LAG, maxWaitMs: 60, sampleMs: 10 });
    expect(await pacing.admit()).toBe(admitted);
  });

  it('when the buffer is behind, then the push waits and goes on as soon as a reading shows it caught up', async () => {
    const readings: BufferPressure[] = [
      { waitingAgeMs: 900, draining: true },
      { waitingAgeMs: 600, draining: true },
      { waitingAgeMs: 50, draining: true },
    ];
    let reads = 0;
    const pacing = createPacing({ read: async () => readings[Math.min(reads++, readings.length - 1)]!, maxLagMs: MAX_LAG, maxWaitMs: 5_000, sampleMs: 10 });
    const started = Date.now();
    expect(await pacing.admit()).toBe(true);
    expect(reads).toBe(3);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when the buffer stays behind, then the push is refused after waiting about maxWaitMs', async () => {
    const pacing = createPacing({ read: async () => ({ waitingAgeMs: 5_000, draining: true }), maxLagMs: MAX_LAG, maxWaitMs: 150, sampleMs: 20 });
    const started = Date.now();
    expect(await pacing.admit()).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('when many pushes arrive within one sample period, then the buffer is read once for all of them', async () => {
    let reads = 0;
    const pacing = createPacing({ read: async () => (reads++, { waitingAgeMs: 0, draining: true }), maxLagMs: MAX_LAG, maxWaitMs: 100, sampleMs: 60_000 });
    expect(await Promise.all(Array.from({ length: 50 }, () => pacing.admit()))).toEqual(Array(50).fill(true));
    expect(reads).toBe(1);
  });

  it('when the last look found the buffer open and is out of date, then pushes go on at once while it is looked at again, and wait once a look finds it behind', async () => {
    let clock = 0;
    const looks: ((p: BufferPressure) => void)[] = [];
    const pacing = createPacing({ read: () => new Promise((resolve) => looks.push(resolve)), maxLagMs: MAX_LAG, maxWaitMs: 60_000, sampleMs: 50, now: () => clock });

    // The first look is taken at once; the first push waits for it.
    expect(looks).toHaveLength(1);
    const first = pacing.admit();
    expect(looks).toHaveLength(1);
    looks[0]!({ waitingAgeMs: 0, draining: true });
    expect(await first).toBe(true);

    // Out of date: the push goes on without waiting; one new look serves every push meanwhile.
    clock = 100;
    expect(await Promise.all([pacing.admit(), pacing.admit()])).toEqual([true, true]);
    expect(looks).toHaveLength(2);

    // That look finds the buffer behind: the next push waits for a look that finds it caught up.
    looks[1]!({ waitingAgeMs: MAX_LAG + 1, draining: true });
    await new Promise((r) => setTimeout(r, 0));
    let admitted: boolean | undefined;
    const waiting = pacing.admit().then((ok) => (admitted = ok));
    await new Promise((r) => setTimeout(r, 80));
    expect(admitted).toBeUndefined();
    clock = 200;
    await new Promise((r) => setTimeout(r, 80));
    expect(looks).toHaveLength(3);
    looks[2]!({ waitingAgeMs: 0, draining: true });
    expect(await waiting).toBe(true);
  });

  it('when the buffer cannot be read, then the push goes on (its append fails on its own and answers 503)', async () => {
    const pacing = createPacing({ read: async () => Promise.reject(new Error('connection refused')), maxLagMs: MAX_LAG, maxWaitMs: 100 });
    expect(await pacing.admit()).toBe(true);
  });

  it('when pacing is off (maxLagMs 0), then the buffer is never read', async () => {
    let reads = 0;
    const pacing = createPacing({ read: async () => (reads++, { waitingAgeMs: 10_000, draining: true }), maxLagMs: 0, maxWaitMs: 100 });
    expect(await pacing.admit()).toBe(true);
    expect(reads).toBe(0);
  });
});
