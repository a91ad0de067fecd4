import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { sealParcelOfTask } from '../../db/queries/shipment-merge';
import { findWarehouseTask } from '../../db/queries/warehouse-tasks';
import type { OrderClient } from '../../temporal/order-client';
import { taskCompletedSignal } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { conflict, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const taskParam = z.object({ taskId: z.string().min(1).max(120) });
const completeBody = z.object({ completedBy: z.string().max(64).optional() }).default({});

/** `/v1/warehouse/tasks`: the pick list the PDA shows, and the picker's confirmation. */
export function warehouseTaskRoutes({ db, orders }: { db: Db; orders: OrderClient }) {
  const existingTask = async (taskId: string) => {
    const task = await findWarehouseTask(db, taskId);
    if (!task) throw notFound('task');
    return task;
  };
  return new Hono<ApiEnv>()
    .get(
      '/:taskId',
      doc('A warehouse task with its pick list in walking order', { 200: 'task', 404: 'unknown task' }),
      requireScope('warehouse', 'orders:read'),
      validate('param', taskParam),
      async (c) => c.json(await existingTask(c.req.valid('param').taskId)),
    )
    .post(
      '/:taskId/complete',
      doc('Picker/packer confirms the task (PDA)', { 202: 'accepted', 404: 'unknown task', 409: 'task not open' }),
      requireScope('warehouse', 'orders:write'),
      validate('param', taskParam),
      validate('json', completeBody),
      async (c) => {
        const { taskId } = c.req.valid('param');
        const task = await existingTask(taskId);
        if (task.status !== 'open') throw conflict(`task is ${task.status}`);
        // The order's workflow closes the task; the API reports what the picker did. A merged parcel's task is
        // sealed (nobody joins any more) and every order still in it is told. Its orders seal it again and tell
        // each other (SEAL_PARCEL_PATCH, workflows/shipment-merge.ts), but the seal stays here too: whether an
        // order takes that step is decided by the worker handling this signal, not knowable here, and sealing
        // only there would let an order join between this confirmation and that step.
        for (const orderId of (await sealParcelOfTask(db, taskId)) ?? [task.orderId]) {
          await orders.handle(orderId).signal(taskCompletedSignal, { taskId, ...c.req.valid('json') });
        }
        return c.json({ taskId, orderId: task.orderId, status: 'accepted' }, 202);
      },
    );
}
