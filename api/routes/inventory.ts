import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listStock, setOnHand } from '../../db/queries/inventory';
import { warehouseExists } from '../../db/queries/warehouses';
import { followUpOf } from '../../domain/receipts';
import type { ReplenishmentMonitor } from '../../replenishment/monitor';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

export const inventoryBody = z.object({
  onHand: z.number().int().min(0),
  safetyStock: z.number().int().min(0).optional(),
});
const inventoryParams = z.object({ warehouseId: z.string().min(1).max(32), sku: z.string().min(1).max(64) });
const inventoryQuery = z.object({ sku: z.string().optional(), warehouseId: z.string().optional() });

export interface InventoryRoutesDeps {
  db: Db;
  /** Stock went up somewhere: wake the orders waiting for these SKUs. */
  onStockReceived: (skus: string[]) => Promise<void>;
  /** Raises replenishment alerts when a count drops available stock below the safety stock. */
  replenishment?: ReplenishmentMonitor | undefined;
}

/** `/v1/inventory`: counted stock per warehouse and SKU. */
export function inventoryRoutes({ db, onStockReceived, replenishment }: InventoryRoutesDeps) {
  return new Hono<ApiEnv>()
    .put(
      '/:warehouseId/:sku',
      doc('Set counted stock; wakes backordered orders', {
        200: '{warehouseId, sku, onHand, reserved, available}',
        404: 'unknown warehouse',
        409: 'below reserved',
      }),
      requireScope('admin', 'warehouse'),
      validate('param', inventoryParams),
      validate('json', inventoryBody),
      async (c) => {
        const { warehouseId, sku } = c.req.valid('param');
        const body = c.req.valid('json');
        if (!(await warehouseExists(db, warehouseId))) throw notFound(`warehouse ${warehouseId}`);
        let row;
        try {
          row = await setOnHand(db, { warehouseId, sku, ...body });
        } catch (err) {
          if (isCheckViolation(err)) {
            throw new ApiError(409, 'CONFLICT', `onHand ${body.onHand} is below the units already reserved for orders`);
          }
          throw err;
        }
        const next = followUpOf({ kind: 'stock-counted', sku, available: row.available });
        if (next.action === 'offer-to-backorders') await onStockReceived(next.skus);
        await replenishment?.check([{ warehouseId, sku }]);
        const { releasedHolds: _released, ...stock } = row;
        return c.json(stock);
      },
    )
    .get(
      '/',
      doc('Stock by SKU and warehouse (?sku=&warehouseId=)', { 200: '[{warehouseId, sku, onHand, reserved, available}]' }),
      requireScope('orders:read', 'warehouse', 'ops'),
      validate('query', inventoryQuery),
      async (c) => c.json(await listStock(db, c.req.valid('query'))),
    );
}

function isCheckViolation(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause ?? err;
  return (cause as { code?: string })?.code === '23514';
}
