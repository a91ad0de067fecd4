/** pricePollWorkflow over fake activities: what it reads, then pushes, and what a robot that keeps refusing does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import { fakeWorker, uniqueId, type FakeWorker } from '../workflows/fake-worker';

const calls: string[] = [];
let refuse = false;
const activities: Partial<Activities> = {
  async readListedPrices(input) {
    calls.push(`read:${(input?.storeIds ?? ['all']).join(',')}`);
    return { read: 4, changed: 2, opened: 1, closed: 1, skippedStores: 0 };
  },
  async pushPriceGaps() {
    calls.push('push');
    if (refuse) throw new Error('WeCom robot refused the markdown message: errcode 45009 api freq out of limit');
    return { pushed: 1 };
  },
};

let w: FakeWorker;
beforeAll(async () => {
  w = await fakeWorker(activities);
});
afterAll(async () => {
  await w?.close();
});

describe('pricePollWorkflow', () => {
  it('reads the stores’ prices, then pushes the new gaps', async () => {
    calls.length = 0;
    refuse = false;
    const outcome = await w.running(() => w.client.workflow.execute('pricePollWorkflow', { taskQueue: w.taskQueue, workflowId: uniqueId('price-poll'), args: [{ storeIds: ['s1', 's2'] }] }));
    expect(outcome).toEqual({ read: 4, opened: 1, closed: 1, pushed: 1 });
    expect(calls).toEqual(['read:s1,s2', 'push']);
  });

  it('a robot that keeps refusing: the push is retried, then the round ends without failing (the alerts wait for the next one)', async () => {
    calls.length = 0;
    refuse = true;
    const outcome = await w.running(() =>
      w.client.workflow.execute('pricePollWorkflow', { taskQueue: w.taskQueue, workflowId: uniqueId('price-poll'), args: [{ pushRetry: { initialIntervalMs: 50, maximumAttempts: 3 } }] }),
    );
    expect(outcome).toMatchObject({ read: 4, opened: 1, pushed: 0, pushError: expect.stringContaining('45009') });
    expect(calls).toEqual(['read:all', 'push', 'push', 'push']);
  });
});
