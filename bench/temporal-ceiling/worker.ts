import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import pg from 'pg';
import { createCeilingActivities } from './activities';

export interface CeilingWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowBundle: WorkerOptions['workflowBundle'];
  /** With it, the local activity also inserts one row (bench `--pg`). */
  databaseUrl?: string | undefined;
  onReceived: (workflowId: string, at: number) => void;
  tuning?: CeilingWorkerTuning | undefined;
}

/**
 * Workflow task polling, the SDK's defaults when unset: 10 pollers, of which a fifth
 * (`nonStickyToStickyPollRatio` 0.2) poll the task queue itself, where every new workflow's first task is.
 */
export interface CeilingWorkerTuning {
  /** A fixed number of workflow task pollers, or `autoscaling` (the SDK scales them on the server's hints). */
  pollers?: number | 'autoscaling';
  nonStickyToStickyPollRatio?: number;
}

export interface RunningCeilingWorker {
  stop(): Promise<void>;
}

/** A worker for the ceiling workflow with the SDK's default tuning, as `temporal/worker.ts` runs the OMS. */
export async function startCeilingWorker(opts: CeilingWorkerOptions): Promise<RunningCeilingWorker> {
  const pool = opts.databaseUrl ? new pg.Pool({ connectionString: opts.databaseUrl, max: 8 }) : undefined;
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle,
    activities: createCeilingActivities({ onReceived: opts.onReceived, pool }),
    shutdownGraceTime: '5 seconds',
    ...(opts.tuning?.pollers === 'autoscaling'
      ? { workflowTaskPollerBehavior: { type: 'autoscaling' as const } }
      : opts.tuning?.pollers
        ? { workflowTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: opts.tuning.pollers } }
        : {}),
    ...(opts.tuning?.nonStickyToStickyPollRatio ? { nonStickyToStickyPollRatio: opts.tuning.nonStickyToStickyPollRatio } : {}),
  });
  const running = worker.run();
  let failure: unknown;
  running.catch((err: unknown) => void (failure = err));
  let stopped: Promise<void> | undefined;
  const stop = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await pool?.end();
    if (failure) throw failure;
  };
  return { stop: () => (stopped ??= stop()) };
}
