import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listStock, listWarehouses, setOnHand } from '../../db/queries/inventory';
import { apiKeys, warehouses } from '../../db/schema';
import { locate } from '../../domain/geo';
import type { ReplenishmentMonitor } from '../../replenishment/monitor';
import { hashKey, requireScope, SCOPES, type Caller } from '../auth';
import { ApiError, notFound } from '../errors';
import { validate } from '../validate';

export interface MasterDataDeps {
  db: Db;
  /** Stock went up somewhere: wake the orders waiting for these SKUs. */
  onStockReceived: (skus: string[]) => Promise<void>;
  /** Raises replenishment alerts when a count drops available stock below the safety stock. */
  replenishment?: ReplenishmentMonitor | undefined;
}

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

export const inventoryBody = z.object({
  onHand: z.number().int().min(0),
  safetyStock: z.number().int().min(0).optional(),
});
const inventoryParams = z.object({ warehouseId: z.string().min(1).max(32), sku: z.string().min(1).max(64) });
const inventoryQuery = z.object({ sku: z.string().optional(), warehouseId: z.string().optional() });

const apiKeyBody = z.object({ name: z.string().trim().min(1).max(64), scopes: z.array(z.enum(SCOPES)).min(1) });

export function warehouseRoutes({ db }: MasterDataDeps) {
  return new Hono<{ Variables: { caller: Caller } }>()
    .post('/', requireScope('admin'), validate('json', warehouseBody), async (c) => {
      const body = c.req.valid('json');
      // Without coordinates the city's (or failing that, the province's) centre stands in: allocation needs a point.
      const at = body.lat !== undefined && body.lng !== undefined ? { lat: body.lat, lng: body.lng } : locate(body);
      if (!at) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'json.city: province and city are not recognised; give lat and lng', [
          { path: 'json.city', message: 'province and city are not recognised; give lat and lng' },
        ]);
      }
      const values = {
        ...body,
        address: body.address ?? '',
        lat: at.lat,
        lng: at.lng,
        layout: body.layout ?? null,
      };
      const [row] = await db
        .insert(warehouses)
        .values(values)
        .onConflictDoUpdate({ target: warehouses.id, set: { ...values, id: undefined } })
        .returning();
      return c.json(row, 201);
    })
    .get('/', requireScope('orders:read', 'warehouse', 'ops'), async (c) => c.json(await listWarehouses(db)));
}

export function inventoryRoutes({ db, onStockReceived, replenishment }: MasterDataDeps) {
  return new Hono<{ Variables: { caller: Caller } }>()
    .put('/:warehouseId/:sku', requireScope('admin', 'warehouse'), validate('param', inventoryParams), validate('json', inventoryBody), async (c) => {
      const { warehouseId, sku } = c.req.valid('param');
      const body = c.req.valid('json');
      const [warehouse] = await db.select({ id: warehouses.id }).from(warehouses).where(eq(warehouses.id, warehouseId));
      if (!warehouse) throw notFound(`warehouse ${warehouseId}`);
      let row;
      try {
        row = await setOnHand(db, { warehouseId, sku, ...body });
      } catch (err) {
        if (isCheckViolation(err)) {
          throw new ApiError(409, 'CONFLICT', `onHand ${body.onHand} is below the units already reserved for orders`);
        }
        throw err;
      }
      if (row.available > 0) await onStockReceived([sku]);
      await replenishment?.check([{ warehouseId, sku }]);
      const { releasedHolds: _released, ...stock } = row;
      return c.json(stock);
    })
    .get('/', requireScope('orders:read', 'warehouse', 'ops'), validate('query', inventoryQuery), async (c) => {
      return c.json(await listStock(db, c.req.valid('query')));
    });
}

export function apiKeyRoutes({ db }: Pick<MasterDataDeps, 'db'>) {
  return new Hono<{ Variables: { caller: Caller } }>().post('/', requireScope('admin'), validate('json', apiKeyBody), async (c) => {
    const { name, scopes } = c.req.valid('json');
    const key = `oms_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    await db.insert(apiKeys).values({ id, name, scopes, keyHash: hashKey(key) });
    return c.json({ id, name, scopes, key }, 201);
  });
}

function isCheckViolation(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause ?? err;
  return (cause as { code?: string })?.code === '23514';
}
