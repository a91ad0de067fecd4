import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listAlerts } from '../../db/queries/replenishment';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

const alertQuery = z.object({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  warehouseId: z.string().min(1).max(32).optional(),
  sku: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `/v1/replenishment`: alerts raised when available stock fell below the safety stock. */
export function replenishmentRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>().get(
    '/',
    doc('Replenishment alerts (?state=open|resolved|all&warehouseId=&sku=&limit=): available below safety stock, with suggested quantity', {
      200: '[{id, warehouseId, sku, status, available, safetyStock, velocityPerDay, suggestedQuantity, createdAt, resolvedAt}]',
    }),
    requireScope('ops', 'warehouse', 'orders:read'),
    validate('query', alertQuery),
    async (c) => c.json(await listAlerts(db, c.req.valid('query'))),
  );
}
