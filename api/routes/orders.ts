import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { findIdempotencyKey, rememberIdempotencyKey } from '../../db/queries/idempotency-keys';
import { dispatchOf, listOrders } from '../../db/queries/orders';
import { shipmentCosts } from '../../db/queries/shipments';
import { CHANNELS, ORDER_STATUSES, type CanonicalOrder } from '../../domain/order';
import { addressSchema, canonicalOrderSchema } from '../../domain/order-schema';
import type { OrderClient } from '../../temporal/order-client';
import { cancelOrderUpdate, changeAddressUpdate, confirmPaymentUpdate, orderWorkflowId, type OrderState } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

export interface OrderRoutesDeps {
  db: Db;
  orders: OrderClient;
}

const orderIdParam = z.object({ orderId: z.string().min(1).max(80) });
/** `?tasks=all` also lists the warehouse tasks already completed or cancelled (the order's history, for ops). */
const orderQuery = z.object({ tasks: z.enum(['open', 'all']).default('open') });

const listQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  warehouseId: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const decoded = cursorSchema.safeParse(safeJson(Buffer.from(raw, 'base64url').toString()));
      if (decoded.success) return decoded.data;
      ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
      return z.NEVER;
    }),
});
const cursorSchema = z.object({ orderedAt: z.string(), orderId: z.string() });

const paymentBody = z.object({
  paidAt: z.iso.datetime({ offset: true }).optional(),
  reference: z.string().max(128).optional(),
});
const cancelBody = z.object({ reason: z.string().trim().min(1).max(500) });

/** The order as the API shows it: the workflow's state, with only the warehouse tasks still open unless all are asked for. */
export const presentOrder = (state: OrderState, tasks: 'open' | 'all' = 'open') => ({
  ...state,
  workflowId: orderWorkflowId(state.orderId),
  tasks: tasks === 'all' ? state.tasks : state.tasks.filter((t) => t.status === 'open'),
});

/**
 * `GET /v1/orders/:orderId` adds what the read model knows beyond the workflow: each shipment's freight and the
 * carrier rule that chose its carrier, when the first parcel left (`shippedAt`) and the dispatch time
 * (`dispatchHours`: paid → shipped, null until both happened).
 */
async function presentWithDispatch(db: Db, state: OrderState, tasks: 'open' | 'all') {
  const [dispatch, costs] = await Promise.all([dispatchOf(db, state.orderId), shipmentCosts(db, state.shipments)]);
  const costOf = new Map(costs.map((c) => [`${c.carrier}:${c.waybillNo}`, c]));
  const paidAt = dispatch?.paidAt ?? (state.paidAt ? new Date(state.paidAt) : null);
  const shippedAt = dispatch?.shippedAt ?? null;
  return {
    ...presentOrder(state, tasks),
    shipments: state.shipments.map((s) => {
      const cost = costOf.get(`${s.carrier}:${s.waybillNo}`);
      return { ...s, costFen: cost?.costFen ?? null, carrierRuleId: cost?.carrierRuleId ?? null };
    }),
    shippedAt: shippedAt?.toISOString() ?? null,
    dispatchHours: dispatchHours(paidAt, shippedAt),
  };
}

/** Paid → first parcel shipped, in hours to two decimals; null until both happened. */
function dispatchHours(paidAt: Date | null, shippedAt: Date | null): number | null {
  if (!paidAt || !shippedAt) return null;
  return Math.round((shippedAt.getTime() - paidAt.getTime()) / 36_000) / 100;
}

