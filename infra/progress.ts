/**
 * Progress of long work (simulate, demo, benchmark seeding, migrations): one counting line with rate and ETA,
 * redrawn in place at most ten times a second when the stream is a terminal, and nothing at all otherwise (logs
 * and CI output stay clean; the caller prints its own summary).
 */

export interface ProgressOptions {
  /** Where the line goes; default process.stderr, so stdout stays the program's output. */
  stream?: NodeJS.WriteStream;
  /** Force drawing on or off; default: the stream is a TTY. */
  tty?: boolean;
  /** Unit shown after the count, e.g. `orders`. */
  unit?: string;
  now?: () => number;
}

export interface Progress {
  /** `n` more done (default 1). */
  tick(n?: number): void;
  /** Exactly `done` done. */
  set(done: number): void;
  /** The total is known only now, or changed. */
  setTotal(total: number): void;
  /** Ends the line (leaves the final count on screen); nothing is drawn after it. */
  finish(): void;
}

export interface ProgressState {
  label: string;
  done: number;
  total?: number | undefined;
  elapsedMs: number;
  unit?: string | undefined;
}

/** The line, e.g. `seeding orders  12,000/50,000 orders  24%  3,100/s  ETA 12s`. Pure, for tests. */
export function progressLine({ label, done, total, elapsedMs, unit }: ProgressState): string {
  const count = `${fmt(done)}${total !== undefined ? `/${fmt(total)}` : ''}${unit ? ` ${unit}` : ''}`;
  const parts = [label, count];
  if (total !== undefined && total > 0) parts.push(`${Math.floor((Math.min(done, total) / total) * 100)}%`);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  if (done > 0 && elapsedMs >= 200) parts.push(`${fmtRate(rate)}/s`);
  if (total !== undefined && done > 0 && rate > 0 && done < total) parts.push(`ETA ${duration(((total - done) / rate) * 1000)}`);
  else if (total !== undefined && done >= total) parts.push(`in ${duration(elapsedMs)}`);
  else if (total === undefined && elapsedMs >= 1000) parts.push(duration(elapsedMs));
  return parts.join('  ');
}

/** Seconds or minutes, rounded: `0.4s`, `12s`, `3m05s`, `1h02m`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtRate = (r: number) => (r >= 100 ? fmt(r) : r >= 10 ? r.toFixed(0) : r.toFixed(1));

export function progress(label: string, total?: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const draw = opts.tty ?? Boolean(stream.isTTY);
  const now = opts.now ?? Date.now;
  const started = now();
  let done = 0;
  let finished = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  const render = (force: boolean) => {
    if (!draw || finished) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const line = progressLine({ label, done, total, elapsedMs: t - started, unit: opts.unit });
    const width = stream.columns ? stream.columns - 1 : 120;
    stream.write(`\r\x1b[2K${line.slice(0, width)}`);
  };
  return {
    tick(n = 1) {
      done += n;
      render(total !== undefined && done >= total);
    },
    set(value) {
      done = value;
      render(total !== undefined && done >= total);
    },
    setTotal(value) {
      total = value;
      render(false);
    },
    finish() {
      if (finished) return;
      render(true);
      finished = true;
      if (draw) stream.write('\n');
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight, counting each finished item on `bar`. */
export async function eachWithProgress<T>(items: readonly T[], limit: number, bar: Progress, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      await work(items[i] as T, i);
      bar.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
