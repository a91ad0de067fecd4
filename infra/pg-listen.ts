/**
 * One PostgreSQL LISTEN connection per process, shared by everything in it that waits for a channel's
 * notifications, fanned out by payload (e.g. a warehouse id). A pooled connection cannot LISTEN (the pool
 * hands it to someone else), so this is a dedicated `pg.Client`, opened while anyone subscribes and closed when
 * the last one leaves. When it breaks it reconnects, with backoff, and rings every subscriber: notifications
 * sent while nobody listened are gone, so readers must re-read their table — a notification only says "look".
 */
import pg from 'pg';
import type { Logger } from './logger';

export interface PgListener {
  /** Calls `wake` for each notification whose payload is `key`, and after every (re)connect. Returns the unsubscribe. */
  subscribe(key: string, wake: () => void): () => void;
  /** Aborted by `close()`: long-lived readers (streams) end, so an HTTP server can stop. */
  readonly closed: AbortSignal;
  /** True while connected and LISTENing. */
  readonly listening: boolean;
  /** Ends the connection for good and aborts `closed`. */
  close(): Promise<void>;
}

export interface PgListenerOptions {
  /** A connection string or the pool's client config. */
  connection: string | pg.ClientConfig;
  channel: string;
  logger: Logger;
  /** First reconnect delay, doubled up to 30 s while PostgreSQL stays unreachable; default 500 ms. */
  reconnectMs?: number;
}

const MAX_RECONNECT_MS = 30_000;

export function createPgListener(opts: PgListenerOptions): PgListener {
  const { channel, logger } = opts;
  const base = typeof opts.connection === 'string' ? { connectionString: opts.connection } : opts.connection;
  // Named, so an operator (and a test) can find the connection in pg_stat_activity.
  const config: pg.ClientConfig = { ...base, application_name: `oms-listen-${channel}` };
  const reconnectMs = opts.reconnectMs ?? 500;
  const subscribers = new Map<string, Set<() => void>>();
  const closing = new AbortController();
  let count = 0;
  let running: Promise<void> | undefined;
  let listening = false;
  /** Resolves the wait of the running connection when the last subscriber leaves. */
  let nobodyLeft: (() => void) | undefined;
  const stopped = new Promise<undefined>((resolve) => closing.signal.addEventListener('abort', () => resolve(undefined), { once: true }));

  const wanted = () => count > 0 && !closing.signal.aborted;
  const ring = (wake: () => void) => {
    try {
      wake();
    } catch (err) {
      logger.error({ err, channel }, 'a LISTEN subscriber failed');
    }
  };
  const ringAll = () => {
    for (const wakes of subscribers.values()) for (const wake of wakes) ring(wake);
  };

  /** Holds one connection until it breaks, nobody subscribes any more, or close(); then reconnects if still wanted. */
  async function run(): Promise<void> {
    let delay = reconnectMs;
    while (wanted()) {
      const client = new pg.Client(config);
      let broken: (err: unknown) => void = () => undefined;
      const failed = new Promise<unknown>((resolve) => (broken = resolve));
      client.on('error', (err) => broken(err));
      client.on('end', () => broken(new Error('LISTEN connection ended')));
      client.on('notification', (n) => {
        if (n.channel !== channel || !n.payload) return;
        for (const wake of subscribers.get(n.payload) ?? []) ring(wake);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
        listening = true;
        delay = reconnectMs;
        ringAll();
        const idle = new Promise<void>((resolve) => (nobodyLeft = resolve));
        if (!wanted()) nobodyLeft?.();
        const err = await Promise.race([failed, idle.then(() => undefined), stopped]);
        if (err) logger.warn({ err, channel }, 'LISTEN connection lost; reconnecting');
      } catch (err) {
        logger.warn({ err, channel, retryInMs: delay }, 'LISTEN connection failed; retrying');
      } finally {
        listening = false;
        nobodyLeft = undefined;
        client.removeAllListeners('notification');
        await client.end().catch(() => undefined);
      }
      if (!wanted()) break;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, MAX_RECONNECT_MS);
    }
  }

  const ensureRunning = () => {
    running ??= run()
      .catch((err: unknown) => logger.error({ err, channel }, 'LISTEN loop failed'))
      .finally(() => {
        running = undefined;
        // Someone subscribed while the loop was winding down.
        if (wanted()) ensureRunning();
      });
  };

  return {
    subscribe(key, wake) {
      if (closing.signal.aborted) throw new Error(`the LISTEN connection for ${channel} is closed`);
      const wakes = subscribers.get(key) ?? new Set();
      subscribers.set(key, wakes);
      // A distinct function per subscription, so the same callback subscribed twice is two subscriptions.
      const entry = () => wake();
      wakes.add(entry);
      count += 1;
      ensureRunning();
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        wakes.delete(entry);
        if (wakes.size === 0) subscribers.delete(key);
        count -= 1;
        if (count === 0) nobodyLeft?.();
      };
    },
    closed: closing.signal,
    get listening() {
      return listening;
    },
    async close() {
      closing.abort();
      await running;
    },
  };
}
