/**
 * The Temporal ceiling for a workflow of the OMS order's shape, as a function (no side effects on import):
 * `bench/temporal.ts` runs it against dev servers and a production-shaped server, and the ingest benchmark
 * can run it against its own server in the same run to compare its drain rate with what Temporal allows.
 *
 * N workflows `ceilingWorkflow` (bench/temporal-ceiling/workflow.ts) are started by signal-with-start (or a
 * plain start) with the order's typed search attributes and an order-sized input, at most `concurrency` calls
 * in flight, on a task queue of their own. Each runs one local activity, which records the time it ran in the
 * worker's process, and then waits for a signal that never comes. A workflow has "reached the wait" once that
 * local activity has run and the workflow task carrying it has completed:
 *
 *   reached/s = N / (last reached − first start call)
 *
 * where "last reached" is the latest of the last local-activity time and the WorkflowTaskCompleted times in
 * the histories of the workflows that ran their activity last. A sample of histories (those plus random
 * ones) gives workflow tasks, activity tasks and local activities per workflow, and checks each sampled
 * workflow is really waiting (no workflow task outstanding). A few warm-up workflows run first, untimed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: only its default export is reliable under Node's ESM loader
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { ChannelKey, OrderStatusKey, StatusSinceKey, UrgentKey } from '../../workflows/contract';
import { ensureSearchAttributes } from '../../temporal/search-attributes';
import { ensureCeilingTable } from './activities';
import { startCeilingWorker, type CeilingWorkerTuning, type RunningCeilingWorker } from './worker';
import { reportedSignal, type ceilingWorkflow } from './workflow';
import { quietBundlerLogger } from '../../temporal/worker';
import { percentile } from '../stats';

const { EventType } = proto.temporal.api.enums.v1;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const root = here('../../');

export interface CeilingOptions {
  address: string;
  namespace: string;
  /** Workflows started and timed (default 3000 in the CLI). */
  workflows: number;
  /** Start calls in flight at once. */
  concurrency: number;
  /** Worker processes polling the task queue: this one, plus `workerProcesses − 1` child processes. */
  workerProcesses?: number;
  /** Workflow task polling of every worker process; the SDK's defaults (as the OMS worker runs) when unset. */
  tuning?: CeilingWorkerTuning;
  /** `signal-with-start` (the ingest path, default) or `start` (the API's direct path). */
  startWith?: 'signal-with-start' | 'start';
  /** With it, the local activity also inserts one row into `temporal_ceiling` in this database. */
  databaseUrl?: string | undefined;
  /** Untimed workflows first, so the bundle load and first poll are not in the figure (default 50). */
  warmup?: number;
  /** Histories read for the per-workflow counts (default 40: the 20 that finished last and 20 random). */
  historySample?: number;
  /** Terminate the run's workflows afterwards (default true; pointless on a server that is thrown away). */
  terminate?: boolean;
  /** Progress lines; silent when omitted. */
  log?: (line: string) => void;
}

export interface CeilingResult {
  workflows: number;
  workerProcesses: number;
  startWith: 'signal-with-start' | 'start';
  /** Workflows reaching the wait per second (the ceiling). */
  perSecond: number;
  /** Start calls completed per second (client side; the starts alone). */
  startsPerSecond: number;
  elapsedMs: number;
  /** From the start call to the local activity, per workflow. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Per workflow, averaged over the sampled histories. */
  workflowTasksPerWorkflow: number;
  activityTasksPerWorkflow: number;
  localActivitiesPerWorkflow: number;
  historyEventsPerWorkflow: number;
  /** Sampled histories, and how many of them showed the workflow waiting (should be all). */
  sampled: number;
  sampledWaiting: number;
  /** Start calls retried after an error (overload shows here). */
  startRetries: number;
}

/** A representative order input (two lines, customer, address), so payloads weigh what the OMS's do. */
function sampleOrder(n: number) {
  return {
    channel: 'taobao',
    channelOrderId: `CEIL${n}`,
    createdAt: new Date().toISOString(),
    customer: { name: '王五', phone: '13900001111', nick: 'tb_buyer_001' },
    shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文一路 1 号 3 幢 201 室', postcode: '310012' },
    lines: [
      { sku: 'SKU-TEE-M', quantity: 2, unitPriceFen: 7900, title: '纯棉短袖 T 恤 白色 M' },
      { sku: 'SKU-CUP-500', quantity: 1, unitPriceFen: 2990, title: '保温杯 500ml' },
    ],
    urgent: false,
  };
}

