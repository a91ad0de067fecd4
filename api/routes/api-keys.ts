import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { insertApiKey } from '../../db/queries/api-keys';
import { hashKey, requireScope, SCOPES, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

const apiKeyBody = z.object({ name: z.string().trim().min(1).max(64), scopes: z.array(z.enum(SCOPES)).min(1) });

/** `/v1/api-keys`: keys are shown once; only their hash is stored. */
export function apiKeyRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>().post(
    '/',
    doc('Issue an API key with scopes (shown once)', { 201: '{id, name, scopes, key}' }),
    requireScope('admin'),
    validate('json', apiKeyBody),
    async (c) => {
      const { name, scopes } = c.req.valid('json');
      const key = `oms_${randomBytes(24).toString('base64url')}`;
      const id = randomUUID();
      await insertApiKey(db, { id, name, scopes, keyHash: hashKey(key) });
      return c.json({ id, name, scopes, key }, 201);
    },
  );
}
