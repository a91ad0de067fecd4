/**
 * Listed prices on a schedule, `price-poll-<taskQueue>`: every PRICE_POLL_INTERVAL a pricePollWorkflow reads the
 * stores' prices and pushes new gaps (like the store poll and wave schedules in temporal/schedules.ts). Overlap
 * SKIP: a round still reading makes the next one skip. `off` removes the schedule.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Logger } from '../infra/logger';
import { pricePollNowWorkflowId, pricePollScheduleId } from '../workflows/contract';
import type { pricePollWorkflow } from '../workflows/price-poll';

export async function upsertPricePollSchedule({ client, taskQueue, intervalMs, logger }: { client: Client; taskQueue: string; intervalMs: number | null; logger: Logger }): Promise<void> {
  const scheduleId = pricePollScheduleId(taskQueue);
  const handle = client.schedule.getHandle(scheduleId);
  if (intervalMs === null) {
    try {
      await handle.delete();
      logger.info({ scheduleId }, 'PRICE_POLL_INTERVAL=off: price poll schedule removed');
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    return;
  }
  const spec = { intervals: [{ every: intervalMs }] };
  const action: ScheduleOptionsStartWorkflowAction<typeof pricePollWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'pricePollWorkflow',
    workflowId: scheduleId,
    taskQueue,
    args: [{}],
    workflowExecutionTimeout: Math.max(intervalMs * 2, 30 * 60_000),
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(intervalMs, 60_000) };
  const note = 'Reads listed prices from every store and opens or closes cross-channel price-gap alerts';
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, state: { note } });
    logger.info({ scheduleId, intervalMs }, 'price poll schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((previous) => ({ spec, action, policies, state: { ...previous.state, note: previous.state.paused ? previous.state.note : note } }));
  }
}

/** Runs a round now, beside the schedule (`POST /v1/alerts/price-gaps/poll`). */
export async function triggerPricePoll(client: Client, taskQueue: string): Promise<{ workflowId: string }> {
  const workflowId = pricePollNowWorkflowId(`${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  await client.workflow.start<typeof pricePollWorkflow>('pricePollWorkflow', { workflowId, taskQueue, args: [{}] });
  return { workflowId };
}