export async function measureCeiling(opts: CeilingOptions): Promise<CeilingResult> {
  const log = opts.log ?? (() => undefined);
  const workerProcesses = Math.max(1, opts.workerProcesses ?? 1);
  const startWith = opts.startWith ?? 'signal-with-start';
  const warmup = opts.warmup ?? 50;
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const taskQueue = `ceiling-${runId}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0)) await fn().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  };

  try {
    const connection = await Connection.connect({ address: opts.address });
    cleanups.unshift(() => connection.close());
    await ensureSearchAttributes(connection, opts.namespace);
    const client = new Client({ connection, namespace: opts.namespace });

    if (opts.databaseUrl) {
      const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 1 });
      await ensureCeilingTable(pool);
      await pool.end();
    }

    // ── Workers ───────────────────────────────────────────────────────────────────────────────────────
    const { code } = await bundleWorkflowCode({ workflowsPath: here('./workflow.ts'), logger: quietBundlerLogger });
    const bundleDir = mkdtempSync(join(tmpdir(), 'oms-ceiling-'));
    cleanups.push(async () => rmSync(bundleDir, { recursive: true, force: true }));
    const bundlePath = join(bundleDir, 'workflow.js');
    writeFileSync(bundlePath, code);

    const reached = new Map<string, number>();
    let timedReached = 0;
    let lastReachedAt = 0;
    const timedPrefix = `${taskQueue}-n`;
    const onReceived = (workflowId: string, at: number) => {
      if (reached.has(workflowId)) return; // a retried workflow task runs its local activity again
      reached.set(workflowId, at);
      if (workflowId.startsWith(timedPrefix)) {
        timedReached += 1;
        lastReachedAt = Math.max(lastReachedAt, at);
      }
    };
    const workerOpts = { address: opts.address, namespace: opts.namespace, taskQueue, databaseUrl: opts.databaseUrl, tuning: opts.tuning };
    const workers: RunningCeilingWorker[] = [await startCeilingWorker({ ...workerOpts, workflowBundle: { code }, onReceived })];
    cleanups.unshift(() => workers[0]!.stop());
    for (let i = 1; i < workerProcesses; i++) {
      const child = await forkWorker({ ...workerOpts, bundlePath }, onReceived);
      cleanups.unshift(() => child.stop());
    }
    log(`${workerProcesses} worker process(es) polling ${taskQueue}`);

    // ── Starts ────────────────────────────────────────────────────────────────────────────────────────
    let startRetries = 0;
    const startedAt = new Map<string, number>();
    const startOne = async (workflowId: string, n: number) => {
      const common = {
        workflowId,
        taskQueue,
        args: [{ orderId: workflowId, order: sampleOrder(n) }] as Parameters<typeof ceilingWorkflow>,
        typedSearchAttributes: [
          { key: OrderStatusKey, value: 'PENDING_PAYMENT' },
          { key: ChannelKey, value: 'taobao' },
          { key: UrgentKey, value: false },
          { key: StatusSinceKey, value: new Date() },
        ],
      };
      startedAt.set(workflowId, Date.now());
      for (let attempt = 1; ; attempt++) {
        try {
          if (startWith === 'signal-with-start') {
            await client.workflow.signalWithStart<typeof ceilingWorkflow, [{ platform: string; messageId: string }]>('ceilingWorkflow', {
              ...common,
              signal: reportedSignal,
              signalArgs: [{ platform: 'taobao', messageId: `${workflowId}-m` }],
            });
          } else {
            await client.workflow.start<typeof ceilingWorkflow>('ceilingWorkflow', common);
          }
          return;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return; // an earlier attempt got through
          if (attempt >= 5) throw err;
          startRetries += 1;
          await sleep(200 * attempt);
        }
      }
    };
    const startAll = async (ids: string[]) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(opts.concurrency, ids.length) }, async () => {
          while (next < ids.length) {
            const i = next++;
            await startOne(ids[i]!, i);
          }
        }),
      );
    };
    const waitReached = async (count: () => number, target: number, what: string) => {
      let last = -1;
      let lastProgress = Date.now();
      let lastLog = Date.now();
      while (count() < target) {
        if (count() !== last) [last, lastProgress] = [count(), Date.now()];
        if (Date.now() - lastProgress > 120_000) throw new Error(`${what}: stuck at ${count()} of ${target} for 120 s`);
        if (Date.now() - lastLog > 5_000) {
          log(`  ${count()} of ${target} reached the wait`);
          lastLog = Date.now();
        }
        await sleep(20);
      }
    };

    const warmIds = Array.from({ length: warmup }, (_, i) => `${taskQueue}-w${i}`);
    await startAll(warmIds);
    await waitReached(() => warmIds.filter((id) => reached.has(id)).length, warmIds.length, 'warm-up');

    const ids = Array.from({ length: opts.workflows }, (_, i) => `${timedPrefix}${i}`);
    log(`starting ${ids.length} workflows (${startWith}, ${opts.concurrency} in flight)`);
    const t0 = Date.now();
    await startAll(ids);
    const startsDone = Date.now();
    await waitReached(() => timedReached, ids.length, 'timed run');

    // ── Histories ─────────────────────────────────────────────────────────────────────────────────────
    const sampleSize = Math.min(opts.historySample ?? 40, ids.length);
    const byFinish = [...ids].sort((a, b) => reached.get(a)! - reached.get(b)!);
    const tail = byFinish.slice(-Math.ceil(sampleSize / 2));
    const rest = byFinish.slice(0, -tail.length);
    const random = shuffle(rest).slice(0, sampleSize - tail.length);
    const tailStats = await Promise.all(tail.map((id) => historyStats(client, id)));
    const randomStats = await Promise.all(random.map((id) => historyStats(client, id)));
    const stats = [...tailStats, ...randomStats];
    const lastTaskCompleted = Math.max(0, ...tailStats.map((s) => s.lastTaskCompletedAt));
    const end = Math.max(lastReachedAt, lastTaskCompleted);
    const elapsedMs = end - t0;
    const avg = (pick: (s: HistoryStats) => number) => stats.reduce((sum, s) => sum + pick(s), 0) / stats.length;
    const latencies = ids.map((id) => reached.get(id)! - startedAt.get(id)!).sort((a, b) => a - b);

    const result: CeilingResult = {
      workflows: ids.length,
      workerProcesses,
      startWith,
      perSecond: ids.length / (elapsedMs / 1000),
      startsPerSecond: ids.length / ((startsDone - t0) / 1000),
      elapsedMs,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
      workflowTasksPerWorkflow: avg((s) => s.workflowTasks),
      activityTasksPerWorkflow: avg((s) => s.activityTasks),
      localActivitiesPerWorkflow: avg((s) => s.localActivities),
      historyEventsPerWorkflow: avg((s) => s.events),
      sampled: stats.length,
      sampledWaiting: stats.filter((s) => s.waiting).length,
      startRetries,
    };

    if (opts.terminate ?? true) {
      log(`terminating the run's ${ids.length + warmIds.length} workflows`);
      const all = [...warmIds, ...ids];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(opts.concurrency, all.length) }, async () => {
          while (next < all.length) {
            const id = all[next++]!;
            await client.workflow
              .getHandle(id)
              .terminate('ceiling benchmark run over')
              .catch((err: unknown) => {
                if (!(err instanceof WorkflowNotFoundError)) throw err;
              });
          }
        }),
      );
    }
    return result;
  } finally {
    await cleanup();
  }
}

