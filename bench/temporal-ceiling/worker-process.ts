/**
 * A second worker process for the ceiling benchmark (`--workers 2`): spawned by `measureCeiling` with its
 * options in CEILING_WORKER (JSON), it reports the local activities it ran over IPC in small batches, says
 * `ready` once polling, and stops on `stop`.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startCeilingWorker, type CeilingWorkerTuning } from './worker';

interface ChildOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  databaseUrl?: string;
  tuning?: CeilingWorkerTuning;
}

const opts = JSON.parse(process.env.CEILING_WORKER ?? '{}') as ChildOptions;
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

Runtime.install({ logger: new DefaultLogger('WARN') });
let batch: [string, number][] = [];
const flush = async () => {
  if (batch.length === 0) return;
  const items = batch;
  batch = [];
  await send({ type: 'received', items });
};
const timer = setInterval(() => void flush(), 50);

const worker = await startCeilingWorker({
  address: opts.address,
  namespace: opts.namespace,
  taskQueue: opts.taskQueue,
  workflowBundle: { codePath: opts.bundlePath },
  databaseUrl: opts.databaseUrl,
  tuning: opts.tuning,
  onReceived: (workflowId, at) => void batch.push([workflowId, at]),
});
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stop') return;
  void (async () => {
    clearInterval(timer);
    await worker.stop();
    await flush();
    await send({ type: 'stopped' });
    process.disconnect();
  })();
});
// The parent went away without a word: do not outlive it.
process.on('disconnect', () => void worker.stop().finally(() => process.exit(0)));
await send({ type: 'ready' });
