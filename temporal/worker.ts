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
}

/** The worker of one process: the order task queue, and the channel stock sync's own queue beside it. */
export interface OmsWorker {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Polls the order task queue and the stock-sync queue. Channel stock sync has a queue of its own so that a
 * backlog of order workflows after a burst never delays telling the channels that a SKU sold out.
 */
export async function createWorker(p: WorkerParams): Promise<OmsWorker> {
  const workflowBundle = p.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger }));
  const make = (taskQueue: string) =>
    Worker.create({
      connection: p.connection,
      namespace: p.namespace,
      taskQueue,
      activities: p.activities,
      workflowBundle,
      maxConcurrentActivityTaskExecutions: p.maxConcurrentActivityTaskExecutions ?? 100,
      // A plain Error thrown by workflow code is a bug: fail the workflow task (retried after a fix), never the order.
      shutdownGraceTime: '10 seconds',
    });
  const workers = [await make(p.taskQueue), await make(stockSyncTaskQueue(p.taskQueue))];
  return {
    async run() {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}

const quiet = () => undefined;
/** The workflow bundler's logger: its own errors only (webpack's progress is noise in a worker's log). */
export const quietBundlerLogger = { trace: quiet, debug: quiet, info: quiet, warn: (message: string) => console.warn(message), error: (message: string) => console.error(message), log: quiet };
