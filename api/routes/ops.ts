import { WorkflowNotFoundError } from '@temporalio/common';
import { and, asc, eq, lt, notInArray } from 'drizzle-orm';
import { Hono } from 'hono';
import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listReviewTasks, resolveReviewTask } from '../../db/queries/review-tasks';
import { orders, reviewTasks } from '../../db/schema';
import { TERMINAL } from '../../domain/order';
import type { OrderClient } from '../../temporal/order-client';
import { reviewResolvedSignal } from '../../workflows/contract';
import { requireScope, type Caller } from '../auth';
import { conflict, notFound } from '../errors';
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

const presentTask = (t: typeof reviewTasks.$inferSelect) => ({
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
  return new Hono<{ Variables: { caller: Caller } }>()
    .use(requireScope('ops'))
    .get('/review-tasks', validate('query', reviewQuery), async (c) => {
      const tasks = await listReviewTasks(db, c.req.valid('query'));
      return c.json(tasks.map(presentTask));
    })
    .post('/review-tasks/:id/resolve', validate('json', resolveBody), async (c) => {
      const id = c.req.param('id');
      const { resolution, note } = c.req.valid('json');
      const resolved = await resolveReviewTask(db, id, note ? `${resolution}: ${note}` : resolution);
      if (!resolved) {
        const [existing] = await db.select({ id: reviewTasks.id }).from(reviewTasks).where(eq(reviewTasks.id, id));
        throw existing ? conflict('review task is already resolved') : notFound('review task');
      }
      if (resolved.orderId) {
        try {
          await orderClient.handle(resolved.orderId).signal(reviewResolvedSignal, {
            taskId: id,
            kind: resolved.kind,
            resolution,
            ...(note ? { note } : {}),
          });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return c.json(presentTask(resolved));
    })
    .get('/stuck-orders', validate('query', stuckQuery), async (c) => {
      const { olderThan, limit } = c.req.valid('query');
      const before = new Date(Date.now() - ms(olderThan as StringValue));
      const rows = await db
        .select({
          orderId: orders.orderId,
          channel: orders.channel,
          status: orders.status,
          statusSince: orders.statusSince,
          warehouseId: orders.warehouseId,
          workflowId: orders.workflowId,
        })
        .from(orders)
        .where(and(lt(orders.statusSince, before), notInArray(orders.status, [...TERMINAL])))
        .orderBy(asc(orders.statusSince))
        .limit(limit);
      return c.json(rows);
    });
}
