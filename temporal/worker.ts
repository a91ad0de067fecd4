import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { Activities } from '../activities';

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

export async function createWorker(p: WorkerParams): Promise<Worker> {
  return Worker.create({
    connection: p.connection,
    namespace: p.namespace,
    taskQueue: p.taskQueue,
    activities: p.activities,
    ...(p.workflowBundle ? { workflowBundle: p.workflowBundle } : { workflowsPath }),
    maxConcurrentActivityTaskExecutions: p.maxConcurrentActivityTaskExecutions ?? 100,
    // A plain Error thrown by workflow code is a bug: fail the workflow task (retried after a fix), never the order.
    shutdownGraceTime: '10 seconds',
  });
}
