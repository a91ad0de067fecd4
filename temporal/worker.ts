import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { Activities } from '../activities';
import { stockSyncTaskQueue } from '../workflows/contract';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
  /** Order workflows kept in the worker's sticky cache (TEMPORAL_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
}

/** The worker of one process: the order task queue, and the channel stock sync's own queue beside it. */
export interface OmsWorker {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Polls the order task queue and the stock-sync queue. Channel stock sync has a queue of its own so that a
 * backlog of order workflows after a burst never delays telling the channels that a SKU sold out.
 *
 * Workflow code runs without the SDK's CPU limit per call (`isolateExecutionTimeout`, 5 s): the SDK enforces it
 * with Node's `vm` timeout, which starts and joins a watchdog thread on every call into the workflow sandbox,
 * about 85 µs each on an idle core and several calls per activation; on two busy cores it was a third of the
 * workflow thread's time during a catch-up. `patches/@temporalio+worker+1.24.0.patch` (applied by
 * `postinstall`) leaves the timeout out. What is given up: a workflow stuck in an endless loop stalls its
 * worker's workflow thread instead of failing its task after 5 s; the workflow code is ours, deterministic and
 * replay-tested.
 *
 * The same patch installs the SDK's promise hook only with WORKFLOW_STACK_TRACES=on. The hook captures and
 * source-maps a stack trace for every promise a workflow creates, so that the stack-trace query (the Web UI's
 * "Stack Trace" tab) can show where a workflow waits: during a catch-up that was 40% of the workflow thread.
 * Off, the query answers with an empty trace; the order's status, timeline and search attributes still say
 * where it waits.
 */
export async function createWorker(p: WorkerParams): Promise<OmsWorker> {
  const workflowBundle = p.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger }));
  const make = (taskQueue: string, maxCachedWorkflows: number) =>
    Worker.create({
      connection: p.connection,
      namespace: p.namespace,
      taskQueue,
      activities: p.activities,
      workflowBundle,
      maxConcurrentActivityTaskExecutions: p.maxConcurrentActivityTaskExecutions ?? 100,
      // The SDK sizes its cache by the heap limit (about 2,300 workflows per worker on a 4 GiB heap), assuming
      // small workflows; orders wait days between steps, and a burst's thousands of cached orders filled the
      // heap and slowed the catch-up behind it. An evicted order replays its history when it next moves.
      maxCachedWorkflows,
      // A plain Error thrown by workflow code is a bug: fail the workflow task (retried after a fix), never the order.
      shutdownGraceTime: '10 seconds',
    });
  // One stock-sync workflow per SKU: a small cache holds the busy ones.
  const workers = [await make(p.taskQueue, p.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS), await make(stockSyncTaskQueue(p.taskQueue), STOCK_SYNC_CACHED_WORKFLOWS)];
  return {
    async run() {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}

/** The default of TEMPORAL_MAX_CACHED_WORKFLOWS (config/env.ts), for workers made without it (tests). */
const DEFAULT_MAX_CACHED_WORKFLOWS = 500;
const STOCK_SYNC_CACHED_WORKFLOWS = 100;

const quiet = () => undefined;
/** The workflow bundler's logger: its own errors only (webpack's progress is noise in a worker's log). */
export const quietBundlerLogger = { trace: quiet, debug: quiet, info: quiet, warn: (message: string) => console.warn(message), error: (message: string) => console.error(message), log: quiet };
