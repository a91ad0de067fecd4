/**
 * The small workflows (restock, stock sync, store poll, tracking write-back) on the real dev server with
 * fake activities: what they call, in which order, and what they answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import type { PollStoreResult, TrackingWriteBackInput } from '../../workflows/contract';
import { moreStockSignal, pollScheduleId, restockWorkflowId, stockChangedSignal, stockSyncWorkflowId, trackingWriteBackWorkflowId } from '../../workflows/contract';
import { fakeWorker, uniqueId, type FakeWorker } from './fake-worker';

const offers: string[][] = [];
const rounds: { sku: string; changes: number; orderIds?: string[] | undefined }[] = [];
const chunks: string[] = [];
const writeBacks: TrackingWriteBackInput[] = [];
let chunkAnswers: { orders: number; cursor: string; caughtUp: boolean }[] = [];

const activities: Partial<Activities> = {
  async offerStockToBackorders({ skus }) {
    offers.push(skus);
    await new Promise((r) => setTimeout(r, 200)); // long enough for a signal to arrive meanwhile
  },
  async syncSkuStock(p) {
    rounds.push({ sku: p.sku, changes: p.changes, orderIds: p.orderIds });
    return { roundId: rounds.length, available: 0, stores: [] };
  },
  async pollStoreChunk({ storeId }) {
    chunks.push(storeId);
    return chunkAnswers.shift() ?? { orders: 0, cursor: new Date(0).toISOString(), caughtUp: true };
  },
  async writeTrackingBack(input) {
    writeBacks.push(input);
    return { outcome: 'written' };
  },
};

let w: FakeWorker;
beforeAll(async () => {
  w = await fakeWorker(activities);
});
afterAll(async () => {
  await w?.close();
});

describe('restockWorkflow', () => {
  it('when more stock arrives while an offer runs, then it is offered in one more round, and the run ends', async () => {
    const sku = uniqueId('SKU');
    await w.running(async () => {
      const handle = await w.client.workflow.start('restockWorkflow', { taskQueue: w.taskQueue, workflowId: restockWorkflowId(sku), args: [{ skus: [sku] }] });
      // The signal must land while the first offer runs (sent with the start, it would join the first round).
      while (!offers.some((o) => o.includes(sku))) await new Promise((r) => setTimeout(r, 5));
      await handle.signal(moreStockSignal, { skus: [`${sku}-B`] });
      await handle.result();
    });
    expect(offers.filter((o) => o.some((s) => s.startsWith(sku)))).toEqual([[sku], [`${sku}-B`]]);
  });
});

describe('stockSyncWorkflow', () => {
  it('when changes arrive, then the first is pushed at once, the rest coalesced into one round, and the run ends when idle', async () => {
    const sku = uniqueId('SKU');
    await w.running(async () => {
      const handle = await w.client.workflow.signalWithStart('stockSyncWorkflow', {
        taskQueue: w.taskQueue,
        workflowId: stockSyncWorkflowId(sku),
        args: [{ sku, intervalMs: 1_000, idleMs: 1_500 }],
        signal: stockChangedSignal,
        signalArgs: [{ at: new Date().toISOString(), orderIds: ['o-1'] }],
      });
      await new Promise((r) => setTimeout(r, 300));
      await handle.signal(stockChangedSignal, { at: new Date().toISOString(), orderIds: ['o-2'] });
      await handle.signal(stockChangedSignal, { at: new Date().toISOString(), orderIds: ['o-3'], changes: 2 });
      await handle.result();
    });
    expect(rounds.filter((r) => r.sku === sku)).toEqual([
      { sku, changes: 1, orderIds: ['o-1'] },
      { sku, changes: 3, orderIds: ['o-2', 'o-3'] },
    ]);
  });
});

describe('pollStoreWorkflow', () => {
  it('when the backlog takes several chunks, then it polls until caught up and sums the orders', async () => {
    const storeId = uniqueId('store');
    chunkAnswers = [
      { orders: 3, cursor: '2026-11-25T01:00:00.000Z', caughtUp: false },
      { orders: 2, cursor: '2026-11-25T02:00:00.000Z', caughtUp: true },
    ];
    const result = await w.running(() =>
      w.client.workflow.execute('pollStoreWorkflow', { taskQueue: w.taskQueue, workflowId: pollScheduleId(storeId), args: [{ storeId }] }),
    );
    expect(result as PollStoreResult).toEqual({ storeId, orders: 5, chunks: 2, cursor: '2026-11-25T02:00:00.000Z', caughtUp: true });
    expect(chunks.filter((c) => c === storeId)).toHaveLength(2);
  });
});

describe('trackingWriteBackWorkflow', () => {
  it('when started for a shipped order, then it writes the waybill back once and answers the outcome', async () => {
    const input: TrackingWriteBackInput = { orderId: uniqueId('taobao'), storeId: 'shop-1', channelOrderId: 'T1', carrier: 'sf', waybillNo: 'SF100' };
    const result = await w.running(() =>
      w.client.workflow.execute('trackingWriteBackWorkflow', { taskQueue: w.taskQueue, workflowId: trackingWriteBackWorkflowId(input.orderId), args: [input] }),
    );
    expect(result).toEqual({ outcome: 'written' });
    expect(writeBacks.filter((b) => b.orderId === input.orderId)).toEqual([input]);
  });
});
