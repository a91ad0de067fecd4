import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listWarehouses, upsertWarehouse } from '../../db/queries/warehouses';
import { locate } from '../../domain/geo';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const location = z.object({ aisle: z.number().int().min(0), bay: z.number().int().min(0), level: z.number().int().min(0).optional() });

export const warehouseBody = z.object({
  id: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, "_" or "-", at most 32 characters'),
  name: z.string().trim().min(1).max(64),
  province: z.string().trim().min(1).max(32),
  city: z.string().trim().min(1).max(64),
  address: z.string().trim().max(256).optional(),
  contactName: z.string().trim().max(64).optional(),
  contactPhone: z.string().trim().max(32).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  layout: z.object({ locations: z.record(z.string(), location) }).optional(),
}).refine((w) => (w.lat === undefined) === (w.lng === undefined), { message: 'give lat and lng together, or neither', path: ['lng'] });

/** `/v1/warehouses` */
export function warehouseRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>()
    .post('/', doc('Create or update a warehouse', { 201: 'warehouse' }), requireScope('admin'), validate('json', warehouseBody), async (c) => {
      const body = c.req.valid('json');
      // Without coordinates the city's (or failing that, the province's) centre stands in: allocation needs a point.
      const at = body.lat !== undefined && body.lng !== undefined ? { lat: body.lat, lng: body.lng } : locate(body);
      if (!at) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'json.city: province and city are not recognised; give lat and lng', [
          { path: 'json.city', message: 'province and city are not recognised; give lat and lng' },
        ]);
      }
      const row = await upsertWarehouse(db, { ...body, address: body.address ?? '', lat: at.lat, lng: at.lng, layout: body.layout ?? null });
      return c.json(row, 201);
    })
    .get('/', doc('List warehouses', { 200: 'warehouses' }), requireScope('orders:read', 'warehouse', 'ops'), async (c) => c.json(await listWarehouses(db)));
}
