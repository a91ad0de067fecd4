import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { urgentBackorderedOrdersWanting } from '../../db/queries/orders';
import { listPriceGaps } from '../../db/queries/price-gap-alerts';
import { pricesOf } from '../../db/queries/sku-prices';
import { findSku, upsertSku } from '../../db/queries/skus';
import { followUpOf } from '../../domain/receipts';
import { unitWeightGramsSchema } from '../../domain/freight';
import type { GapThresholds } from '../../domain/price-gap';
import { skuBodySchema } from '../../domain/sku';
import { setPricesByApi } from '../../finance/price-gaps';
import type { ReplenishmentMonitor } from '../../replenishment/monitor';
import type { OrderClient } from '../../temporal/order-client';
import { stockReplenishedSignal } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { notFound } from '../errors';
import { doc } from '../openapi';
import { tellOrder } from '../tell';
import { validate } from '../validate';
import { priceGapView } from './alerts';

const skuParam = z.object({ sku: z.string().trim().min(1).max(64) });
/** The SKU body plus the unit weight the carrier rules and freight read (`null` forgets it: 500 g a unit is assumed). */
const skuPutBody = skuBodySchema.extend({ weightGrams: unitWeightGramsSchema.nullable().optional() });
const channelName = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'a channel name such as taobao, tmall, pdd, douyin, wechat');
const pricesBody = z.record(channelName, z.number().int('integer fen').positive('a price above 0 fen').max(100_000_000)).refine((p) => Object.keys(p).length > 0, 'at least one channel');

export interface SkuRouteDeps {
  db: Db;
  orders: OrderClient;
  replenishment?: ReplenishmentMonitor | undefined;
  /** Price-gap thresholds (PRICE_GAP_FEN / PRICE_GAP_PCT) a price set through `/:sku/prices` is judged by. */
  thresholds: GapThresholds;
}

/**
 * `/v1/skus`: master data the allocation and the carrier choice read (safety stock, 1688 supplier, unit weight),
 * and the listed price per channel (`/:sku/prices`) for channels without an item API (or to correct one).
 */
export function skuRoutes({ db, orders, replenishment, thresholds }: SkuRouteDeps) {
  return new Hono<ApiEnv>()
    .get(
      '/:sku',
      doc('SKU master data: title, safety stock, 1688 supplier, unit weight, and the listed price per channel', { 200: '{sku, title, safetyStock, supplier, weightGrams, updatedAt, prices: {[channel]: fen}}', 404: 'unknown SKU' }),
      requireScope('orders:read', 'ops', 'warehouse'),
      validate('param', skuParam),
      async (c) => {
        const { sku } = c.req.valid('param');
        const [row, prices] = await Promise.all([findSku(db, sku), pricesOf(db, sku)]);
        // A SKU only priced (PUT /v1/skus/:sku/prices) has no master data yet, but is known.
        if (!row && Object.keys(prices).length === 0) throw notFound('sku');
        return c.json({ ...(row ?? { sku }), prices });
      },
    )
    .put(
      '/:sku',
      doc('Create or update SKU master data (omitted fields unchanged; supplier or weightGrams null forgets it); a new supplier wakes urgent backorders', {
        200: '{sku, title, safetyStock, supplier, weightGrams, updatedAt}',
        400: 'invalid body',
      }),
      requireScope('admin'),
      validate('param', skuParam),
      validate('json', skuPutBody),
      async (c) => {
        const { sku } = c.req.valid('param');
        const body = c.req.valid('json');
        const row = await upsertSku(db, sku, body);
        if (body.safetyStock !== undefined) await replenishment?.checkSku(sku);
        // A supplier lets urgent orders waiting for this SKU buy it now.
        const next = followUpOf({ kind: 'sku-updated', sku, supplierSet: Boolean(body.supplier) });
        if (next.action === 'wake-urgent-backorders') {
          for (const orderId of await urgentBackorderedOrdersWanting(db, next.sku)) {
            await tellOrder(orders, orderId, stockReplenishedSignal, { skus: [next.sku] });
          }
        }
        return c.json(row);
      },
    )
    .get(
      '/:sku/prices',
      doc('Listed price per channel of a SKU, in fen', { 200: '{sku, prices: {[channel]: fen}}' }),
      requireScope('ops', 'orders:read'),
      validate('param', skuParam),
      async (c) => {
        const { sku } = c.req.valid('param');
        return c.json({ sku, prices: await pricesOf(db, sku) });
      },
    )
    .put(
      '/:sku/prices',
      doc('Set the listed price per channel (`{ [channel]: fen }`; channels not named keep theirs); a gap beyond PRICE_GAP_FEN / PRICE_GAP_PCT opens an alert, prices agreeing again close it', {
        200: '{sku, prices, gap: {opened, closed, alert}}',
        400: 'not integer fen per channel',
      }),
      requireScope('ops'),
      validate('param', skuParam),
      validate('json', pricesBody),
      async (c) => {
        const { sku } = c.req.valid('param');
        const check = await setPricesByApi(db, sku, c.req.valid('json'), thresholds);
        const [alert] = await listPriceGaps(db, { sku, status: 'open', limit: 1 });
        return c.json({ sku, prices: await pricesOf(db, sku), gap: { opened: check.opened.length > 0, closed: check.closed.length > 0, alert: alert ? priceGapView(alert) : null } });
      },
    );
}
