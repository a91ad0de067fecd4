import { Hono } from 'hono';
import type { StoreDirectory } from '../../ingest/stores';
import { z } from 'zod';
import { AuthorizationError, type StoreTokens } from '../../channels/oauth-tokens';
import { PLATFORMS, type Platform } from '../../channels/types';
import type { Db } from '../../db/client';
import { findStore, listedSkusOf, listStores, presentStore, replaceStoreSkus, skusSoldBy, soldSkusOf, upsertStore } from '../../db/queries/stores';
import type { SecretBox } from '../../infra/secrets';
import type { PollSchedules } from '../../temporal/schedules';
import { pollScheduleId } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { conflict, notFound, unavailable } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const storeBody = z.object({
  platform: z.enum(PLATFORMS),
  shopId: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-", at most 64 characters'),
  appKey: z.string().trim().min(1).max(128),
  appSecret: z.string().min(1).max(512),
  name: z.string().trim().max(64).optional(),
  baseUrl: z.url().optional(),
  pushToken: z.string().min(1).max(128).optional(),
  accessToken: z.string().min(1).max(1024).optional(),
});

const storeSkusBody = z.object({
  skus: z.array(z.string().trim().min(1).max(64)).max(10_000),
});

/** What the store routes need of the channel sync; without it the OAuth and poll routes answer 503. */
export interface StoreChannelDeps {
  tokens: StoreTokens;
  /** Poll schedules: created/updated when a store is connected, triggered by `POST /:storeId/poll`. */
  schedules?: PollSchedules | undefined;
  /** The public base URL platforms send the seller back to: `{base}/v1/oauth/{platform}/callback`. */
  oauthRedirectBase: string;
  /** Pushes these SKUs' available counts to the channels now (stock sync). */
  syncStock?: ((skus: string[]) => Promise<void>) | undefined;
}

export const oauthRedirectUri = (base: string, platform: Platform) => `${base.replace(/\/+$/, '')}/v1/oauth/${platform}/callback`;

/** Connected shops. Secrets go in, never out. */
/**
 * `signers`: the ingest's cache of the stores' push secrets. A store connected (or rotated) here is put in it at
 * once, so its first push is verified from memory rather than after a lookup.
 */
export function storeRoutes({ db, secrets, channels, signers }: { db: Db; secrets: SecretBox; channels?: StoreChannelDeps | undefined; signers?: StoreDirectory | undefined }) {
  const existing = async (storeId: string) => {
    const row = await findStore(db, storeId);
    if (!row) throw notFound('store');
    return row;
  };

  return new Hono<ApiEnv>()
    .post(
      '/',
      doc('Connect a shop (or update it: same platform + shopId); secrets encrypted at rest, never returned; creates/updates its poll schedule poll-<storeId>', {
        201: '{storeId}',
        200: '{storeId} (updated)',
        400: 'invalid body, with field paths',
      }),
      requireScope('admin'),
      validate('json', storeBody),
      async (c) => {
        const { storeId, created } = await upsertStore(db, secrets, c.req.valid('json'));
        // Best effort: a push the cache cannot answer looks the store up itself.
        await signers?.credentials(storeId, { fresh: true }).catch(() => undefined);
        // Idempotent: a failure here is answered 500 and the same request can simply be sent again.
        await channels?.schedules?.upsert(storeId);
        return c.json({ storeId }, created ? 201 : 200);
      },
    )
    .get(
      '/',
      doc('Connected shops (no secrets): authorized, token expiry, authError, pollCursor, lastPolledAt, lastPollError', { 200: '[store]' }),
      requireScope('admin', 'ops'),
      async (c) => c.json((await listStores(db)).map(presentStore)),
    )
    .get(
      '/:storeId',
      doc('One shop (no secrets)', {
        200: '{storeId, platform, shopId, name, appKey, baseUrl, authorized, accessTokenExpiresAt, refreshTokenExpiresAt, authError, pollCursor, lastPolledAt, lastPollError, createdAt}',
        404: 'unknown store',
      }),
      requireScope('admin', 'ops'),
      async (c) => {
        const row = await findStore(db, c.req.param('storeId'));
        if (!row) throw notFound('store');
        return c.json(presentStore(row));
      },
    )
    .get(
      '/:storeId/oauth/authorize',
      doc('OAuth2 authorization-code link: send the seller to authorizeUrl; the platform sends them back to /v1/oauth/{platform}/callback (state sealed, valid 15 minutes)', {
        200: '{storeId, authorizeUrl, state, expiresAt}',
        404: 'unknown store',
        409: 'WeChat: no seller authorization, the token comes from appid + secret',
      }),
      requireScope('admin'),
      async (c) => {
        if (!channels) throw unavailable('store authorization');
        const row = await existing(c.req.param('storeId'));
        try {
          const link = await channels.tokens.authorizeUrl(row.id, oauthRedirectUri(channels.oauthRedirectBase, row.platform as Platform));
          return c.json({ storeId: row.id, ...link });
        } catch (err) {
          if (err instanceof AuthorizationError) throw conflict(err.message);
          throw err;
        }
      },
    )
    .post(
      '/:storeId/poll',
      doc('Poll the store now (triggers its Temporal Schedule poll-<storeId>, beside the regular POLL_INTERVAL runs)', {
        202: '{storeId, scheduleId, triggered}',
        404: 'unknown store',
        503: 'polling not configured in this process',
      }),
      requireScope('admin', 'ops'),
      async (c) => {
        if (!channels?.schedules) throw unavailable('polling');
        const row = await existing(c.req.param('storeId'));
        await channels.schedules.upsert(row.id);
        await channels.schedules.trigger(row.id);
        return c.json({ storeId: row.id, scheduleId: pollScheduleId(row.id), triggered: true }, 202);
      },
    )
    .get(
      '/:storeId/skus',
      doc('SKUs the store sells: listed (told by PUT) and sold (from its orders); stock sync pushes to both', { 200: '{storeId, listed, sold}', 404: 'unknown store' }),
      requireScope('admin', 'ops'),
      async (c) => {
        const row = await existing(c.req.param('storeId'));
        return c.json({ storeId: row.id, listed: await listedSkusOf(db, row.id), sold: await soldSkusOf(db, row.id) });
      },
    )
    .put(
      '/:storeId/skus',
      doc('Replace the SKUs the store is told it sells (for SKUs it has no orders of yet); their counts are pushed at once', {
        200: '{storeId, listed}',
        400: 'invalid body',
        404: 'unknown store',
      }),
      requireScope('admin'),
      validate('json', storeSkusBody),
      async (c) => {
        const row = await existing(c.req.param('storeId'));
        const { skus } = c.req.valid('json');
        await replaceStoreSkus(db, row.id, skus);
        // The store sells them from now on: give it their counts.
        if (skus.length) await channels?.syncStock?.(skus);
        return c.json({ storeId: row.id, listed: await listedSkusOf(db, row.id) });
      },
    )
    .post(
      '/:storeId/stock-sync',
      doc('Push the available count of every SKU the store sells, now (e.g. after connecting it)', {
        202: '{storeId, skus}',
        404: 'unknown store',
        503: 'stock sync not configured in this process',
      }),
      requireScope('admin', 'ops'),
      async (c) => {
        if (!channels?.syncStock) throw unavailable('stock sync');
        const row = await existing(c.req.param('storeId'));
        const skus = await skusSoldBy(db, row.id);
        if (skus.length) await channels.syncStock(skus);
        return c.json({ storeId: row.id, skus: skus.length }, 202);
      },
    );
}
