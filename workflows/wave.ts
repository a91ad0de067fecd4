/**
 * One wave (波次) of a warehouse, `wave-<waveId>`, from opening to packed (docs/waves.md).
 *
 * Opening is one activity: one transaction claims the tasks, stores the wave with its routed pick list and
 * tells the PDAs. Then the workflow tells each order its wave (a signal, recorded in this history: a crash
 * after the commit still tells every order, exactly as the history says). The API opens a wave by starting
 * this workflow together with the `waveOpened` update, which answers with the wave as soon as it is stored.
 *
 * Packed: when an order closes its task (completed or cancelled) it tells the wave (`waveTaskClosed`), and
 * the wave asks PostgreSQL whether any of its tasks is still open, marking itself packed once none is. The
 * task rows are the truth, the signals only say when to look: a merged parcel's task closes only when its
 * last order is done, and a task that closed before its order heard of the wave is seen by the first look
 * (or reported by the order when the wave's signal reaches it). Should a task close without any order telling
 * (an order workflow terminated by hand), the wave looks again every `recheckMs` anyway.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  orderWorkflowId,
  WAVE_DEFAULT_MAX_ORDERS,
  waveAssignedSignal,
  waveIdOf,
  waveOpenedUpdate,
  waveTaskClosedSignal,
  waveWorkflowId,
  type OpenedWave,
  type WaveInput,
  type WaveOutcome,
  type WaveScheduleInput,
} from './contract';

const { openWave, packWaveIfDone, warehousesToWave } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Retried until it works, like the orders' steps: a database outage delays the wave, it never loses it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DEFAULT_RECHECK_MS = 60 * 60_000;

export async function waveWorkflow(input: WaveInput): Promise<WaveOutcome> {
  const { waveId } = input;
  let opened: OpenedWave | null | undefined = undefined; // set once the wave is stored (null: nothing qualified)
  // The first look comes right after the orders are told: a task may have closed while the wave opened.
  let taskClosed = true;

  setHandler(waveOpenedUpdate, async () => {
    await condition(() => opened !== undefined);
    return opened?.wave ?? null;
  });
  setHandler(waveTaskClosedSignal, () => {
    taskClosed = true;
  });

  opened = await openWave(input);
  if (!opened) {
    await condition(allHandlersFinished); // the API's update gets its answer before the run ends
    return { waveId, status: 'empty' };
  }

  await Promise.all(
    opened.assignments.map(async ({ orderId, taskId }) => {
      try {
        await getExternalWorkflowHandle(orderWorkflowId(orderId)).signal(waveAssignedSignal, { waveId, taskId });
      } catch {
        // The order's workflow has closed (cancelled, or done long ago): its task is closed, the next look sees it.
        log.info('order not told of its wave: its workflow has closed', { orderId, waveId });
      }
    }),
  );

  const recheckMs = input.recheckMs ?? DEFAULT_RECHECK_MS;
  for (;;) {
    await condition(() => taskClosed, recheckMs);
    taskClosed = false;
    if (await packWaveIfDone({ waveId })) break;
  }
  await condition(allHandlersFinished);
  return { waveId, status: 'packed' };
}

/**
 * The scheduled run (WAVE_INTERVAL, temporal/schedules.ts): one wave in each warehouse that has open pick
 * tasks in no wave, each its own waveWorkflow left running on its own. Returns the ids of the waves started
 * (one whose tasks an on-demand wave took meanwhile ends `empty`).
 */
export async function waveScheduleWorkflow(input: WaveScheduleInput = {}): Promise<{ waveIds: string[] }> {
  const waveIds: string[] = [];
  for (const warehouseId of await warehousesToWave({ warehouseIds: input.warehouseIds })) {
    const waveId = waveIdOf(warehouseId, new Date(), uuid4());
    await startChild(waveWorkflow, {
      workflowId: waveWorkflowId(waveId),
      args: [{ waveId, warehouseId, maxOrders: input.maxOrders ?? WAVE_DEFAULT_MAX_ORDERS, createdBy: 'schedule' }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    waveIds.push(waveId);
  }
  return { waveIds };
}
