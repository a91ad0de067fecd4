import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import {
  findWarehouseWithLayout,
  listWarehousesWithLayouts,
  setDailyOrderCapacity,
  setWarehouseLayout,
  storedLayout,
  upsertWarehouse,
  type WarehouseWithLayout,
} from '../../db/queries/warehouses';
import { locate } from '../../domain/geo';
import { layoutSummary, ROUTINGS, warehouseLayoutSchema, type WarehouseLayout } from '../../domain/warehouse-layout';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

/**
 * A layout as clients send it: only the documented routing names (stored layouts may still say `alternating`,
 * read as `two-way`), distinct zones, and locations inside the aisles and bays the geometry declares.
 */
export const layoutBody = warehouseLayoutSchema.extend({ routing: z.enum(ROUTINGS).optional() }).superRefine((layout, ctx) => {
  const seen = new Set<string>();
  layout.zones?.forEach((zone, i) => {
    if (seen.has(zone)) ctx.addIssue({ code: 'custom', path: ['zones', i], message: `zone ${zone} is listed twice` });
    seen.add(zone);
  });
  const { aisles, baysPerAisle } = layout.geometry ?? {};
  if (aisles === undefined && baysPerAisle === undefined) return;
  for (const [sku, l] of Object.entries(layout.locations)) {
    if (aisles !== undefined && l.aisle > aisles) ctx.addIssue({ code: 'custom', path: ['locations', sku, 'aisle'], message: `beyond geometry.aisles (${aisles})` });
    if (baysPerAisle !== undefined && l.bay > baysPerAisle) {
      ctx.addIssue({ code: 'custom', path: ['locations', sku, 'bay'], message: `beyond geometry.baysPerAisle (${baysPerAisle})` });
    }
  }
});

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
  /** Left out: the stored layout stays (it has its own route). */
  layout: layoutBody.optional(),
}).refine((w) => (w.lat === undefined) === (w.lng === undefined), { message: 'give lat and lng together, or neither', path: ['lng'] });

const warehouseParam = z.object({ id: z.string().trim().min(1).max(32) });

const capacityBody = z.object({
  /** Orders a day (Asia/Shanghai) the warehouse can ship; null removes the cap. */
  dailyOrders: z.number().int().min(0).max(10_000_000).nullable(),
});

/** What the routes answer for a warehouse: its fields, the daily capacity, and its layout's shape (not every location). */
function present(row: WarehouseWithLayout) {
  const { layout, ...warehouse } = row;
  return { ...warehouse, layout: layout ? layoutSummary(layout as WarehouseLayout) : null };
}

const PRESENTED = '{id, name, province, city, address, contactName, contactPhone, lat, lng, dailyOrderCapacity, layout: {routing, geometry, locations, zones[]} | null, createdAt}';

/** `/v1/warehouses` */
export function warehouseRoutes({ db }: { db: Db }) {
  const found = (row: WarehouseWithLayout | undefined) => {
    if (!row) throw notFound('warehouse');
    return present(row);
  };

  return new Hono<ApiEnv>()
    .post('/', doc('Create or update a warehouse (a layout or capacity left out is kept)', { 201: PRESENTED }), requireScope('admin'), validate('json', warehouseBody), async (c) => {
      const body = c.req.valid('json');
      // Without coordinates the city's (or failing that, the province's) centre stands in: allocation needs a point.
      const at = body.lat !== undefined && body.lng !== undefined ? { lat: body.lat, lng: body.lng } : locate(body);
      if (!at) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'json.city: province and city are not recognised; give lat and lng', [
          { path: 'json.city', message: 'province and city are not recognised; give lat and lng' },
        ]);
      }
      const row = await upsertWarehouse(db, { ...body, address: body.address ?? '', lat: at.lat, lng: at.lng });
      return c.json(present(row), 201);
    })
    .get('/', doc('List warehouses', { 200: `[${PRESENTED}]` }), requireScope('orders:read', 'warehouse', 'ops'), async (c) =>
      c.json((await listWarehousesWithLayouts(db)).map(present)),
    )
    .get(
      '/:id',
      doc('One warehouse with its daily capacity and a summary of its layout', { 200: PRESENTED, 404: 'unknown warehouse' }),
      requireScope('orders:read', 'warehouse', 'ops'),
      validate('param', warehouseParam),
      async (c) => c.json(found(await findWarehouseWithLayout(db, c.req.valid('param').id))),
    )
    .get(
      '/:id/layout',
      doc('The layout of a warehouse as set, every location included', { 200: '{zones?, routing, geometry?, locations}', 404: 'unknown warehouse, or no layout set' }),
      requireScope('orders:read', 'warehouse', 'ops'),
      validate('param', warehouseParam),
      async (c) => {
        const { id } = c.req.valid('param');
        const layout = await storedLayout(db, id);
        if (!layout) throw notFound((await findWarehouseWithLayout(db, id)) ? 'layout' : 'warehouse');
        return c.json({ ...layout, routing: layoutSummary(layout).routing });
      },
    )
    .put(
      '/:id/layout',
      doc('Set where each SKU is picked (zones, one-way or two-way aisles, geometry in metres); pick tasks and waves opened after it walk by it (docs/warehouse.md)', {
        200: PRESENTED,
        400: 'invalid layout, with field paths (json.locations.<sku>.aisle)',
        404: 'unknown warehouse',
      }),
      requireScope('admin', 'warehouse'),
      validate('param', warehouseParam),
      validate('json', layoutBody),
      async (c) => c.json(found(await setWarehouseLayout(db, c.req.valid('param').id, c.req.valid('json')))),
    )
    .put(
      '/:id/capacity',
      doc('Set how many orders a day (Asia/Shanghai) the warehouse can ship; null removes the cap', { 200: PRESENTED, 400: 'invalid body', 404: 'unknown warehouse' }),
      requireScope('admin', 'ops'),
      validate('param', warehouseParam),
      validate('json', capacityBody),
      async (c) => c.json(found(await setDailyOrderCapacity(db, c.req.valid('param').id, c.req.valid('json').dailyOrders))),
    );
}
