/**
 * `/v1/pda`: the live feed of a warehouse's handhelds (Server-Sent Events, docs/pda.md).
 *
 * The feed is the `pda_events` table read in id order: every event is sent once, with its row id as the SSE
 * id, so a device reconnecting with `Last-Event-ID` (or `?lastEventId=`) gets exactly what it missed, from
 * any API process, also after a restart. Nothing is kept in memory but each stream's cursor. What makes it
 * live: the process's one LISTEN connection rings the streams of a warehouse when an append commits, and a
 * shared poll (one query per process per interval, whatever the number of streams) rings them when a
 * warehouse's newest id moved without a notification reaching us (LISTEN connection down, reconnecting).
 */
import type pg from 'pg';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import type { Db } from '../../db/client';
import {
  latestPdaEventId,
  latestPdaEventIds,
  openWorkPdaEvents,
  PDA_EVENTS_CHANNEL,
  pdaEventsAfter,
  type PdaEvent,
} from '../../db/queries/pda-events';
import { warehouseExists } from '../../db/queries/warehouses';
import type { Logger } from '../../infra/logger';
import { createPgListener, type PgListener } from '../../infra/pg-listen';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

export interface PdaStreamOptions {
  /** The process's LISTEN connection on `pda_events`; default one opened from the pool's settings while streams are open. */
  listener?: PgListener | undefined;
  /** A comment line after this long without a write, so proxies keep the stream open; default 15 s. */
  heartbeatMs?: number | undefined;
  /** Safety net for lost notifications: how often the newest event id of each streamed warehouse is read; default 2 s. */
  pollMs?: number | undefined;
}

/** How far back a device connecting for the first time (no Last-Event-ID) is shown the open work. */
const FIRST_CONNECT_LOOKBACK_MS = 24 * 60 * 60 * 1000;
const FIRST_CONNECT_MAX_EVENTS = 1_000;
const BATCH = 500;
/** The reconnection delay the SSE client is told to use after the stream breaks. */
const RETRY_MS = 1_000;

const eventId = z.string().regex(/^\d{1,15}$/, 'an event id (a non-negative integer) from this stream');
const deviceParam = z.object({ deviceId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, "_", ".", ":" or "-", at most 64 characters') });
const streamQuery = z.object({
  warehouseId: z.string().trim().min(1).max(32),
  /** For clients that cannot set the Last-Event-ID header; the header wins (an EventSource reconnecting sends both). */
  lastEventId: eventId.optional(),
});
const streamHeaders = z.object({ 'last-event-id': eventId.optional() });

export function pdaRoutes({ db, logger, ...options }: { db: Db; logger: Logger } & PdaStreamOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let listener = options.listener;
  // Made on the first stream, from the pool's own settings: building the app must not touch the database.
  const listen = () =>
    (listener ??= createPgListener({ connection: poolSettings(db), channel: PDA_EVENTS_CHANNEL, logger }));
  let doorbells: WarehouseDoorbells | undefined;
  const rings = () => (doorbells ??= warehouseDoorbells(db, listen(), options.pollMs ?? 2_000, logger));

  return new Hono<ApiEnv>().get(
    '/:deviceId/stream',
    doc(
      'Live feed of the warehouse\'s task and wave events for a PDA (text/event-stream; SSE id = event id). Resumes after Last-Event-ID (header, or lastEventId); without it, first the open work of the last day',
      { 200: 'event stream: `task` and `wave` events (JSON data with taskIds and orderIds), heartbeat comments', 404: 'unknown warehouse' },
    ),
    requireScope('warehouse'),
    validate('param', deviceParam),
    validate('query', streamQuery),
    validate('header', streamHeaders),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      const { warehouseId, lastEventId } = c.req.valid('query');
      const resumeFrom = c.req.valid('header')['last-event-id'] ?? lastEventId;
      if (!(await warehouseExists(db, warehouseId))) throw notFound('warehouse');
      const hub = rings();
      const closed = listen().closed;
      if (closed.aborted) throw new ApiError(503, 'UNAVAILABLE', 'this API process is shutting down; reconnect with Last-Event-ID');
      // The newest event when the device connects, read before the response starts: whatever is appended once
      // the device sees the stream open comes after it, so the live part delivers it (a first connection's
      // backlog shows only open work up to here).
      const newestAtConnect = (await latestPdaEventIds(db, [warehouseId])).get(warehouseId) ?? 0;
      // Behind nginx: do not buffer the stream.
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        const log = logger.child({ deviceId, warehouseId });
        const bell = doorbell();
        const ended = new AbortController();
        const end = () => ended.abort();
        stream.onAbort(end);
        closed.addEventListener('abort', end, { once: true });
        let unsubscribe = () => {};
        let lastWrite = Date.now();
        const send = async (e: PdaEvent) => {
          await stream.writeSSE({ event: e.kind, id: String(e.id), data: JSON.stringify(e.data) });
          lastWrite = Date.now();
        };
        try {
          // Subscribed before the first read: an append committed after it rings, one before it is read.
          unsubscribe = hub.subscribe(warehouseId, bell.ring);
          await stream.write(`retry: ${RETRY_MS}\n\n`);
          let cursor = await startingPoint(db, { warehouseId, resumeFrom, newestAtConnect }, send, stream);
          log.debug({ cursor, resumed: resumeFrom !== undefined }, 'PDA stream open');
          // The table is read when the doorbell rings (notification, poll, reconnect), not on every heartbeat.
          let rung = true;
          while (!ended.signal.aborted && !stream.aborted) {
            for (let full = rung; full && !ended.signal.aborted; ) {
              const events = await pdaEventsAfter(db, warehouseId, cursor, BATCH);
              for (const e of events) {
                if (ended.signal.aborted) break;
                await send(e);
                cursor = e.id;
              }
              full = events.length === BATCH;
            }
            if (Date.now() - lastWrite >= heartbeatMs) {
              await stream.write(': heartbeat\n\n');
              lastWrite = Date.now();
            }
            rung = await bell.wait(lastWrite + heartbeatMs - Date.now(), ended.signal);
          }
          log.debug({ cursor }, 'PDA stream closed');
        } catch (err) {
          // The device reconnects with the last id it received; nothing is lost by ending here.
          if (!ended.signal.aborted) log.warn({ err }, 'PDA stream ended by an error');
        } finally {
          unsubscribe();
          closed.removeEventListener('abort', end);
        }
      });
    },
  );
}

