import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { sealParcelOfTask } from '../../db/queries/shipment-merge';
import { confirmPackUnverified, findWarehouseTask, recordPackScan, type WarehouseTask } from '../../db/queries/warehouse-tasks';
import { refusalMessage, remainingToScan, type ScanRefusal } from '../../domain/pack-check';
import type { OrderClient } from '../../temporal/order-client';
import { taskCompletedSignal } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, conflict, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const taskParam = z.object({ taskId: z.string().min(1).max(120) });
const completeBody = z.object({ completedBy: z.string().max(64).optional() }).default({});
const scanBody = z.object({
  sku: z.string().trim().min(1).max(64),
  quantity: z.number().int().min(1).max(10_000).default(1),
  /** Chosen by the PDA per scan and sent again on a retry: the retry is not counted twice. */
  scanId: z.string().trim().min(1).max(128).optional(),
  scannedBy: z.string().max(64).optional(),
});

/** The task as the PDA shows it: the pick list, what is scanned, what is left to scan, how the pack was confirmed. */
const taskView = (task: WarehouseTask) => ({ ...task, remaining: remainingToScan(task.lines, task.scanned) });

const REFUSAL_CODES: Record<ScanRefusal['outcome'], { code: string; field?: string }> = {
  'task-closed': { code: 'TASK_CLOSED' },
  'wrong-sku': { code: 'WRONG_SKU', field: 'json.sku' },
  'over-scan': { code: 'OVER_SCAN', field: 'json.quantity' },
};

function scanRefused(refusal: ScanRefusal): ApiError {
  const { code, field } = REFUSAL_CODES[refusal.outcome];
  const message = refusalMessage(refusal);
  return new ApiError(409, code, message, field ? [{ path: field, message }] : undefined);
}

/** `/v1/warehouse/tasks`: the pick list the PDA shows, the pack check, and the packer's confirmation. */
export function warehouseTaskRoutes({ db, orders }: { db: Db; orders: OrderClient }) {
  const existingTask = async (taskId: string) => {
    const task = await findWarehouseTask(db, taskId);
    if (!task) throw notFound('task');
    return task;
  };

  /**
   * The pack is confirmed (scanned or on the packer's word): the order's workflow closes the task; the API
   * reports what the packer did. A merged parcel's task is sealed (nobody joins any more) and every order
   * still in it is told. Its orders seal it again and tell each other (SEAL_PARCEL_PATCH,
   * workflows/shipment-merge.ts), but the seal stays here too: whether an order takes that step is decided by
   * the worker handling this signal, not knowable here, and sealing only there would let an order join
   * between this confirmation and that step. Telling again is harmless (the workflow keeps a set of
   * completed tasks), which is what lets a confirmation whose signal failed be retried.
   */
  const packed = async (task: WarehouseTask, completedBy: string | undefined) => {
    for (const orderId of (await sealParcelOfTask(db, task.id)) ?? [task.orderId]) {
      await orders.handle(orderId).signal(taskCompletedSignal, { taskId: task.id, ...(completedBy === undefined ? {} : { completedBy }) });
    }
  };

  return new Hono<ApiEnv>()
    .get(
      '/:taskId',
      doc('A warehouse task: its pick list in walking order, the units scanned and still to scan, and how the pack was confirmed (packCheck)', {
        200: 'task',
        404: 'unknown task',
      }),
      requireScope('warehouse', 'orders:read'),
      validate('param', taskParam),
      async (c) => c.json(taskView(await existingTask(c.req.valid('param').taskId))),
    )
    .post(
      '/:taskId/scan',
      doc('Pack check: one scan of a SKU going into the box; the scan that completes every line confirms the pack (packCheck "scanned")', {
        200: 'scan counted (or a retried scanId, not counted again): the task with scanned and remaining',
        404: 'unknown task',
        409: 'refused: TASK_CLOSED, WRONG_SKU (not on the task) or OVER_SCAN (more than the task holds), naming the SKU and quantities',
        422: 'SCAN_ID_REUSED: the scanId was used for another SKU or quantity',
      }),
      requireScope('warehouse', 'orders:write'),
      validate('param', taskParam),
      validate('json', scanBody),
      async (c) => {
        const { taskId } = c.req.valid('param');
        const { scannedBy, ...scan } = c.req.valid('json');
        const outcome = await recordPackScan(db, taskId, scan);
        switch (outcome.result) {
          case 'not-found':
            throw notFound('task');
          case 'refused':
            throw scanRefused(outcome.refusal);
          case 'scan-id-reused':
            throw new ApiError(422, 'SCAN_ID_REUSED', 'this scanId was used for another SKU or quantity on this task', [
              { path: 'json.scanId', message: 'used before with another SKU or quantity' },
            ]);
        }
        const { task } = outcome;
        // A retried completing scan tells the workflow again: its first signal may be what timed out.
        if (task.packCheck === 'scanned' && task.status === 'open') await packed(task, scannedBy);
        return c.json({ ...taskView(task), replayed: outcome.result === 'replayed' }, 200);
      },
    )
    .post(
      '/:taskId/complete',
      doc('The packer confirms the task without scanning (PDA); recorded as packCheck "unverified" unless it was fully scanned', {
        202: 'accepted',
        404: 'unknown task',
        409: 'task not open',
      }),
      requireScope('warehouse', 'orders:write'),
      validate('param', taskParam),
      validate('json', completeBody),
      async (c) => {
        const { taskId } = c.req.valid('param');
        const task = await confirmPackUnverified(db, taskId);
        if (!task) throw conflict(`task is ${(await existingTask(taskId)).status}`);
        await packed(task, c.req.valid('json').completedBy);
        return c.json({ taskId, orderId: task.orderId, status: 'accepted', packCheck: task.packCheck }, 202);
      },
    );
}
