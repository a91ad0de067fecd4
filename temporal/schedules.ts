/**
 * The project's Temporal Schedules, created or brought up to date at start-up (visible and pausable in the
 * Temporal UI under Schedules).
 *
 * One Temporal Schedule per connected store, `poll-<storeId>`, starting `pollStoreWorkflow` every
 * POLL_INTERVAL with overlap policy SKIP (a poll still running makes the next one skip). Visible and
 * pausable in the Temporal UI under Schedules. `upsert` is idempotent: called when a store is connected or
 * changed, and for every store at start-up, so a changed interval or task queue reaches existing schedules.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction, type ScheduleSpec } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Logger } from '../infra/logger';
import { dailyReportScheduleId, pollScheduleId, prepackScoreScheduleId, prepackTrainScheduleId, waveScheduleId } from '../workflows/contract';
import type { dailyReportWorkflow } from '../workflows/daily-report';
import type { pollStoreWorkflow } from '../workflows/poll-store';
import type { prepackScoringWorkflow, prepackTrainingWorkflow } from '../workflows/prepack';
import type { waveScheduleWorkflow } from '../workflows/wave';

export interface PollSchedulesOptions {
  client: Client;
  taskQueue: string;
  intervalMs: number;
  logger: Logger;
}

export interface PollSchedules {
  /** Creates the store's schedule, or brings an existing one up to date. */
  upsert(storeId: string): Promise<void>;
  /** Polls now, beside the regular runs (an overlapping window is harmless: ingest is idempotent). */
  trigger(storeId: string): Promise<void>;
  remove(storeId: string): Promise<void>;
}

export function createPollSchedules({ client, taskQueue, intervalMs, logger }: PollSchedulesOptions): PollSchedules {
  const spec = (storeId: string): ScheduleSpec => ({
    // Spread over the interval, so a thousand stores do not all call their platforms in the same second.
    intervals: [{ every: intervalMs, offset: hashOf(storeId) % intervalMs }],
  });
  const action = (storeId: string): ScheduleOptionsStartWorkflowAction<typeof pollStoreWorkflow> => ({
    type: 'startWorkflow',
    workflowType: 'pollStoreWorkflow',
    workflowId: pollScheduleId(storeId),
    taskQueue,
    args: [{ storeId }],
    // A poll that cannot finish (no worker, platform hanging) must not block the next ones forever.
    workflowExecutionTimeout: Math.max(intervalMs * 6, 60 * 60 * 1000),
  });
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: intervalMs };
  const note = (storeId: string) => `Polls store ${storeId} for orders changed since its cursor`;

  return {
    async upsert(storeId) {
      try {
        await client.schedule.create({ scheduleId: pollScheduleId(storeId), spec: spec(storeId), action: action(storeId), policies, state: { note: note(storeId) } });
        logger.info({ storeId, intervalMs }, 'poll schedule created');
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
        await client.schedule.getHandle(pollScheduleId(storeId)).update((previous) => ({
          spec: spec(storeId),
          action: action(storeId),
          policies,
          state: { ...previous.state, note: previous.state.paused ? previous.state.note : note(storeId) },
        }));
      }
    },

    async trigger(storeId) {
      await client.schedule.getHandle(pollScheduleId(storeId)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    },

    async remove(storeId) {
      try {
        await client.schedule.getHandle(pollScheduleId(storeId)).delete();
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
    },
  };
}

function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export interface WaveScheduleOptions {
  client: Client;
  taskQueue: string;
  /** WAVE_INTERVAL; null (`off`): no scheduled waves, and a schedule left from before is removed. */
  intervalMs: number | null;
  logger: Logger;
}

/**
 * Waves on a schedule, `waves-<taskQueue>`: every WAVE_INTERVAL a waveScheduleWorkflow opens one wave in each
 * warehouse with open pick tasks in no wave (docs/waves.md). Overlap SKIP: a run still starting its waves makes
 * the next one skip; a worker down for hours catches up with one run, not one per missed interval.
 */
export async function upsertWaveSchedule({ client, taskQueue, intervalMs, logger }: WaveScheduleOptions): Promise<void> {
  const scheduleId = waveScheduleId(taskQueue);
  if (intervalMs === null) return removeSchedule(client, scheduleId, logger, 'WAVE_INTERVAL=off: wave schedule removed');
  const spec: ScheduleSpec = { intervals: [{ every: intervalMs }] };
  const action: ScheduleOptionsStartWorkflowAction<typeof waveScheduleWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'waveScheduleWorkflow',
    workflowId: scheduleId,
    taskQueue,
    args: [{}],
    // The run only starts the waves (each its own workflow): it must not hang on past the next interval.
    workflowExecutionTimeout: Math.max(intervalMs, 60_000),
  };
  // Temporal refuses a catch-up window under 10 seconds; a missed run is worth catching up for a minute at least.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(intervalMs, 60_000) };
  const note = 'Opens a wave in each warehouse with open pick tasks not in a wave';
  await putSchedule(client, scheduleId, { spec, action, policies, note }, logger, { intervalMs }, 'wave schedule created');
}

export interface DailyReportScheduleOptions {
  client: Client;
  taskQueue: string;
  /** DAILY_REPORT_AT in Asia/Shanghai; null (`off`, or no WECOM_WEBHOOK_URL): no schedule, and one left from before is removed. */
  at: { hour: number; minute: number } | null;
  logger: Logger;
}

