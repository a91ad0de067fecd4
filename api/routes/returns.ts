import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { findReturn, listReturns, returnDetail } from '../../db/queries/returns';
import { RETURN_CONDITIONS } from '../../domain/returns';
import { OrderClosedError, type OrderClient } from '../../temporal/order-client';
import { receiveReturnUpdate, requestReturnUpdate } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { conflict, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const orderIdParam = z.object({ orderId: z.string().min(1).max(80) });
const returnIdParam = z.object({ returnId: z.string().min(1).max(120) });

const skuField = z.string().trim().min(1).max(64);

/** Lines of one SKU each: a SKU twice would be ambiguous. */
const uniqueSkus = <T extends { sku: string }>(lines: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (seen.has(line.sku)) ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: `duplicate SKU ${line.sku}; merge the lines` });
    seen.add(line.sku);
  });
};

const returnRequestBody = z.object({
  lines: z
    .array(z.object({ sku: skuField, quantity: z.number().int().positive().max(100_000) }))
    .min(1)
    .max(200)
    .superRefine(uniqueSkus),
  reason: z.string().trim().min(1).max(500),
  /** The buyer refused the parcel at the door (order SHIPPED): the whole parcel comes back. */
  refusedByBuyer: z.boolean().optional(),
});

const returnReceivedBody = z
  .object({
    /** Per-line condition; units of the return not listed are resaleable. */
    lines: z
      .array(z.object({ sku: skuField, quantity: z.number().int().positive().max(100_000), condition: z.enum(RETURN_CONDITIONS) }))
      .min(1)
      .max(400)
      .optional(),
    receivedBy: z.string().trim().min(1).max(64).optional(),
  })
  .default({});

const listQuery = z.object({
  orderId: z.string().max(80).optional(),
  status: z.enum(['requested', 'in_transit', 'review', 'received']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * `POST /v1/orders/:orderId/returns`: a return requested on an order, accepted or refused synchronously by the
 * order's workflow.
 */
export function orderReturnRoutes({ orders }: { orders: OrderClient }) {
  return new Hono<ApiEnv>().post(
    '/',
    doc('Request a return (DELIVERED and inside the after-sale window, or SHIPPED and refusedByBuyer); Idempotency-Key honoured', {
      202: '{returnId, orderId, status}',
      400: 'invalid request, with field paths',
      404: 'unknown order',
      409: 'refused, with the reason (status, window, quantity beyond shipped, a return still open)',
    }),
    requireScope('orders:write'),
    validate('param', orderIdParam),
    validate('json', returnRequestBody),
    async (c) => {
      const { orderId } = c.req.valid('param');
      const body = c.req.valid('json');
      const idempotencyKey = c.req.header('idempotency-key');
      try {
        const accepted = await orders.update(orderId, requestReturnUpdate, {
          ...body,
          ...(idempotencyKey ? { externalId: idempotencyKey.slice(0, 128) } : {}),
        });
        return c.json({ returnId: accepted.returnId, orderId, status: accepted.status }, 202);
      } catch (err) {
        // The workflow ends when the after-sale window closes (and no return is open).
        if (err instanceof OrderClosedError) throw conflict(`order is ${err.status}; the after-sale window has closed`);
        throw err;
      }
    },
  );
}

/** `/v1/returns`: returns received by the warehouse scan, and read back with their receipt, refund and purchasing notifications. */
export function returnRoutes({ db, orders }: { db: Db; orders: OrderClient }) {
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('Returns (?orderId=&status=requested|in_transit|review|received&limit=)', { 200: '[return]' }),
      requireScope('orders:read'),
      validate('query', listQuery),
      async (c) => c.json(await listReturns(db, c.req.valid('query'))),
    )
    .get(
      '/:returnId',
      doc('A return with its waybill, receipt, refund and purchasing notifications', { 200: 'return', 404: 'unknown return' }),
      requireScope('orders:read', 'warehouse'),
      validate('param', returnIdParam),
      async (c) => {
        const detail = await returnDetail(db, c.req.valid('param').returnId);
        if (!detail) throw notFound('return');
        return c.json(detail);
      },
    )
    .post(
      '/:returnId/received',
      doc('Warehouse scan: the return arrived (optional per-line condition resaleable/damaged); restocks exactly once', {
        200: '{orderId, alreadyReceived, return}',
        202: 'accepted, still being processed',
        404: 'unknown return',
        409: 'scan does not fit the return',
      }),
      requireScope('warehouse', 'orders:write'),
      validate('param', returnIdParam),
      validate('json', returnReceivedBody),
      async (c) => {
        const { returnId } = c.req.valid('param');
        const body = c.req.valid('json');
        const row = await findReturn(db, returnId);
        if (!row) throw notFound('return');
        try {
          const receipt = await orders.update(row.orderId, receiveReturnUpdate, { returnId, ...body });
          const done = receipt.return.status === 'received';
          return c.json({ orderId: row.orderId, alreadyReceived: receipt.alreadyReceived, return: receipt.return }, done ? 200 : 202);
        } catch (err) {
          if (!(err instanceof OrderClosedError)) throw err;
          // The order's workflow has finished: a received return stays received (the scan changes nothing).
          const detail = await returnDetail(db, returnId);
          if (detail?.status !== 'received') throw err;
          return c.json({ orderId: row.orderId, alreadyReceived: true, return: detail }, 200);
        }
      },
    );
}