export function orderRoutes({ db, orders }: OrderRoutesDeps) {
  return new Hono<ApiEnv>()
    .post(
      '/',
      doc('Create an order from the canonical shape (Idempotency-Key honoured)', {
        202: 'accepted: {orderId, workflowId, status}',
        200: 'this channel order already exists',
        400: 'invalid order, with field paths',
        422: 'Idempotency-Key reused with another body',
      }),
      requireScope('orders:write'),
      validate('json', canonicalOrderSchema),
      async (c) => {
        const order = c.req.valid('json');
        const idempotencyKey = c.req.header('idempotency-key');
        if (idempotencyKey !== undefined) {
          const replay = await replayIdempotent(db, idempotencyKey, order);
          if (replay) return c.json(await acceptedBody(orders, replay), 200);
        }
        const submitted = await orders.submit(order);
        if (idempotencyKey !== undefined) await rememberIdempotent(db, idempotencyKey, order, submitted.orderId);
        return c.json(await acceptedBody(orders, submitted.orderId), submitted.created ? 202 : 200);
      },
    )
    .get(
      '/',
      doc('List orders (status, channel, warehouseId, from, to, limit, cursor)', { 200: '{items, nextCursor}' }),
      requireScope('orders:read'),
      validate('query', listQuery),
      async (c) => {
        const { cursor, ...filter } = c.req.valid('query');
        const page = await listOrders(db, { ...filter, cursor });
        return c.json({
          items: page.items,
          nextCursor: page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : null,
        });
      },
    )
    .get(
      '/:orderId',
      doc('Order state: status, lines, allocation, open tasks (?tasks=all: every task), shipments (with costFen and carrierRuleId), returns, timeline, shippedAt and dispatchHours (paid → shipped)', {
        200: 'order',
        404: 'unknown order',
      }),
      requireScope('orders:read'),
      validate('param', orderIdParam),
      validate('query', orderQuery),
      async (c) => {
        const state = await orders.get(c.req.valid('param').orderId);
        if (!state) throw notFound('order');
        return c.json(await presentWithDispatch(db, state, c.req.valid('query').tasks));
      },
    )
    .post(
      '/:orderId/payment',
      doc('Payment confirmed', { 200: 'order', 409: 'order can no longer be paid' }),
      requireScope('orders:write'),
      validate('param', orderIdParam),
      validate('json', paymentBody),
      async (c) => {
        const state = await orders.update(c.req.valid('param').orderId, confirmPaymentUpdate, c.req.valid('json'));
        return c.json(presentOrder(state));
      },
    )
    .post(
      '/:orderId/cancel',
      doc('Cancel before shipment; releases reserved stock', { 200: 'order', 409: 'already shipped' }),
      requireScope('orders:write'),
      validate('param', orderIdParam),
      validate('json', cancelBody),
      async (c) => {
        const state = await orders.update(c.req.valid('param').orderId, cancelOrderUpdate, c.req.valid('json'));
        return c.json(presentOrder(state));
      },
    )
    .patch(
      '/:orderId/address',
      doc('Change the shipping address (synchronous accept/reject)', { 200: 'order', 409: 'already shipped' }),
      requireScope('orders:write'),
      validate('param', orderIdParam),
      validate('json', addressSchema),
      async (c) => {
        const state = await orders.update(c.req.valid('param').orderId, changeAddressUpdate, c.req.valid('json'));
        return c.json(presentOrder(state));
      },
    );
}

async function acceptedBody(orders: OrderClient, orderId: string) {
  const state = await orders.get(orderId);
  return { orderId, workflowId: orders.workflowId(orderId), status: state?.status ?? 'PENDING_PAYMENT' };
}

const requestHash = (order: CanonicalOrder) => createHash('sha256').update(JSON.stringify(order)).digest('hex');

/** The order a key was first used for, or undefined for a new key. The same key with another body is refused. */
async function replayIdempotent(db: Db, key: string, order: CanonicalOrder): Promise<string | undefined> {
  const seen = await findIdempotencyKey(db, key);
  if (!seen) return undefined;
  if (seen.requestHash !== requestHash(order)) {
    throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body');
  }
  return seen.orderId;
}

async function rememberIdempotent(db: Db, key: string, order: CanonicalOrder, orderId: string): Promise<void> {
  await rememberIdempotencyKey(db, { key, requestHash: requestHash(order), orderId });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
