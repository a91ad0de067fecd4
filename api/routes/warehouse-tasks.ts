import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { sealParcelOfTask } from '../../db/queries/shipment-merge';
import { warehouseTasks } from '../../db/schema';
import type { OrderClient } from '../../temporal/order-client';
import { taskCompletedSignal } from '../../workflows/contract';
import { requireScope, type Caller } from '../auth';
import { conflict, notFound } from '../errors';
import { validate } from '../validate';

const taskParam = z.object({ taskId: z.string().min(1).max(120) });
const completeBody = z.object({ completedBy: z.string().max(64).optional() }).default({});

export function warehouseTaskRoutes({ db, orders }: { db: Db; orders: OrderClient }) {
  return new Hono<{ Variables: { caller: Caller } }>()
    .get('/tasks/:taskId', requireScope('warehouse', 'orders:read'), validate('param', taskParam), async (c) => {
      const [task] = await db.select().from(warehouseTasks).where(eq(warehouseTasks.id, c.req.valid('param').taskId));
      if (!task) throw notFound('task');
      return c.json(task);
    })
    .post('/tasks/:taskId/complete', requireScope('warehouse', 'orders:write'), validate('param', taskParam), validate('json', completeBody), async (c) => {
      const { taskId } = c.req.valid('param');
      const [task] = await db.select().from(warehouseTasks).where(eq(warehouseTasks.id, taskId));
      if (!task) throw notFound('task');
      if (task.status !== 'open') throw conflict(`task is ${task.status}`);
      // The order's workflow closes the task; the API only reports what the picker did. A merged parcel's
      // task is sealed (nobody joins any more) and every order still in it is told.
      for (const orderId of (await sealParcelOfTask(db, taskId)) ?? [task.orderId]) {
        await orders.handle(orderId).signal(taskCompletedSignal, { taskId, ...c.req.valid('json') });
      }
      return c.json({ taskId, orderId: task.orderId, status: 'accepted' }, 202);
    });
}
