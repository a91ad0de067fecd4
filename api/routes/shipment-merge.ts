import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { setShipmentMerge, shipmentMergeSetting } from '../../db/queries/shipment-merge';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

/** A store id as orders carry it; orders without one are merged under their channel's name (e.g. `manual`). */
const storeParam = z.object({ storeId: z.string().trim().min(1).max(64) });
const shipmentMergeBody = z.object({ enabled: z.boolean() });

/**
 * `/v1/stores/:storeId/shipment-merge`: same-buyer shipment merge (合单) for one store, off unless turned on.
 * Applies to orders allocated after the change.
 */
export function shipmentMergeRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('Same-buyer shipment merge (合单) setting of a store (orders without storeId: their channel name, e.g. manual)', { 200: '{storeId, enabled, updatedAt}' }),
      requireScope('admin', 'ops'),
      validate('param', storeParam),
      async (c) => c.json(await shipmentMergeSetting(db, c.req.valid('param').storeId)),
    )
    .put(
      '/',
      doc('Turn same-buyer shipment merge on or off for a store (off by default)', { 200: '{storeId, enabled, updatedAt}', 400: 'invalid body' }),
      requireScope('admin'),
      validate('param', storeParam),
      validate('json', shipmentMergeBody),
      async (c) => c.json(await setShipmentMerge(db, c.req.valid('param').storeId, c.req.valid('json').enabled)),
    );
}
