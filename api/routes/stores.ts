import { asc } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { AuthorizationError, type StoreTokens } from '../../channels/oauth-tokens';
import { ChannelApiError } from '../../channels/errors';
import { PLATFORMS, type Platform } from '../../channels/types';
import type { Db } from '../../db/client';
import { findStore, listedSkusOf, presentStore, replaceStoreSkus, soldSkusOf, upsertStore } from '../../db/queries/stores';
import { stores } from '../../db/schema';
import type { SecretBox } from '../../infra/secrets';
import type { PollSchedules } from '../../temporal/schedules';
import { pollScheduleId } from '../../workflows/poll-store';
import { requireScope, type Caller } from '../auth';
import { ApiError, conflict, notFound } from '../errors';
import { validate } from '../validate';

export const storeBody = z.object({
  platform: z.enum(PLATFORMS),
  shopId: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-", at most 64 characters'),
  appKey: z.string().trim().min(1).max(128),
  appSecret: z.string().min(1).max(512),
  name: z.string().trim().max(64).optional(),
  baseUrl: z.url().optional(),
  pushToken: z.string().min(1).max(128).optional(),
  accessToken: z.string().min(1).max(1024).optional(),
});

export const storeSkusBody = z.object({
  skus: z.array(z.string().trim().min(1).max(64)).max(10_000),
});

export const oauthCallbackQuery = z.object({
  code: z.string().min(1).max(512).optional(),
  state: z.string().min(1).max(2048),
  /** Set by the platform when the seller declined. */
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
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

const unavailable = (what: string) => new ApiError(503, 'NOT_CONFIGURED', `${what} is not available in this process`);

/** Connected shops. Secrets go in, never out. */
export function storeRoutes({ db, secrets, channels }: { db: Db; secrets: SecretBox; channels?: StoreChannelDeps | undefined }) {
  const existing = async (storeId: string) => {
    const row = await findStore(db, storeId);
    if (!row) throw notFound('store');
    return row;
  };

  return new Hono<{ Variables: { caller: Caller } }>()
    .post('/', requireScope('admin'), validate('json', storeBody), async (c) => {
      const { storeId, created } = await upsertStore(db, secrets, c.req.valid('json'));
      // Idempotent: a failure here is answered 500 and the same request can simply be sent again.
      await channels?.schedules?.upsert(storeId);
      return c.json({ storeId }, created ? 201 : 200);
    })
    .get('/', requireScope('admin', 'ops'), async (c) => {
      const rows = await db.select().from(stores).orderBy(asc(stores.id));
      return c.json(rows.map(presentStore));
    })
    .get('/:storeId', requireScope('admin', 'ops'), async (c) => {
      const row = await findStore(db, c.req.param('storeId'));
      if (!row) throw notFound('store');
      return c.json(presentStore(row));
    })
    .get('/:storeId/oauth/authorize', requireScope('admin'), async (c) => {
      if (!channels) throw unavailable('store authorization');
      const row = await existing(c.req.param('storeId'));
      try {
        const link = await channels.tokens.authorizeUrl(row.id, oauthRedirectUri(channels.oauthRedirectBase, row.platform as Platform));
        return c.json({ storeId: row.id, ...link });
      } catch (err) {
        if (err instanceof AuthorizationError) throw conflict(err.message);
        throw err;
      }
    })
    .post('/:storeId/poll', requireScope('admin', 'ops'), async (c) => {
      if (!channels?.schedules) throw unavailable('polling');
      const row = await existing(c.req.param('storeId'));
      await channels.schedules.upsert(row.id);
      await channels.schedules.trigger(row.id);
      return c.json({ storeId: row.id, scheduleId: pollScheduleId(row.id), triggered: true }, 202);
    })
    .get('/:storeId/skus', requireScope('admin', 'ops'), async (c) => {
      const row = await existing(c.req.param('storeId'));
      return c.json({ storeId: row.id, listed: await listedSkusOf(db, row.id), sold: await soldSkusOf(db, row.id) });
    })
    .put('/:storeId/skus', requireScope('admin'), validate('json', storeSkusBody), async (c) => {
      const row = await existing(c.req.param('storeId'));
      const { skus } = c.req.valid('json');
      await replaceStoreSkus(db, row.id, skus);
      // The store sells them from now on: give it their counts.
      if (skus.length) await channels?.syncStock?.(skus);
      return c.json({ storeId: row.id, listed: await listedSkusOf(db, row.id) });
    })
    .post('/:storeId/stock-sync', requireScope('admin', 'ops'), async (c) => {
      if (!channels?.syncStock) throw unavailable('stock sync');
      const row = await existing(c.req.param('storeId'));
      const skus = [...new Set([...(await listedSkusOf(db, row.id)), ...(await soldSkusOf(db, row.id))])];
      if (skus.length) await channels.syncStock(skus);
      return c.json({ storeId: row.id, skus: skus.length }, 202);
    });
}

/**
 * Where platforms send the seller back after authorizing our app. Mounted without API key: the request
 * comes from the seller's browser, and the sealed `state` is what proves it belongs to a link we issued.
 */
export function oauthCallbackRoutes({ db, channels }: { db: Db; channels?: StoreChannelDeps | undefined }) {
  return new Hono().get('/:platform/callback', validate('query', oauthCallbackQuery), async (c) => {
    const platform = c.req.param('platform') as Platform;
    if (!PLATFORMS.includes(platform)) throw notFound('platform');
    if (!channels) throw unavailable('store authorization');
    const { code, state, error, error_description } = c.req.valid('query');
    if (error || !code) throw new ApiError(400, 'AUTHORIZATION_FAILED', `the platform did not authorize the app: ${error_description ?? error ?? 'no code'}`);
    try {
      const done = await channels.tokens.completeAuthorization(platform, { code, state, redirectUri: oauthRedirectUri(channels.oauthRedirectBase, platform) });
      // Pushes refused while the store had no token are made good now.
      const skus = [...new Set([...(await listedSkusOf(db, done.storeId)), ...(await soldSkusOf(db, done.storeId))])];
      if (skus.length) await channels.syncStock?.(skus);
      return c.json({ storeId: done.storeId, authorized: true, accessTokenExpiresAt: done.accessTokenExpiresAt });
    } catch (err) {
      if (err instanceof AuthorizationError) throw new ApiError(400, 'AUTHORIZATION_FAILED', err.message);
      if (err instanceof ChannelApiError) throw new ApiError(502, 'PLATFORM_UNAVAILABLE', `${platform} could not be reached to complete the authorization; try again`);
      throw err;
    }
  });
}
