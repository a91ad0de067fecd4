/**
 * The PDA live feed over a real HTTP port, read as an SSE client reads it (fields, comments, id-only lines,
 * Last-Event-ID), against real PostgreSQL: LISTEN/NOTIFY, the safety-net poll, resumption, the first connect,
 * and an API process stopped and started again while events are appended.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendPdaEvent } from '../../db/queries/pda-events';
import { closeWarehouseTask, insertPickTask } from '../../db/queries/warehouse-tasks';
import { pdaEvents } from '../../db/schema';
import { freePort } from '../../infra/net';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { launchOms, sleep, type OmsProcess } from '../support/oms-process';
import { ADMIN_KEY, eventually, startStack, uniq, type Stack } from '../support/stack';

const HEARTBEAT_MS = 300;
// Far above the 1 s the feed promises: an event arriving within 1 s came by notification, not by the poll.
const POLL_MS = 5_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ serveHttp: true, pda: { heartbeatMs: HEARTBEAT_MS, pollMs: POLL_MS } });
});
afterAll(async () => {
  await stack?.close();
});
const open: Pda[] = [];
afterEach(() => {
  for (const pda of open.splice(0)) pda.close();
});

interface SseEvent {
  event: string;
  id: string | undefined;
  data: any;
  /** When the client had it (ms since epoch). */
  at: number;
}

/** A handheld reading the stream the way the SSE spec has a client parse it. */
class Pda {
  readonly events: SseEvent[] = [];
  readonly comments: { text: string; at: number }[] = [];
  /** Ids of lines that carried an id and no data (they move Last-Event-ID without an event). */
  readonly idOnly: string[] = [];
  lastEventId: string | undefined;
  retryMs: number | undefined;
  ended = false;
  private readonly controller = new AbortController();

  private constructor(readonly status: number) {}

  static async connect(
    baseUrl: string,
    warehouseId: string | undefined,
    opts: { lastEventId?: string; queryLastEventId?: string; key?: string; deviceId?: string } = {},
  ): Promise<Pda & { body?: any }> {
    const query = new URLSearchParams();
    if (warehouseId !== undefined) query.set('warehouseId', warehouseId);
    if (opts.queryLastEventId !== undefined) query.set('lastEventId', opts.queryLastEventId);
    const headers: Record<string, string> = { authorization: `Bearer ${opts.key ?? ADMIN_KEY}`, accept: 'text/event-stream' };
    if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
    const pda = new Pda(0);
    const res = await fetch(`${baseUrl}/v1/pda/${opts.deviceId ?? 'pda-1'}/stream?${query}`, { headers, signal: pda.controller.signal });
    Object.assign(pda, { status: res.status });
    if (res.status !== 200) return Object.assign(pda, { body: await res.json() });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    open.push(pda);
    void pda.read(res.body!);
    return pda;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let block: { event?: string; data: string[]; id?: string } = { data: [] };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (block.id !== undefined) this.lastEventId = block.id;
            if (block.data.length > 0) {
              this.events.push({ event: block.event ?? 'message', id: this.lastEventId, data: JSON.parse(block.data.join('\n')), at: Date.now() });
            } else if (block.id !== undefined) this.idOnly.push(block.id);
            block = { data: [] };
          } else if (line.startsWith(':')) {
            this.comments.push({ text: line.slice(1).trim(), at: Date.now() });
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') block.event = value;
            else if (field === 'data') block.data.push(value);
            else if (field === 'id') block.id = value;
            else if (field === 'retry') this.retryMs = Number(value);
          }
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  /** The first event (after `from` events) for which `match` holds. */
  async next(match: (e: SseEvent) => boolean, timeoutMs = 5_000, from = 0): Promise<SseEvent> {
    return eventually(async () => this.events.slice(from).find(match), timeoutMs, 'a matching PDA event', () => `received: ${JSON.stringify(this.events.map((e) => e.id))}`);
  }

  /** Open: the server has written its first line (the retry hint). */
  ready(): Promise<true> {
    return eventually(async () => (this.retryMs !== undefined ? true : undefined), 5_000, 'the stream to open');
  }

  close(): void {
    this.controller.abort();
  }
}

const apiUrl = () => stack.apiUrl!;
const taskEvent = (warehouseId: string, n: number) => ({ warehouseId, kind: 'task' as const, data: { taskId: `t-${warehouseId}-${n}`, orderId: `o-${warehouseId}-${n}` } });
const ids = (events: SseEvent[]) => events.map((e) => e.id);

