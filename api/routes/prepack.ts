import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { dispatchMinutes, listPrepacks, prepackOutcomes, type PrepackRow } from '../../db/queries/prepacks';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

const candidatesQuery = z.object({
  status: z.enum(['open', 'bought', 'expired', 'cancelled', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const present = (r: PrepackRow) => ({
  prepackId: r.id,
  customer: r.customerLabel,
  sku: r.sku,
  probability: r.probability,
  warehouseId: r.warehouseId,
  taskId: r.taskId,
  waybillNo: r.waybillNo,
  status: r.status,
  openedAt: r.openedAt,
  expiresAt: r.expiresAt,
  closedAt: r.closedAt,
  orderId: r.orderId,
});

/** `/v1/prepack`: who is likely to buy what, and the pre-packs opened for them. */
export function prepackRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>()
    .get(
      '/candidates',
      doc('Customers × SKU scored at or above PREPACK_THRESHOLD with their pre-pack (?status=open|bought|expired|cancelled|all, default open)', {
        200: '[{prepackId, customer (masked phone or buyer id), sku, probability, warehouseId, taskId, waybillNo, status, openedAt, expiresAt, closedAt, orderId}]',
      }),
      requireScope('orders:read'),
      validate('query', candidatesQuery),
      async (c) => {
        const { status, limit } = c.req.valid('query');
        const rows = await listPrepacks(db, { status: status === 'all' ? undefined : status, limit });
        return c.json(rows.map(present));
      },
    )
    .get(
      '/outcomes',
      doc('Pre-packs of the last ?days (default 7): opened, bought, expired, still open, the share bought, and payment → shipped minutes (p50, p90) of pre-packed vs other orders', {
        200: '{opened, bought, expired, open, boughtShare, paymentToShippedMinutes: [{path: prepacked|normal, orders, p50, p90}]}',
      }),
      requireScope('orders:read'),
      validate('query', z.object({ days: z.coerce.number().int().min(1).max(365).default(7) })),
      async (c) => {
        const from = new Date(Date.now() - c.req.valid('query').days * 86_400_000);
        const [o, paymentToShippedMinutes] = await Promise.all([prepackOutcomes(db, from), dispatchMinutes(db, from)]);
        const closed = o.bought + o.expired;
        return c.json({ ...o, boughtShare: closed > 0 ? o.bought / closed : null, paymentToShippedMinutes });
      },
    );
}
