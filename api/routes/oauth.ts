import { Hono } from 'hono';
import { z } from 'zod';
import { AuthorizationError } from '../../channels/oauth-tokens';
import { ChannelApiError } from '../../channels/errors';
import { PLATFORMS, type Platform } from '../../channels/types';
import type { Db } from '../../db/client';
import { skusSoldBy } from '../../db/queries/stores';
import { ApiError, notFound, unavailable } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';
import { oauthRedirectUri, type StoreChannelDeps } from './stores';

const oauthCallbackQuery = z.object({
  code: z.string().min(1).max(512).optional(),
  state: z.string().min(1).max(2048),
  /** Set by the platform when the seller declined. */
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
});

/**
 * Where platforms send the seller back after authorizing our app. Mounted without API key: the request
 * comes from the seller's browser, and the sealed `state` is what proves it belongs to a link we issued.
 */
export function oauthCallbackRoutes({ db, channels }: { db: Db; channels?: StoreChannelDeps | undefined }) {
  return new Hono().get(
    '/:platform/callback',
    doc("Where the platform returns the seller (?code=&state=; no API key: the sealed state authenticates it); trades the code for tokens and pushes the store's stock counts", {
      200: '{storeId, authorized: true, accessTokenExpiresAt}',
      400: 'AUTHORIZATION_FAILED: declined, forged/expired state, wrong platform, code refused',
      404: 'unknown platform',
      502: 'the platform could not be reached; try again',
    }),
    validate('query', oauthCallbackQuery),
    async (c) => {
      const platform = c.req.param('platform') as Platform;
      if (!PLATFORMS.includes(platform)) throw notFound('platform');
      if (!channels) throw unavailable('store authorization');
      const { code, state, error, error_description } = c.req.valid('query');
      if (error || !code) throw new ApiError(400, 'AUTHORIZATION_FAILED', `the platform did not authorize the app: ${error_description ?? error ?? 'no code'}`);
      try {
        const done = await channels.tokens.completeAuthorization(platform, { code, state, redirectUri: oauthRedirectUri(channels.oauthRedirectBase, platform) });
        // Pushes refused while the store had no token are made good now.
        const skus = await skusSoldBy(db, done.storeId);
        if (skus.length) await channels.syncStock?.(skus);
        return c.json({ storeId: done.storeId, authorized: true, accessTokenExpiresAt: done.accessTokenExpiresAt });
      } catch (err) {
        if (err instanceof AuthorizationError) throw new ApiError(400, 'AUTHORIZATION_FAILED', err.message);
        if (err instanceof ChannelApiError) throw new ApiError(502, 'PLATFORM_UNAVAILABLE', `${platform} could not be reached to complete the authorization; try again`);
        throw err;
      }
    },
  );
}
