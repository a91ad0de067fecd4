import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env';
import { duration, progress, progressLine } from '../../infra/progress';
import { explainStartupError, StartupError } from '../../infra/startup-error';

describe('progress line', () => {
  it.each([
    [{ label: 'seeding', done: 0, total: 100, elapsedMs: 0 }, 'seeding  0/100  0%'],
    [{ label: 'seeding', done: 50, total: 100, elapsedMs: 10_000 }, 'seeding  50/100  50%  5.0/s  ETA 10s'],
    [{ label: 'seeding', done: 100, total: 100, elapsedMs: 20_000 }, 'seeding  100/100  100%  5.0/s  in 20s'],
    [{ label: 'pushing', done: 12_000, total: 50_000, elapsedMs: 4_000, unit: 'orders' }, 'pushing  12,000/50,000 orders  24%  3,000/s  ETA 13s'],
    [{ label: 'sql', done: 1_500, elapsedMs: 3_000, unit: 'statements' }, 'sql  1,500 statements  500/s  3.0s'],
    [{ label: 'sql', done: 3, elapsedMs: 100 }, 'sql  3'],
  ])('%o → %s', (state, line) => {
    expect(progressLine(state)).toBe(line);
  });

  it.each([
    [400, '0.4s'],
    [12_400, '12s'],
    [185_000, '3m05s'],
    [3_720_000, '1h02m'],
    [Number.POSITIVE_INFINITY, '?'],
  ])('duration(%d) = %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  const capture = (tty: boolean) => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (c: Buffer) => (written += c.toString()));
    let t = 0;
    const bar = progress('work', 10, { stream, tty, now: () => t });
    return { bar, written: () => written, advance: (ms: number) => (t += ms) };
  };

  it('when the stream is not a terminal, then nothing is written at all', () => {
    const { bar, written, advance } = capture(false);
    for (let i = 0; i < 10; i++) {
      advance(500);
      bar.tick();
    }
    bar.finish();
    expect(written()).toBe('');
  });

  it('on a terminal, the line is redrawn in place at most every 100 ms, and the last one stays', () => {
    const { bar, written, advance } = capture(true);
    bar.tick(); // t = 0: drawn (first)
    advance(50);
    bar.tick(); // 50 ms later: skipped
    advance(150);
    bar.tick(); // drawn
    advance(1_000);
    bar.set(10); // done: drawn whatever the time
    bar.finish();
    const frames = written().split('\r\x1b[2K').filter(Boolean);
    expect(frames).toEqual(['work  1/10  10%', 'work  3/10  30%  15/s  ETA 0.5s', 'work  10/10  100%  8.3/s  in 1.2s', 'work  10/10  100%  8.3/s  in 1.2s\n']);
  });
});

describe('start-up errors', () => {
  const dbUrl = 'postgres://oms:secret@db.example:5433/oms';
  it.each([
    [Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 3000 }), undefined, /^port 3000 is in use: stop the process using it, or choose another port/],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5433 }), dbUrl, /^PostgreSQL at db\.example:5433\/oms refused the connection .*unset DATABASE_URL/],
    [Object.assign(new Error('database "oms" does not exist'), { code: '3D000' }), dbUrl, /createdb/],
    [Object.assign(new Error('password authentication failed'), { code: '28P01' }), dbUrl, /check the user and password in DATABASE_URL/],
    [new Error('query failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5433 }) }), dbUrl, /refused the connection/],
    [new StartupError('the thing broke', 'do this'), undefined, /^the thing broke: do this$/],
  ])('%s → one line naming the fix', (err, databaseUrl, line) => {
    const text = explainStartupError(err, { databaseUrl });
    expect(text).toMatch(line);
    expect(text).not.toContain('\n');
    expect(text).not.toContain('secret');
  });

  it('an unknown error is not explained (its stack is printed: a bug)', () => {
    expect(explainStartupError(new TypeError('x is undefined'))).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['EMBEDDED_POSTGRES_PORT', '99999'],
    ['DATABASE_URL', 'not a url'],
    ['WAVE_INTERVAL', 'sometimes'],
  ])('a bad %s (%s) stops start-up with one line naming the variable', (name, value) => {
    let caught: unknown;
    try {
      loadEnv({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StartupError);
    const line = explainStartupError(caught)!;
    expect(line).toMatch(new RegExp(`^bad environment value: ${name} \\(`));
    expect(line).toContain('README');
    expect(line).not.toContain('\n');
  });

  it('nothing set: no DATABASE_URL (the embedded PostgreSQL) on its own port', () => {
    const env = loadEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.EMBEDDED_POSTGRES_PORT).toBe(54320);
  });
});