interface HistoryStats {
  events: number;
  workflowTasks: number;
  activityTasks: number;
  localActivities: number;
  /** The local activity is recorded and no workflow task is outstanding: the workflow is at its wait. */
  waiting: boolean;
  lastTaskCompletedAt: number;
}

async function historyStats(client: Client, workflowId: string): Promise<HistoryStats> {
  // The history may trail the worker by the workflow task's completion: read again until it is there.
  for (let attempt = 0; ; attempt++) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const count = (type: proto.temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
    const completed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const stats: HistoryStats = {
      events: events.length,
      workflowTasks: completed.length,
      activityTasks: count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      localActivities: count(EventType.EVENT_TYPE_MARKER_RECORDED),
      waiting: false,
      lastTaskCompletedAt: Math.max(0, ...completed.map((e) => tsMs(e.eventTime))),
    };
    stats.waiting = stats.localActivities >= 1 && count(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) === stats.workflowTasks;
    if (stats.waiting || attempt >= 25) return stats;
    await sleep(200);
  }
}

/** A worker in a child process on the same task queue; its local activities are reported back over IPC. */
async function forkWorker(
  opts: { address: string; namespace: string; taskQueue: string; bundlePath: string; databaseUrl?: string | undefined; tuning?: CeilingWorkerTuning | undefined },
  onReceived: (workflowId: string, at: number) => void,
): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = fork(here('./worker-process.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CEILING_WORKER: JSON.stringify(opts) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type: string; items?: [string, number][] }) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'received') for (const [id, at] of message.items ?? []) onReceived(id, at);
      if (message.type === 'stopped') stopped?.();
    });
    child.once('exit', (code) => reject(new Error(`ceiling worker process exited (${code}) before it was ready`)));
  });
  return {
    async stop() {
      if (child.exitCode !== null || !child.connected) return;
      const done = new Promise<void>((resolve) => (stopped = resolve));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await Promise.race([done.then(() => exited), exited]);
      clearTimeout(timer);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tsMs = (ts: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined) =>
  ts ? Number(ts.seconds?.toString() ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6 : 0;

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
