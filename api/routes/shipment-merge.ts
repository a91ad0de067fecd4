import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { setShipmentMerge, shipmentMergeSetting } from '../../db/queries/shipment-merge';
import { requireScope, type Caller } from '../auth';
import { validate } from '../validate';

/** A store id as orders carry it; orders without one are merged under their channel's name (e.g. `manual`). */
const storeParam = z.object({ storeId: z.string().trim().min(1).max(64) });
export const shipmentMergeBody = z.object({ enabled: z.boolean() });

/**
 * `GET|PUT /v1/stores/:storeId/shipment-merge`: same-buyer shipment merge (合单) for one store, off unless
 * turned on. Applies to orders allocated after the change.
 */
export function shipmentMergeRoutes({ db }: { db: Db }) {
  return new Hono<{ Variables: { caller: Caller } }>()
    .get('/:storeId/shipment-merge', requireScope('admin', 'ops'), validate('param', storeParam), async (c) => {
      return c.json(await shipmentMergeSetting(db, c.req.valid('param').storeId));
    })
    .put('/:storeId/shipment-merge', requireScope('admin'), validate('param', storeParam), validate('json', shipmentMergeBody), async (c) => {
      return c.json(await setShipmentMerge(db, c.req.valid('param').storeId, c.req.valid('json').enabled));
    });
}
