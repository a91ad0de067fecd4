/**
 * The wave workflows and the daily report push on the real dev server with fake activities: what they ask
 * the outside world, in which order, and what they answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import type { NewReviewTask } from '../../db/queries/review-tasks';
import { dailyReportWorkflowId, waveOpenedUpdate, waveTaskClosedSignal, waveWorkflowId, type OpenedWave, type WaveRef } from '../../workflows/contract';
import { fakeWorker, uniqueId, type FakeWorker } from './fake-worker';

const wave = (waveId: string): WaveRef => ({
  waveId,
  warehouseId: 'HZ1',
  status: 'open',
  carrier: null,
  cutoff: null,
  orderIds: ['o-1', 'o-2'],
  taskIds: ['pick-o-1', 'pick-o-2'],
  pickList: [],
  routing: 's-shape',
  walkMeters: 10,
  naiveWalkMeters: 20,
  createdBy: 'on-demand',
  createdAt: new Date().toISOString(),
  packedAt: null,
});

const packLooks = new Map<string, number>();
const opened = new Map<string, OpenedWave | null>();
const pushes: { date: string; part: string }[] = [];
const reviewTasks: NewReviewTask[] = [];
let failingPart: string | undefined;

const activities: Partial<Activities> = {
  async openWave({ waveId }) {
    return opened.get(waveId) ?? null;
  },
  async packWaveIfDone({ waveId }) {
    const looks = (packLooks.get(waveId) ?? 0) + 1;
    packLooks.set(waveId, looks);
    return looks >= 2; // the first look (right after opening) finds a task still open
  },
  async warehousesToWave({ warehouseIds }) {
    return warehouseIds ?? [];
  },
  async pushDailyReportPart({ date, part }) {
    pushes.push({ date, part });
    if (part === failingPart) throw new Error('errcode 45009: api freq out of limit');
  },
  async openReviewTask(task) {
    reviewTasks.push(task);
  },
};

let w: FakeWorker;
beforeAll(async () => {
  w = await fakeWorker(activities);
});
afterAll(async () => {
  await w?.close();
});

describe('waveWorkflow', () => {
  it('when the wave opens, then the update answers with it, orders that have closed do not stop it, and it is packed once its tasks close', async () => {
    const waveId = uniqueId('W');
    opened.set(waveId, { wave: wave(waveId), assignments: [{ orderId: uniqueId('gone'), taskId: 'pick-o-1' }] });
    const outcome = await w.running(async () => {
      const handle = await w.client.workflow.start('waveWorkflow', {
        taskQueue: w.taskQueue,
        workflowId: waveWorkflowId(waveId),
        args: [{ waveId, warehouseId: 'HZ1', maxOrders: 10, createdBy: 'on-demand', recheckMs: 60_000 }],
      });
      expect(await handle.executeUpdate(waveOpenedUpdate)).toMatchObject({ waveId, orderIds: ['o-1', 'o-2'] });
      await handle.signal(waveTaskClosedSignal, { taskId: 'pick-o-1', orderId: 'o-1', status: 'completed' });
      return handle.result();
    });
    expect(outcome).toEqual({ waveId, status: 'packed' });
    expect(packLooks.get(waveId)).toBe(2);
  });

  it('when no task qualifies, then the update answers null and the run ends empty', async () => {
    const waveId = uniqueId('W');
    const outcome = await w.running(async () => {
      const handle = await w.client.workflow.start('waveWorkflow', {
        taskQueue: w.taskQueue,
        workflowId: waveWorkflowId(waveId),
        args: [{ waveId, warehouseId: 'HZ1', maxOrders: 10, createdBy: 'on-demand' }],
      });
      expect(await handle.executeUpdate(waveOpenedUpdate)).toBeNull();
      return handle.result();
    });
    expect(outcome).toEqual({ waveId, status: 'empty' });
    expect(packLooks.has(waveId)).toBe(false);
  });
});

describe('waveScheduleWorkflow', () => {
  it('starts one wave per warehouse with work, each its own workflow', async () => {
    const result = await w.running(() =>
      w.client.workflow.execute('waveScheduleWorkflow', { taskQueue: w.taskQueue, workflowId: uniqueId('waves'), args: [{ warehouseIds: ['HZ1', 'GZ1'] }] }),
    );
    expect(result.waveIds).toHaveLength(2);
    expect(result.waveIds[0]).toContain('HZ1');
    expect(result.waveIds[1]).toContain('GZ1');
  });
});

describe('dailyReportWorkflow', () => {
  it('when one message keeps failing, then the other is still sent and a review task says which and why', async () => {
    failingPart = 'image';
    const date = '2026-11-30';
    const workflowId = dailyReportWorkflowId(date, uniqueId('n'));
    const outcome = await w.running(() =>
      w.client.workflow.execute('dailyReportWorkflow', { taskQueue: w.taskQueue, workflowId, args: [{ date, retry: { initialIntervalMs: 50, maximumAttempts: 3 } }] }),
    );
    expect(outcome).toEqual({ date, sent: ['markdown'], failed: ['image'], reviewTaskId: `review-${workflowId}` });
    expect(pushes.filter((p) => p.date === date).map((p) => p.part)).toEqual(['markdown', 'image', 'image', 'image']);
    expect(reviewTasks).toEqual([expect.objectContaining({ id: `review-${workflowId}`, kind: 'daily-report-push', reason: expect.stringContaining('45009') })]);
  });
});
