import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { uniqueSymbol } from 'hono-openapi';
import type { Db } from '../db/client';
import { findActiveApiKey } from '../db/queries/api-keys';
import { ApiError } from './errors';

export const SCOPES = ['orders:write', 'orders:read', 'warehouse', 'ops', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export interface Caller {
  keyId: string;
  scopes: ReadonlySet<Scope>;
}

/** The Hono environment of every keyed route: `authenticate` has set the caller. */
export type ApiEnv = { Variables: { caller: Caller } };

const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);

/** Resolves the bearer key to its scopes: the bootstrap `ADMIN_API_KEY` has them all, others come from `api_keys`. */
export function authenticate(db: Db, adminApiKey: string | undefined) {
  const adminHash = adminApiKey ? Buffer.from(hashKey(adminApiKey)) : undefined;
  return createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ApiError(401, 'UNAUTHORIZED', 'missing bearer API key');
    const hash = hashKey(match[1]);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash))) {
      c.set('caller', { keyId: 'admin', scopes: ALL_SCOPES });
      return next();
    }
    const key = await findActiveApiKey(db, hash);
    if (!key) throw new ApiError(401, 'UNAUTHORIZED', 'unknown or revoked API key');
    c.set('caller', { keyId: key.id, scopes: new Set(key.scopes as Scope[]) });
    return next();
  });
}

/** Requires one of the scopes (`admin` passes every check); /openapi.json lists them as the route's security. */
export const requireScope = (...needed: Scope[]) =>
  Object.assign(
    createMiddleware<ApiEnv>(async (c, next) => {
      const { scopes } = c.get('caller');
      if (!scopes.has('admin') && !needed.some((s) => scopes.has(s))) {
        throw new ApiError(403, 'FORBIDDEN', `this key lacks the scope ${needed.join(' or ')}`);
      }
      return next();
    }),
    { [uniqueSymbol]: { spec: { security: needed.map((scope) => ({ bearer: [scope] })) } } },
  );
