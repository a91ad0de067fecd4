import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { findWave, listWaves, WAVE_STATUSES } from '../../db/queries/waves';
import { warehouseExists } from '../../db/queries/warehouses';
import type { WaveClient } from '../../temporal/wave-client';
import { WAVE_DEFAULT_MAX_ORDERS, WAVE_MAX_ORDERS_LIMIT } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, notFound, unavailable } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

export interface WaveRouteDeps {
  db: Db;
  /** Opens waves through Temporal; without it `POST …/waves` answers 503 (the reads still work). */
  waves?: WaveClient | undefined;
}

const warehouseParam = z.object({ id: z.string().min(1).max(32) });
const waveParam = z.object({ waveId: z.string().min(1).max(120) });

export const openWaveBody = z
  .object({
    maxOrders: z.number().int().min(1).max(WAVE_MAX_ORDERS_LIMIT).optional(),
    /** Only tasks whose carrier (chosen when the task opened) is this one. */
    carrier: z.string().trim().min(1).max(32).optional(),
    /** Only tasks opened at or before this time (ISO 8601 with an offset). */
    cutoff: z.iso.datetime({ offset: true }).optional(),
  })
  .default({});

const waveQuery = z.object({
  warehouseId: z.string().min(1).max(32).optional(),
  status: z.enum(WAVE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * `POST /v1/warehouses/:id/waves`, mounted beside the warehouse routes: a wave of the warehouse's open pick
 * tasks in no wave yet, oldest first, on one batch pick list in walking order (docs/waves.md).
 */
export function warehouseWaveRoutes({ db, waves }: WaveRouteDeps) {
  return new Hono<ApiEnv>().post(
    '/',
    doc('Open a wave (波次): open pick tasks not in a wave (?carrier, opened by cutoff), oldest first, on one batch pick list in walking order', {
      201: '{waveId, warehouseId, status, orderIds, taskIds, pickList: [{sku, quantity, location, orderIds, perOrder}], routing, walkMeters, naiveWalkMeters, …}',
      400: 'invalid request, with field paths',
      404: 'unknown warehouse',
      409: 'no open pick task qualifies (NOTHING_TO_WAVE)',
      503: 'waves are not available in this process',
    }),
    requireScope('warehouse', 'ops'),
    validate('param', warehouseParam),
    validate('json', openWaveBody),
    async (c) => {
      const { id: warehouseId } = c.req.valid('param');
      const { maxOrders, carrier, cutoff } = c.req.valid('json');
      if (!(await warehouseExists(db, warehouseId))) throw notFound('warehouse');
      if (!waves) throw unavailable('opening waves');
      const wave = await waves.open({ warehouseId, maxOrders: maxOrders ?? WAVE_DEFAULT_MAX_ORDERS, carrier, cutoff, createdBy: 'on-demand' });
      // 409, not 422: the request is well-formed, the warehouse's current state has nothing for it (ask again later).
      if (!wave) throw new ApiError(409, 'NOTHING_TO_WAVE', 'no open pick task of this warehouse qualifies (all are in waves, or none matches the carrier or cutoff)');
      return c.json(wave, 201);
    },
  );
}

/** `/v1/waves`: waves as stored, open → packed once every task in them is closed. */
export function waveRoutes({ db }: WaveRouteDeps) {
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('Waves, newest first (?warehouseId=&status=open|packed&limit=)', { 200: '[wave]' }),
      requireScope('warehouse', 'ops', 'orders:read'),
      validate('query', waveQuery),
      async (c) => c.json(await listWaves(db, c.req.valid('query'))),
    )
    .get(
      '/:waveId',
      doc('One wave with its pick list (status open → packed, packedAt)', { 200: 'wave', 404: 'unknown wave' }),
      requireScope('warehouse', 'ops', 'orders:read'),
      validate('param', waveParam),
      async (c) => {
        const wave = await findWave(db, c.req.valid('param').waveId);
        if (!wave) throw notFound('wave');
        return c.json(wave);
      },
    );
}