/**
 * The daily report pushed to the WeCom group every day at DAILY_REPORT_AT, Asia/Shanghai, `daily-report-<taskQueue>`:
 * a dailyReportWorkflow without a date reports the day before (docs/reports.md). A server down at that time
 * still pushes when it is back within the catch-up window (a late report is still worth having that morning);
 * overlap SKIP: a push still retrying never gets a twin.
 */
export async function upsertDailyReportSchedule({ client, taskQueue, at, logger }: DailyReportScheduleOptions): Promise<void> {
  const scheduleId = dailyReportScheduleId(taskQueue);
  if (at === null) return removeSchedule(client, scheduleId, logger, 'daily report schedule removed (DAILY_REPORT_AT=off or no WECOM_WEBHOOK_URL)');
  // China keeps no daylight saving, but naming the zone keeps the schedule right wherever the server runs.
  const spec: ScheduleSpec = { calendars: [{ hour: at.hour, minute: at.minute, comment: 'DAILY_REPORT_AT' }], timezone: 'Asia/Shanghai' };
  const action: ScheduleOptionsStartWorkflowAction<typeof dailyReportWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'dailyReportWorkflow',
    workflowId: scheduleId,
    taskQueue,
    args: [{}],
    // Its retries take half an hour at most (both messages failing); a run still going after a day is stuck.
    workflowExecutionTimeout: 24 * 60 * 60_000,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 6 * 60 * 60_000 };
  const note = `Pushes yesterday's report to the WeCom group at ${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')} Asia/Shanghai`;
  await putSchedule(client, scheduleId, { spec, action, policies, note }, logger, { at }, 'daily report schedule created');
}

/** Creates the schedule, or brings an existing one up to date (keeping it paused, with its pause note, if someone paused it). */
async function putSchedule(
  client: Client,
  scheduleId: string,
  schedule: { spec: ScheduleSpec; action: ScheduleOptionsStartWorkflowAction<Workflow>; policies: { overlap: ScheduleOverlapPolicy; catchupWindow: number }; note: string },
  logger: Logger,
  details: Record<string, unknown>,
  created: string,
): Promise<void> {
  const { spec, action, policies, note } = schedule;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, state: { note } });
    logger.info({ scheduleId, ...details }, created);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      spec,
      action,
      policies,
      state: { ...previous.state, note: previous.state.paused ? previous.state.note : note },
    }));
  }
}

/** Removes a schedule that is switched off; one that is not there is fine. */
async function removeSchedule(client: Client, scheduleId: string, logger: Logger, removed: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    logger.info({ scheduleId }, removed);
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

export interface PrepackSchedulesOptions {
  client: Client;
  taskQueue: string;
  /** PREPACK_SCORE_INTERVAL; null (`off`): no scoring (and no training) schedule, and ones left from before are removed. */
  scoreIntervalMs: number | null;
  /** PREPACK_TRAIN_INTERVAL. */
  trainIntervalMs: number;
  /** PREPACK_TTL, handed to each pre-pack. */
  ttlMs: number;
  logger: Logger;
}

/**
 * Predictive pre-pack on two schedules: `prepack-score-<taskQueue>` scores customers with new behaviour every
 * PREPACK_SCORE_INTERVAL and starts a pre-pack workflow per candidate; `prepack-train-<taskQueue>` retrains the
 * model every PREPACK_TRAIN_INTERVAL (docs/prepack.md). Overlap SKIP for both.
 */
export async function upsertPrepackSchedules({ client, taskQueue, scoreIntervalMs, trainIntervalMs, ttlMs, logger }: PrepackSchedulesOptions): Promise<void> {
  const scoreId = prepackScoreScheduleId(taskQueue);
  const trainId = prepackTrainScheduleId(taskQueue);
  if (scoreIntervalMs === null) {
    await removeSchedule(client, scoreId, logger, 'PREPACK_SCORE_INTERVAL=off: pre-pack scoring schedule removed');
    return removeSchedule(client, trainId, logger, 'PREPACK_SCORE_INTERVAL=off: pre-pack training schedule removed');
  }
  const score: ScheduleOptionsStartWorkflowAction<typeof prepackScoringWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'prepackScoringWorkflow',
    workflowId: scoreId,
    taskQueue,
    args: [{ ttlMs }],
    workflowExecutionTimeout: Math.max(scoreIntervalMs * 5, 10 * 60_000),
  };
  await putSchedule(
    client,
    scoreId,
    { spec: { intervals: [{ every: scoreIntervalMs }] }, action: score, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(scoreIntervalMs, 60_000) }, note: 'Scores customers with new behaviour and pre-packs the likely purchases' },
    logger,
    { scoreIntervalMs },
    'pre-pack scoring schedule created',
  );
  const train: ScheduleOptionsStartWorkflowAction<typeof prepackTrainingWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'prepackTrainingWorkflow',
    workflowId: trainId,
    taskQueue,
    args: [],
    workflowExecutionTimeout: 2 * 60 * 60_000,
  };
  await putSchedule(
    client,
    trainId,
    { spec: { intervals: [{ every: trainIntervalMs }] }, action: train, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60 * 60_000 }, note: 'Retrains the pre-pack purchase model on the order and behaviour history' },
    logger,
    { trainIntervalMs },
    'pre-pack training schedule created',
  );
}
