import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { adapterFor, InvalidPushError } from '../../channels';
import { PLATFORMS, type Platform, type PushEvent, type PushRequest, type StoreCredentials } from '../../channels/types';
import type { Logger } from '../../infra/logger';
import type { Ingest } from '../../ingest';
import type { IngestEntry } from '../../ingest/types';
import { doc } from '../openapi';

/** What the webhook route uses of the ingest: the stores' secrets, the pacing and the append. */
export type PushIntake = Pick<Ingest, 'signers' | 'admit' | 'accept'>;

/**
 * `POST /v1/webhooks/:platform` (taobao, tmall, pdd, douyin, wechat): order pushes, authenticated by the
 * platform's own signature with the secret of the store the push names. A verified push is handed to the
 * ingest buffer (a PostgreSQL table, or a Redis stream with REDIS_URL) and answered in the
 * platform's success format. A forged, stale or unknown-shop push gets 401 and nothing is stored; a
 * redelivered message is answered with success and changes nothing.
 *
 * `GET /v1/webhooks/wechat`: WeChat's check when the push URL is saved — echo `echostr` once the signature
 * verifies with one of the WeChat stores' push tokens.
 */
export function channelWebhookRoutes({ ingest, logger, now = () => new Date() }: { ingest: PushIntake; logger: Logger; now?: () => Date }) {
  return new Hono()
    .get(
      '/wechat',
      doc("WeChat push URL check: echoes echostr once signature/timestamp/nonce verify with a WeChat store's push token", {
        200: 'echostr, text/plain',
        401: 'signature matches no WeChat store',
      }),
      async (c) => {
        const query = c.req.query();
        const request: PushRequest = { headers: {}, query, rawBody: '' };
        const adapter = adapterFor('wechat');
        const at = now();
        for (const store of await ingest.signers.ofPlatform('wechat')) {
          if (adapter.verifyPush(request, store, at).ok) return c.text(query.echostr ?? '');
        }
        return refuse(c, 401, 'UNAUTHORIZED', 'signature does not match any WeChat store');
      },
    )
    .post(
      '/:platform',
      doc("Order push from taobao, tmall, pdd (through the TMC/PDD relay), douyin or wechat, verified with the named store's secret (no API key); appended to the ingest buffer (a PostgreSQL table, or Redis with REDIS_URL) and answered at once; a redelivered message id is acknowledged and skipped", {
        200: 'the platform\'s success answer (relay {"success":true}, Douyin {"code":0,"msg":"success"}, WeChat text success)',
        400: 'not the platform push format',
        401: 'forged, stale, or for a shop that is not connected: nothing stored',
        503: 'the buffer (PostgreSQL or Redis) is unavailable, or the intake stayed behind for INGEST_PACING_WAIT (BUSY, with Retry-After): nothing was kept; retry',
      }),
      async (c) => {
        const platform = c.req.param('platform') as Platform;
        if (!PLATFORMS.includes(platform)) return refuse(c, 404, 'NOT_FOUND', `no webhook for ${platform}`);
        const adapter = adapterFor(platform);
        const request: PushRequest = { headers: headersOf(c), query: c.req.query(), rawBody: await c.req.text() };

        let events: PushEvent[];
        try {
          events = adapter.parsePush(request.rawBody);
        } catch (err) {
          if (!(err instanceof InvalidPushError)) throw err;
          return refuse(c, 400, 'INVALID_PUSH', err.message);
        }

        // Every shop the push names must be ours, and the signature must verify with that shop's secret.
        const at = now();
        const storeOf = new Map<string, StoreCredentials>();
        for (const shopId of new Set(events.map((e) => e.shopId))) {
          if (shopId === undefined) return refuse(c, 401, 'UNAUTHORIZED', 'the push names no shop');
          const verdict = await verifyFor(ingest, platform, shopId, request, at);
          if (!verdict.ok) {
            logger.warn({ platform, shopId, why: verdict.reason }, 'channel push refused');
            return refuse(c, 401, 'UNAUTHORIZED', verdict.reason);
          }
          storeOf.set(shopId, verdict.store);
        }

        const receivedAt = at.toISOString();
        const entries = events.map(
          (e): IngestEntry => ({
            source: 'push',
            platform,
            storeId: storeOf.get(e.shopId!)!.storeId,
            channelOrderId: e.channelOrderId,
            kind: e.kind,
            messageId: e.messageId,
            ...(e.refundId ? { refundId: e.refundId } : {}),
            receivedAt,
          }),
        );
        // Paced to the intake while a burst outruns it (ingest/pacing.ts); a buffer that stays too deep, or is
        // down (the append throws, api/errors.ts), is answered 503 and the platform retries.
        if (!(await ingest.admit())) {
          c.header('retry-after', '1');
          return refuse(c, 503, 'BUSY', 'the intake is behind; retry this push');
        }
        const { accepted, duplicates } = await ingest.accept(entries);
        if (entries.length) logger.debug({ platform, accepted, duplicates }, 'channel push accepted');
        const ack = adapter.pushAck();
        return c.body(ack.body, ack.status as 200, { 'content-type': ack.contentType });
      },
    );
}

type Verified = { ok: true; store: StoreCredentials } | { ok: false; reason: string };

/** Verifies with the cached secrets, and once more with fresh ones before refusing (the secret may just have rotated). */
async function verifyFor(ingest: PushIntake, platform: Platform, shopId: string, request: PushRequest, at: Date): Promise<Verified> {
  const adapter = adapterFor(platform);
  let reason = `shop ${shopId} is not connected`;
  for (const fresh of [false, true]) {
    const store = await ingest.signers.byShop(platform, shopId, { fresh });
    if (!store) continue;
    const verdict = adapter.verifyPush(request, store, at);
    if (verdict.ok) return { ok: true, store };
    reason = verdict.reason;
  }
  return { ok: false, reason };
}

/**
 * The request's headers as a plain record: the Node server's own, already parsed, when there is one (copying
 * them through a web `Headers` validates every name and value again: a tenth of a push's cost at the peak).
 */
function headersOf(c: Context): PushRequest['headers'] {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming ? (incoming.headers as PushRequest['headers']) : Object.fromEntries(c.req.raw.headers);
}

function refuse(c: Context, status: 400 | 401 | 404 | 503, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}
