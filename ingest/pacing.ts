/**
 * Pacing the acknowledgements to the intake. While consumers are draining the buffer, a push is acknowledged
 * only once the oldest entry no consumer has taken yet is younger than `maxLagMs`; otherwise it waits (up to
 * `maxWaitMs`, then it is answered 503 and the platform retries it).
 *
 * Why: a burst the intake cannot keep up with would otherwise pile up in the buffer, and every channel would
 * keep selling a sold-out SKU for as long as that pile takes to drain (ten seconds behind a 30,000-push flood on
 * two cores). Paced, the buffer stays under a second deep, so the push that takes the last unit is held — and
 * every store told 0 — within about a second of its acknowledgement, and the CPU the acknowledgements no longer
 * spend goes to recording and holding.
 *
 * The buffer still absorbs what it is for: while nothing is draining it (the workers are down, a platform API
 * is failing every fetch), pushes are acknowledged at once and kept.
 */

/** What the pacing reads of the buffer. */
export interface BufferPressure {
  /** Age of the oldest entry no consumer holds (never taken, or its claim ran out); 0 when there is none. */
  waitingAgeMs: number;
  /** Some consumer holds entries right now: the buffer is being drained. */
  draining: boolean;
}

export interface PacingOptions {
  read(): Promise<BufferPressure>;
  /** How old the oldest waiting entry may be before acknowledgements wait; 0 turns pacing off. */
  maxLagMs: number;
  /** How long one push may wait before it is refused (503, retried by the platform). */
  maxWaitMs: number;
  /** How often the buffer is looked at, at most (one reading serves every push meanwhile). */
  sampleMs?: number;
  now?: () => number;
}

export interface Pacing {
  /** Resolves true when the push may be appended and acknowledged, false when it waited `maxWaitMs` in vain. */
  admit(): Promise<boolean>;
}

export function createPacing({ read, maxLagMs, maxWaitMs, sampleMs = 50, now = Date.now }: PacingOptions): Pacing {
  const open = (p: BufferPressure) => !p.draining || p.waitingAgeMs <= maxLagMs;
  /** The newest reading (`at`: when it was asked for), and the one under way; one read at a time serves every push. */
  let last: { at: number; pressure: BufferPressure } | undefined;
  let reading: Promise<BufferPressure> | undefined;
  const readAgain = (): Promise<BufferPressure> => {
    if (reading) return reading;
    const at = now();
    reading = read()
      // A buffer that cannot be read does not hold pushes up: the append itself fails and answers 503.
      .catch(() => ({ waitingAgeMs: 0, draining: false }))
      .then((pressure) => {
        last = { at, pressure };
        reading = undefined;
        return pressure;
      });
    return reading;
  };
  const pressure = (): Promise<BufferPressure> | BufferPressure => {
    if (last && now() - last.at < sampleMs) return last.pressure;
    const fresh = readAgain();
    // Stale while it is read again: while the buffer was open at the last look, pushes go on at once instead of
    // each waiting for that look (a stall of a database round trip every `sampleMs` of a burst). A closed
    // buffer is waited for.
    return last && open(last.pressure) ? last.pressure : fresh;
  };
  // The first look is taken now: the first pushes of a burst find one.
  if (maxLagMs > 0) void readAgain();

  return {
    async admit() {
      if (maxLagMs <= 0) return true;
      const deadline = now() + maxWaitMs;
      for (;;) {
        if (open(await pressure())) return true;
        const left = deadline - now();
        if (left <= 0) return false;
        await new Promise((r) => setTimeout(r, Math.min(sampleMs, left)));
      }
    },
  };
}
