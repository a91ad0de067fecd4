import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listQuarantine } from '../../db/queries/returns';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

const quarantineQuery = z.object({ warehouseId: z.string().max(64).optional(), sku: z.string().max(64).optional() });

/** `/v1/quarantine`: returned units found damaged, kept out of sellable stock. */
export function quarantineRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>().get(
    '/',
    doc('Returned units in quarantine (damaged), by warehouse and SKU (?warehouseId=&sku=)', { 200: '[{warehouseId, sku, quantity}]' }),
    requireScope('orders:read', 'warehouse'),
    validate('query', quarantineQuery),
    async (c) => c.json(await listQuarantine(db, c.req.valid('query'))),
  );
}
