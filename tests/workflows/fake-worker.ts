/**
 * A worker on the integration dev server running the real workflow bundle over fake activities: each
 * workflow test decides what the outside world answers, with no database, carrier or platform behind it.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Activities } from '../../activities';

export interface FakeWorker {
  client: Client;
  taskQueue: string;
  /** Runs `test` while a worker polls the task queue, then shuts that worker down. */
  running<T>(test: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function fakeWorker(activities: Partial<Activities>): Promise<FakeWorker> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `wf-test-${randomUUID()}`;
  return {
    client,
    taskQueue,
    // A worker runs once: each test gets its own, on the file's task queue.
    async running(test) {
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        activities,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      return worker.runUntil(test);
    },
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A workflow id no other test uses. */
export const uniqueId = (prefix: string) => `${prefix}-${randomUUID()}`;