async function listenerConnections(): Promise<number> {
  const { rows } = await stack.db.execute<{ n: string }>(
    sql`select count(*) as n from pg_stat_activity where datname = current_database() and application_name = 'oms-listen-pda_events'`,
  );
  return Number(rows[0]!.n);
}

describe('PDA live feed (SSE)', () => {
  it('when an order reaches PICKING, then its pick task reaches the connected PDA within 1 s of being created', async () => {
    const sku = uniq('SKU');
    const warehouseId = await seedWarehouse(stack, { [sku]: 5 });
    const pda = await Pda.connect(apiUrl(), warehouseId);
    await pda.ready();

    const created = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }));
    const { orderId } = created.body;
    const picking = await orderInStatus(stack, orderId, 'PICKING');
    const taskId = picking.tasks[0].taskId as string;
    const event = await pda.next((e) => e.event === 'task' && JSON.stringify(e.data).includes(taskId), 5_000);
    expect(JSON.stringify(event.data)).toContain(orderId);
    // Created = the start of the transaction that opened the task, as PostgreSQL recorded it.
    const [row] = await stack.db.select({ createdAt: pdaEvents.createdAt }).from(pdaEvents).where(sql`${pdaEvents.id} = ${Number(event.id)}`);
    expect(event.at - row!.createdAt.getTime()).toBeLessThan(1_000);
  });

  it('when events are appended, then each reaches the PDA within 1 s, with its row id as the SSE id', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const pda = await Pda.connect(apiUrl(), warehouseId);
    await pda.ready();
    expect(pda.retryMs).toBeGreaterThan(0);
    for (let n = 1; n <= 3; n++) {
      const appendedAt = Date.now();
      const id = await appendPdaEvent(stack.db, taskEvent(warehouseId, n));
      const event = await pda.next((e) => e.id === String(id), 2_000);
      expect(event).toMatchObject({ event: 'task', data: { taskId: `t-${warehouseId}-${n}`, orderId: `o-${warehouseId}-${n}` } });
      expect(event.at - appendedAt).toBeLessThan(1_000);
    }
    const wave = await appendPdaEvent(stack.db, { warehouseId, kind: 'wave', data: { waveId: 'w-1', taskIds: ['t-a', 't-b'], orderIds: ['o-a', 'o-b'] } });
    expect(await pda.next((e) => e.id === String(wave))).toMatchObject({ event: 'wave', data: { taskIds: ['t-a', 't-b'], orderIds: ['o-a', 'o-b'] } });
    // Another warehouse's events are not this stream's.
    const elsewhere = await seedWarehouse(stack, {});
    await appendPdaEvent(stack.db, taskEvent(elsewhere, 1));
    const after = await appendPdaEvent(stack.db, taskEvent(warehouseId, 4));
    await pda.next((e) => e.id === String(after));
    expect(pda.events.every((e) => JSON.stringify(e.data).includes(warehouseId) || e.event === 'wave')).toBe(true);
  });

  it('when the PDA was offline, then reconnecting with Last-Event-ID delivers exactly the missed events, in order, then live ones', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const first = await Pda.connect(apiUrl(), warehouseId);
    await first.ready();
    const seen = [await appendPdaEvent(stack.db, taskEvent(warehouseId, 1)), await appendPdaEvent(stack.db, taskEvent(warehouseId, 2))];
    await first.next((e) => e.id === String(seen[1]));
    expect(ids(first.events)).toEqual(seen.map(String));
    first.close();
    await eventually(async () => (first.ended ? true : undefined));

    const missed: number[] = [];
    for (let n = 3; n <= 7; n++) missed.push(await appendPdaEvent(stack.db, taskEvent(warehouseId, n)));
    const again = await Pda.connect(apiUrl(), warehouseId, { lastEventId: first.lastEventId! });
    await again.next((e) => e.id === String(missed.at(-1)));
    const live = await appendPdaEvent(stack.db, taskEvent(warehouseId, 8));
    await again.next((e) => e.id === String(live));
    // Heartbeats came meanwhile; nothing else: no loss, no repeat, in order.
    await sleep(2 * HEARTBEAT_MS);
    expect(ids(again.events)).toEqual([...missed, live].map(String));
    expect(again.events.map((e) => e.data.taskId)).toEqual([3, 4, 5, 6, 7, 8].map((n) => `t-${warehouseId}-${n}`));
  });

  it('when two appends of one warehouse overlap, then the later waits for the earlier to commit, so the stream skips neither', async () => {
    const [warehouseId, elsewhere] = [await seedWarehouse(stack, {}), await seedWarehouse(stack, {})];
    const pda = await Pda.connect(apiUrl(), warehouseId);
    await pda.ready();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let earlier: number | undefined;
    // A transaction that drew its id and has not committed yet (e.g. still opening the task).
    const slow = stack.db.transaction(async (tx) => {
      earlier = await appendPdaEvent(tx, taskEvent(warehouseId, 1));
      await held;
    });
    await eventually(async () => earlier);
    let laterDone = false;
    const later = appendPdaEvent(stack.db, taskEvent(warehouseId, 2)).then((id) => ((laterDone = true), id));
    // Another warehouse does not wait.
    await appendPdaEvent(stack.db, taskEvent(elsewhere, 1));
    await sleep(500);
    expect(laterDone).toBe(false);
    expect(pda.events).toEqual([]);

    release();
    await slow;
    const laterId = await later;
    expect(laterId).toBeGreaterThan(earlier!);
    await pda.next((e) => e.id === String(laterId));
    expect(ids(pda.events)).toEqual([earlier, laterId].map(String));
  });

  it('when the client cannot set headers, then ?lastEventId= resumes the same way, and a Last-Event-ID header wins over it', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const appended: number[] = [];
    for (let n = 1; n <= 3; n++) appended.push(await appendPdaEvent(stack.db, taskEvent(warehouseId, n)));

    const byQuery = await Pda.connect(apiUrl(), warehouseId, { queryLastEventId: String(appended[0]) });
    await byQuery.next((e) => e.id === String(appended[2]));
    expect(ids(byQuery.events)).toEqual([appended[1], appended[2]].map(String));

    // An EventSource reconnecting sends the header and the URL it was opened with: the header is newer.
    const both = await Pda.connect(apiUrl(), warehouseId, { queryLastEventId: String(appended[0]), lastEventId: String(appended[1]) });
    await both.next((e) => e.id === String(appended[2]));
    expect(ids(both.events)).toEqual([String(appended[2])]);
  });

  it('when a device connects for the first time, then it gets the open work of the last day, and its Last-Event-ID moves past the closed work', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const task = async (n: number) => {
      const id = `pick-${warehouseId}-${n}`;
      await insertPickTask(stack.db, { id, orderId: `o-${warehouseId}-${n}`, warehouseId, lines: [{ sku: 'CUP', quantity: 1 }] });
      return id;
    };
    const [done, open1, open2, waveDone] = [await task(1), await task(2), await task(3), await task(4)];
    await closeWarehouseTask(stack.db, waveDone, 'completed');
    const old = await appendPdaEvent(stack.db, { warehouseId, kind: 'task', data: { taskId: open1, orderId: 'o-old' } });
    // More than a day ago: not current work any more, even though the task is open.
    await stack.db.execute(sql`update ${pdaEvents} set created_at = now() - interval '25 hours' where id = ${old}`);
    const e1 = await appendPdaEvent(stack.db, { warehouseId, kind: 'task', data: { taskId: done, orderId: 'o-1' } });
    const e2 = await appendPdaEvent(stack.db, { warehouseId, kind: 'task', data: { taskId: open1, orderId: 'o-2' } });
    const e3 = await appendPdaEvent(stack.db, { warehouseId, kind: 'wave', data: { waveId: 'w-open', taskIds: [waveDone, open2], orderIds: ['o-3', 'o-4'] } });
    const e4 = await appendPdaEvent(stack.db, { warehouseId, kind: 'wave', data: { waveId: 'w-done', taskIds: [waveDone], orderIds: ['o-4'] } });
    await closeWarehouseTask(stack.db, done, 'completed');

    const pda = await Pda.connect(apiUrl(), warehouseId, { deviceId: 'new-pda' });
    await pda.next((e) => e.id === String(e3));
    await eventually(async () => (pda.idOnly.length ? true : undefined));
    expect(ids(pda.events)).toEqual([String(e2), String(e3)]);
    // The id-only line: a reconnect does not bring back the closed task's or the packed wave's event.
    expect(pda.idOnly).toEqual([String(e4)]);
    expect(pda.lastEventId).toBe(String(e4));
    expect(e1).toBeLessThan(e2);

    pda.close();
    const e5 = await appendPdaEvent(stack.db, taskEvent(warehouseId, 5));
    const back = await Pda.connect(apiUrl(), warehouseId, { deviceId: 'new-pda', lastEventId: pda.lastEventId! });
    await back.next((e) => e.id === String(e5));
    expect(ids(back.events)).toEqual([String(e5)]);
  });

  it('when a Last-Event-ID is one this database never handed out (a restore), then the device starts over as on a first connect', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const taskId = `pick-${warehouseId}`;
    await insertPickTask(stack.db, { id: taskId, orderId: `o-${warehouseId}`, warehouseId, lines: [{ sku: 'CUP', quantity: 1 }] });
    const current = await appendPdaEvent(stack.db, { warehouseId, kind: 'task', data: { taskId, orderId: `o-${warehouseId}` } });
    const pda = await Pda.connect(apiUrl(), warehouseId, { lastEventId: String(current + 1_000_000) });
    expect((await pda.next((e) => e.id === String(current))).data.taskId).toBe(taskId);
  });

  it('when the stream is idle, then heartbeat comments keep it open', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const pda = await Pda.connect(apiUrl(), warehouseId);
    await pda.ready();
    await sleep(4 * HEARTBEAT_MS);
    expect(pda.comments.length).toBeGreaterThanOrEqual(2);
    expect(pda.comments.every((c) => c.text === 'heartbeat')).toBe(true);
    const gaps = pda.comments.slice(1).map((c, i) => c.at - pda.comments[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(HEARTBEAT_MS / 2);
    expect(pda.events).toEqual([]);
    expect(pda.ended).toBe(false);
  });

  it('when a notification is lost, then the poll still delivers the event', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const pda = await Pda.connect(apiUrl(), warehouseId);
    await pda.ready();
    // Rows appended without pg_notify: only the safety-net poll can find them. The first may come with the
    // poll's first sight of the warehouse; the second only because its newest id moved.
    for (const taskId of ['silent-1', 'silent-2']) {
      const [row] = await stack.db.insert(pdaEvents).values({ warehouseId, kind: 'task', data: { taskId, orderId: 'o-silent' } }).returning({ id: pdaEvents.id });
      const insertedAt = Date.now();
      const event = await pda.next((e) => e.id === String(row!.id), POLL_MS + 3_000);
      expect(event.data.taskId).toBe(taskId);
      expect(event.at - insertedAt).toBeLessThan(POLL_MS + 1_500);
    }
    expect(pda.events.map((e) => e.data.taskId)).toEqual(['silent-1', 'silent-2']);
  });

  it('when the LISTEN connection is killed, then it reconnects and the streams miss nothing', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const pda = await Pda.connect(apiUrl(), warehouseId);
    await pda.ready();
    await eventually(async () => ((await listenerConnections()) === 1 ? true : undefined));
    await stack.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'oms-listen-pda_events'`);
    // Notified while nobody listens: the reconnect rings the streams, well before the poll would.
    const lost = await appendPdaEvent(stack.db, taskEvent(warehouseId, 1));
    const lostAt = Date.now();
    expect((await pda.next((e) => e.id === String(lost), POLL_MS)).at - lostAt).toBeLessThan(2_500);
    await eventually(async () => ((await listenerConnections()) === 1 ? true : undefined));
    const appendedAt = Date.now();
    const live = await appendPdaEvent(stack.db, taskEvent(warehouseId, 2));
    expect((await pda.next((e) => e.id === String(live), POLL_MS)).at - appendedAt).toBeLessThan(1_000);
    expect(ids(pda.events)).toEqual([String(lost), String(live)]);
  });

  it('when several PDAs stream, then the process holds one LISTEN connection, closed once the last stream ends', async () => {
    const [a, b] = [await seedWarehouse(stack, {}), await seedWarehouse(stack, {})];
    const pdas = [await Pda.connect(apiUrl(), a, { deviceId: 'a-1' }), await Pda.connect(apiUrl(), a, { deviceId: 'a-2' }), await Pda.connect(apiUrl(), b, { deviceId: 'b-1' })];
    for (const pda of pdas) await pda.ready();
    // The connection opens beside the first stream (a stream is ready once it is subscribed, not once PostgreSQL
    // lists the connection); what matters is that three streams never make it more than one.
    await eventually(async () => ((await listenerConnections()) === 1 ? true : undefined), 10_000, 'one LISTEN connection');
    expect(await listenerConnections()).toBe(1);
    const [ea, eb] = [await appendPdaEvent(stack.db, taskEvent(a, 1)), await appendPdaEvent(stack.db, taskEvent(b, 1))];
    await Promise.all([pdas[0]!.next((e) => e.id === String(ea)), pdas[1]!.next((e) => e.id === String(ea)), pdas[2]!.next((e) => e.id === String(eb))]);
    expect(ids(pdas[2]!.events)).toEqual([String(eb)]);
    for (const pda of pdas) pda.close();
    await eventually(async () => ((await listenerConnections()) === 0 ? true : undefined), 10_000, 'the LISTEN connection to close');
  });

  it('when the request is wrong, then 400 names the field, an unknown warehouse is 404, and the scope is warehouse', async () => {
    const warehouseId = await seedWarehouse(stack, {});
    const missing = await Pda.connect(apiUrl(), undefined);
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['query.warehouseId']);
    const badId = await Pda.connect(apiUrl(), warehouseId, { lastEventId: 'abc' });
    expect(badId.status).toBe(400);
    expect(badId.body.error.issues[0].path).toBe('header.last-event-id');
    const badDevice = await Pda.connect(apiUrl(), warehouseId, { deviceId: 'a%20b' });
    expect(badDevice.body.error.issues[0].path).toBe('param.deviceId');
    const unknown = await Pda.connect(apiUrl(), uniq('NOWH'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('warehouse not found');

    expect((await Pda.connect(apiUrl(), warehouseId, { key: 'not-a-key' })).status).toBe(401);
    const readOnly = await stack.call('POST', '/v1/api-keys', { name: 'reader', scopes: ['orders:read'] });
    expect((await Pda.connect(apiUrl(), warehouseId, { key: readOnly.body.key })).status).toBe(403);
    const handheld = await stack.call('POST', '/v1/api-keys', { name: 'handheld', scopes: ['warehouse'] });
    const ok = await Pda.connect(apiUrl(), warehouseId, { key: handheld.body.key });
    expect(ok.status).toBe(200);
  });
});

describe('PDA live feed across an API restart', () => {
  let dataDir: string;
  let oms: OmsProcess | undefined;
  afterAll(async () => {
    await oms?.stop(3_000);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the API process stops with PDAs connected, then it stops at once, and events appended while it is down arrive after the restart', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'oms-pda-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    for (const k of ['REDIS_URL', 'HOST']) delete env[k];
    Object.assign(env, {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      ADMIN_API_KEY: ADMIN_KEY,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dataDir,
      ROLES: 'api',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_OMS_LOG_LEVEL ?? 'warn',
    });
    const warehouseId = await seedWarehouse(stack, {});

    oms = launchOms(env, 'pda-api');
    await oms.waitReady(url);
    const pda = await Pda.connect(url, warehouseId);
    const before = await appendPdaEvent(stack.db, taskEvent(warehouseId, 1));
    await pda.next((e) => e.id === String(before));

    // A graceful stop ends the open stream instead of waiting for it.
    const stopping = Date.now();
    await oms.stop(20_000);
    expect(oms.exit).toBe('0');
    expect(Date.now() - stopping).toBeLessThan(15_000);
    await eventually(async () => (pda.ended ? true : undefined), 5_000, 'the stream to end');

    const whileDown: number[] = [];
    for (let n = 2; n <= 4; n++) whileDown.push(await appendPdaEvent(stack.db, taskEvent(warehouseId, n)));

    oms = launchOms(env, 'pda-api-restarted');
    await oms.waitReady(url);
    const back = await Pda.connect(url, warehouseId, { lastEventId: pda.lastEventId! });
    await back.next((e) => e.id === String(whileDown.at(-1)));
    const live = await appendPdaEvent(stack.db, taskEvent(warehouseId, 5));
    await back.next((e) => e.id === String(live), 1_000);
    expect(ids(back.events)).toEqual([...whileDown, live].map(String));
    expect(pda.lastEventId).toBe(String(before));
  });
});
