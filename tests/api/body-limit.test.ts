/**
 * Request body limits on a real Node server (as `npm start` serves the app): a declared length over the limit
 * is refused from the header alone, a chunked body is counted, and a body within the limit reaches the route
 * whole, with its headers.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { douyinEventSign } from '../../channels/douyin/sign';
import type { Ingest, IngestEntry } from '../../ingest';
import { createLogger } from '../../infra/logger';

const MiB = 1024 * 1024;
let server: Server;
let base: string;
const STORE = { storeId: 'douyin-4463798', platform: 'douyin', shopId: '4463798', appKey: 'app-1', appSecret: 'secret-1' } as const;
const accepted: IngestEntry[] = [];
/** What the acknowledgement pacing answers (ingest/pacing.ts): false = the intake stayed behind. */
let admits = true;

beforeAll(async () => {
  const unused = {} as never;
  // One Douyin shop is connected; what the route accepts is kept here.
  const ingest = {
    signers: { byShop: async (_platform: string, shopId: string) => (shopId === STORE.shopId ? STORE : undefined) },
    admit: async () => admits,
    accept: async (entries: IngestEntry[]) => {
      accepted.push(...entries);
      return { accepted: entries.length, duplicates: 0 };
    },
  } as unknown as Ingest;
  const deps: AppDeps = { db: unused, carriers: unused, secrets: unused, orders: unused, logger: createLogger('silent'), onStockReceived: async () => {}, ingest };
  const app = createApp(deps);
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A body sent in chunks, with no content-length. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(64 * 1024, bytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

// The order id is a 19-digit number, as Douyin sends it: it must come through exactly.
const douyinPush = JSON.stringify([{ tag: '101', msg_id: 'm-1', data: '{"shop_id":4463798,"p_id":6912345678901234567,"pay_time":1700000000}' }]);

describe('request body limits', () => {
  it.each([
    { when: 'a declared length over 1 MiB', init: { body: 'x'.repeat(MiB + 1) }, status: 413, message: 'request body over 1 MiB' },
    { when: 'a chunked body over 1 MiB', init: { body: chunked(MiB + 1), duplex: 'half' }, status: 413, message: 'request body over 1 MiB' },
    { when: 'a body within the limit that is not a push', init: { body: '{"not":"a push"}' }, status: 400, message: undefined },
  ])('when a webhook gets $when, then it answers $status', async ({ init, status, message }) => {
    const res = await fetch(`${base}/v1/webhooks/douyin`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...init } as RequestInit);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    if (message) expect(body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message });
    else expect(body.error.code).toBe('INVALID_PUSH');
  });

  it.each([
    { when: 'signed', sign: douyinEventSign(STORE.appKey, douyinPush, STORE.appSecret), status: 200, kept: 1 },
    { when: 'forged', sign: douyinEventSign(STORE.appKey, douyinPush, 'another secret'), status: 401, kept: 0 },
  ])('when a $when push within the limit arrives, then the route reads its whole body and its headers', async ({ sign, status, kept }) => {
    accepted.length = 0;
    const res = await fetch(`${base}/v1/webhooks/douyin`, { method: 'POST', headers: { 'content-type': 'application/json', 'app-id': STORE.appKey, 'event-sign': sign }, body: douyinPush });
    expect(res.status).toBe(status);
    expect(accepted).toHaveLength(kept);
    if (kept) expect(accepted[0]).toMatchObject({ platform: 'douyin', storeId: STORE.storeId, channelOrderId: '6912345678901234567', kind: 'paid', messageId: 'm-1' });
  });

  it('when the intake stays behind for longer than a push may wait, then the signed push gets 503 BUSY with Retry-After and nothing is kept', async () => {
    accepted.length = 0;
    admits = false;
    try {
      const sign = douyinEventSign(STORE.appKey, douyinPush, STORE.appSecret);
      const res = await fetch(`${base}/v1/webhooks/douyin`, { method: 'POST', headers: { 'content-type': 'application/json', 'app-id': STORE.appKey, 'event-sign': sign }, body: douyinPush });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BUSY');
      expect(accepted).toHaveLength(0);
    } finally {
      admits = true;
    }
  });

  it('when a settlement statement is over 1 MiB, then its own larger limit lets it through to the route', async () => {
    const res = await fetch(`${base}/v1/finance/statements/douyin`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'x'.repeat(MiB + 1) });
    expect(res.status).toBe(401); // past the body limit: the route's API key check answers
  });
});
