import { Hono } from 'hono';
import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { orderCountsByStatus, searchOrders, stuckOrders } from '../../db/queries/orders';
import { TASK_STATES, warehouseTaskList } from '../../db/queries/warehouse-tasks';
import { ORDER_STATUSES } from '../../domain/order';
import { listReviewTasks, resolveReviewTask, reviewTaskExists, type ReviewTaskRow } from '../../db/queries/review-tasks';
import type { OrderClient } from '../../temporal/order-client';
import { reviewResolvedSignal } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { conflict, notFound } from '../errors';
import { doc } from '../openapi';
import { tellOrder } from '../tell';
import { validate } from '../validate';

const reviewQuery = z.object({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  kind: z.string().optional(),
  orderId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const resolveBody = z.object({ resolution: z.string().trim().min(1).max(64), note: z.string().max(1000).optional() });
const stuckQuery = z.object({
  olderThan: z
    .string()
    .default('1h')
    .refine((v) => Number.isFinite(ms(v as StringValue)), 'a duration such as 30m, 1h or 2d'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const orderSearchQuery = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const taskQuery = z.object({
  warehouseId: z.string().min(1).max(32),
  status: z.enum(TASK_STATES).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const presentTask = (t: ReviewTaskRow) => ({
  id: t.id,
  kind: t.kind,
  orderId: t.orderId,
  reason: t.reason,
  data: t.data,
  createdAt: t.createdAt,
  ...(t.resolvedAt ? { resolvedAt: t.resolvedAt, resolution: t.resolution } : {}),
});

/** What ops need beside the Temporal UI: orders that stopped moving, and the tasks waiting for a person. */
export function opsRoutes({ db, orders: orderClient }: { db: Db; orders: OrderClient }) {
  return new Hono<ApiEnv>()
    .use(requireScope('ops'))
    .get(
      '/review-tasks',
      doc('Tasks for a person (?state=open|resolved|all, kind, orderId)', { 200: '[{id, kind, orderId, reason, createdAt, resolvedAt?}]' }),
      validate('query', reviewQuery),
      async (c) => {
        const tasks = await listReviewTasks(db, c.req.valid('query'));
        return c.json(tasks.map(presentTask));
      },
    )
    .post(
      '/review-tasks/:id/resolve',
      doc('Resolve a review task; the order workflow is told', { 200: 'task', 404: 'unknown task', 409: 'already resolved' }),
      validate('json', resolveBody),
      async (c) => {
        const id = c.req.param('id');
        const { resolution, note } = c.req.valid('json');
        const resolved = await resolveReviewTask(db, id, note ? `${resolution}: ${note}` : resolution);
        if (!resolved) throw (await reviewTaskExists(db, id)) ? conflict('review task is already resolved') : notFound('review task');
        if (resolved.orderId) {
          await tellOrder(orderClient, resolved.orderId, reviewResolvedSignal, { taskId: id, kind: resolved.kind, resolution, ...(note ? { note } : {}) });
        }
        return c.json(presentTask(resolved));
      },
    )
    .get(
      '/stuck-orders',
      doc('Open orders whose status has not changed for ?olderThan= (default 1h)', { 200: '[{orderId, status, statusSince, …}]' }),
      validate('query', stuckQuery),
      async (c) => {
        const { olderThan, limit } = c.req.valid('query');
        return c.json(await stuckOrders(db, new Date(Date.now() - ms(olderThan as StringValue)), limit));
      },
    )
    .get('/order-counts', doc('Orders by status: every status, final ones included, with 0 where none', { 200: '{statuses: [{status, count}], total}' }), async (c) =>
      c.json(await orderCountsByStatus(db)),
    )
    .get(
      '/orders',
      doc('Find orders by platform order id, order id or phone (?q=, matched on the last 11 digits) and ?status=, newest first; the phone is masked (138****8000)', {
        200: '[{orderId, channel, channelOrderId, status, customerName, phone, region, totalFen, orderedAt, …}]',
      }),
      validate('query', orderSearchQuery),
      async (c) => c.json(await searchOrders(db, c.req.valid('query'))),
    )
    .get(
      '/warehouse-tasks',
      doc("A warehouse's pick tasks as its PDAs get them (?warehouseId=&status=open|completed|cancelled|all), newest first", { 200: '[{taskId, orderId, status, lines, waveId, carrier, packCheck, createdAt}]' }),
      validate('query', taskQuery),
      async (c) => c.json(await warehouseTaskList(db, c.req.valid('query'))),
    );
}