/** The connection settings of the pool behind `db` (drizzle keeps the pool as `$client`). */
function poolSettings(db: Db): pg.ClientConfig {
  const pool = (db as Db & { $client?: pg.Pool }).$client;
  if (!pool?.options) throw new Error('the PDA stream needs a database on a pg.Pool, or a LISTEN connection of its own');
  return pool.options;
}

/**
 * Where the stream starts: after the device's Last-Event-ID; or, for a device without one (or with an id
 * this database never handed out, e.g. after a restore), the warehouse's open work of the last day, then an
 * id-only line moving the device's Last-Event-ID to the newest event read, so a reconnect does not replay the
 * closed work skipped here. Returns the cursor the live part continues after.
 */
async function startingPoint(
  db: Db,
  at: { warehouseId: string; resumeFrom: string | undefined; newestAtConnect: number },
  send: (e: PdaEvent) => Promise<void>,
  stream: SSEStreamingApi,
): Promise<number> {
  const { warehouseId, resumeFrom } = at;
  if (resumeFrom !== undefined && Number(resumeFrom) <= (await latestPdaEventId(db))) return Number(resumeFrom);
  // The newest id first, the backlog up to it second: a warehouse's ids become visible in order
  // (db/queries/pda-events.ts), so every event up to it is already there and the live part reads after it.
  const upToId = at.newestAtConnect;
  const backlog = await openWorkPdaEvents(db, warehouseId, { upToId, since: new Date(Date.now() - FIRST_CONNECT_LOOKBACK_MS), limit: FIRST_CONNECT_MAX_EVENTS });
  for (const e of backlog) await send(e);
  if (upToId > (backlog.at(-1)?.id ?? 0)) await stream.write(`id: ${upToId}\n\n`);
  return upToId;
}

interface WarehouseDoorbells {
  subscribe(warehouseId: string, ring: () => void): () => void;
}

/**
 * Rings the streams of a warehouse on its notifications (the LISTEN connection) and, as a safety net, when
 * the shared poll sees the warehouse's newest event id move: one query per interval for every warehouse
 * streamed by this process, so a notification lost while the LISTEN connection was down costs at most one
 * interval. A warehouse first seen by the poll rings too (an event may have slipped between a stream's
 * first read and the poll).
 */
function warehouseDoorbells(db: Db, listener: PgListener, pollMs: number, logger: Logger): WarehouseDoorbells {
  const streams = new Map<string, Set<() => void>>();
  const newest = new Map<string, number>();
  let polling = false;

  async function poll(): Promise<void> {
    while (streams.size > 0 && !listener.closed.aborted) {
      await new Promise((resolve) => setTimeout(resolve, pollMs).unref());
      const warehouses = [...streams.keys()];
      if (warehouses.length === 0) break;
      try {
        for (const [warehouseId, latest] of await latestPdaEventIds(db, warehouses)) {
          const known = newest.get(warehouseId);
          if (streams.has(warehouseId)) newest.set(warehouseId, latest);
          if (known === undefined || latest > known) for (const ring of streams.get(warehouseId) ?? []) ring();
        }
      } catch (err) {
        logger.warn({ err }, 'PDA event poll failed; retrying');
      }
    }
    polling = false;
  }

  return {
    subscribe(warehouseId, ring) {
      const unlisten = listener.subscribe(warehouseId, ring);
      const rings = streams.get(warehouseId) ?? new Set();
      streams.set(warehouseId, rings);
      const entry = () => ring();
      rings.add(entry);
      if (!polling) {
        polling = true;
        void poll();
      }
      return () => {
        unlisten();
        rings.delete(entry);
        if (rings.size === 0) {
          streams.delete(warehouseId);
          newest.delete(warehouseId);
        }
      };
    },
  };
}

/**
 * A wait that `ring()` cuts short; a ring while nobody waits makes the next wait return at once. The wait
 * answers whether it was rung (false: the time ran out).
 */
function doorbell() {
  let rung = false;
  let answer: (() => void) | undefined;
  return {
    ring: () => {
      rung = true;
      answer?.();
    },
    wait(ms: number, signal: AbortSignal): Promise<boolean> {
      if (rung || signal.aborted || ms <= 0) {
        const wasRung = rung;
        rung = false;
        return Promise.resolve(wasRung);
      }
      return new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          answer = undefined;
          const wasRung = rung;
          rung = false;
          resolve(wasRung);
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        answer = done;
      });
    },
  };
}
