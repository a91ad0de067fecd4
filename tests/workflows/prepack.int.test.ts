/**
 * The pre-pack workflows on the real dev server with fake activities: a pre-pack holds its unit until an order
 * says it bought it or the TTL passes (then it is released), a scoring run starts one pre-pack per new
 * candidate, and the training run answers the stored model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import type { PrepackRow } from '../../db/queries/prepacks';
import { prepackBoughtSignal, prepackWorkflowId, PrepackStatusKey, WarehouseIdKey, type PrepackCandidate } from '../../workflows/contract';
import { fakeWorker, uniqueId, type FakeWorker } from './fake-worker';

/** What openPrepack answers per pre-pack id: opened in this warehouse for this long, or skipped. */
const openAnswers = new Map<string, { warehouseId: string; ttlMs: number } | { why: 'exists' | 'no-stock' | 'cap' }>();
const opened: string[] = [];
const expired: string[] = [];
/** What expirePrepack answers per pre-pack id (the ledger's final status); default `expired`. */
const expireAnswers = new Map<string, string>();
let candidates: PrepackCandidate[] = [];

const candidate = (prepackId: string): PrepackCandidate => ({
  prepackId,
  customerKey: `p:${prepackId}`,
  customerLabel: '138****0000',
  sku: 'SKU-1',
  probability: 0.93,
  modelId: 1,
  lastEventAtMs: Date.parse('2026-12-01T10:00:00Z'),
});

const row = (c: PrepackCandidate, warehouseId: string, ttlMs: number): PrepackRow => {
  const openedAt = new Date();
  return {
    id: c.prepackId,
    customerKey: c.customerKey,
    customerLabel: c.customerLabel,
    sku: c.sku,
    probability: c.probability,
    modelId: c.modelId,
    warehouseId,
    taskId: `task-${c.prepackId}`,
    waybillNo: `VW${c.prepackId}`,
    status: 'open',
    day: '2026-12-03',
    openedAt,
    expiresAt: new Date(openedAt.getTime() + ttlMs),
    closedAt: null,
    orderId: null,
  };
};

const activities: Partial<Activities> = {
  async openPrepack({ candidate: c }) {
    opened.push(c.prepackId);
    const answer = openAnswers.get(c.prepackId) ?? { why: 'no-stock' as const };
    return 'why' in answer ? { opened: false, why: answer.why } : { opened: true, row: row(c, answer.warehouseId, answer.ttlMs) };
  },
  async expirePrepack({ prepackId }) {
    expired.push(prepackId);
    return expireAnswers.get(prepackId) ?? 'expired';
  },
  async scorePrepackCandidates() {
    return candidates;
  },
  async trainPrepackModel() {
    return { modelId: null, why: 'not enough history' };
  },
};

let w: FakeWorker;
beforeAll(async () => {
  w = await fakeWorker(activities);
});
afterAll(async () => {
  await w?.close();
});

const start = (c: PrepackCandidate, ttlMs: number) =>
  w.client.workflow.start('prepackWorkflow', { taskQueue: w.taskQueue, workflowId: prepackWorkflowId(c.prepackId), args: [{ candidate: c, ttlMs }] });

/** The run's PrepackStatus once it reads `want` (search attributes are upserted by workflow tasks). */
async function statusOf(handle: Awaited<ReturnType<typeof start>>, want: string): Promise<string | undefined> {
  let status: string | undefined;
  for (let i = 0; i < 50 && status !== want; i++) {
    status = (await handle.describe()).typedSearchAttributes.get(PrepackStatusKey);
    if (status !== want) await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

describe('prepackWorkflow', () => {
  it('when a unit is reserved, then the pre-pack is held (open, in its warehouse); when the order says it bought it, then it ends bought without releasing the unit', async () => {
    const c = candidate(uniqueId('pp'));
    openAnswers.set(c.prepackId, { warehouseId: 'HZ1', ttlMs: 600_000 });
    const result = await w.running(async () => {
      const handle = await start(c, 600_000);
      expect(await statusOf(handle, 'open')).toBe('open');
      expect((await handle.describe()).typedSearchAttributes.get(WarehouseIdKey)).toBe('HZ1');
      await handle.signal(prepackBoughtSignal, { orderId: 'order-1' });
      const outcome = await handle.result();
      expect(await statusOf(handle, 'bought')).toBe('bought');
      return outcome;
    });
    expect(result).toEqual({ status: 'bought', warehouseId: 'HZ1', orderId: 'order-1' });
    expect(opened.filter((id) => id === c.prepackId)).toHaveLength(1);
    expect(expired).not.toContain(c.prepackId);
  });

  it('when nobody buys before the TTL, then the unit is released (expirePrepack) and the pre-pack ends expired', async () => {
    const c = candidate(uniqueId('pp'));
    openAnswers.set(c.prepackId, { warehouseId: 'SH1', ttlMs: 1_000 });
    const result = await w.running(async () => {
      const handle = await start(c, 1_000);
      const outcome = await handle.result();
      expect(await statusOf(handle, 'expired')).toBe('expired');
      return outcome;
    });
    expect(result).toEqual({ status: 'expired', warehouseId: 'SH1' });
    expect(expired.filter((id) => id === c.prepackId)).toHaveLength(1);
  });

  it('when the ledger already has it bought at the TTL, then the pre-pack ends bought (the ledger decides)', async () => {
    const c = candidate(uniqueId('pp'));
    openAnswers.set(c.prepackId, { warehouseId: 'SH1', ttlMs: 500 });
    expireAnswers.set(c.prepackId, 'bought');
    const result = await w.running(() => start(c, 500).then((h) => h.result()));
    expect(result).toEqual({ status: 'bought', warehouseId: 'SH1' });
    expect(expired.filter((id) => id === c.prepackId)).toHaveLength(1);
  });

  it('when no unit can be reserved, then it ends skipped with the reason and nothing to release', async () => {
    const c = candidate(uniqueId('pp'));
    openAnswers.set(c.prepackId, { why: 'cap' });
    const result = await w.running(async () => {
      const handle = await start(c, 600_000);
      const outcome = await handle.result();
      expect(await statusOf(handle, 'skipped-cap')).toBe('skipped-cap');
      return outcome;
    });
    expect(result).toEqual({ status: 'skipped-cap' });
    expect(expired).not.toContain(c.prepackId);
  });
});

describe('prepackScoringWorkflow', () => {
  it('when candidates are scored, then each gets a pre-pack workflow of its own, and one already running is left alone', async () => {
    const running = candidate(uniqueId('pp'));
    const fresh = [candidate(uniqueId('pp')), candidate(uniqueId('pp'))];
    openAnswers.set(running.prepackId, { warehouseId: 'HZ1', ttlMs: 600_000 });
    candidates = [running, ...fresh];
    const result = await w.running(async () => {
      const held = await start(running, 600_000);
      await statusOf(held, 'open');
      const outcome = await w.client.workflow.execute('prepackScoringWorkflow', { taskQueue: w.taskQueue, workflowId: uniqueId('prepack-score'), args: [{ ttlMs: 600_000 }] });
      // The new ones (no stock in this fake) end skipped; the one held before stays held until bought.
      for (const c of fresh) expect(await w.client.workflow.getHandle(prepackWorkflowId(c.prepackId)).result()).toEqual({ status: 'skipped-no-stock' });
      expect((await held.describe()).status.name).toBe('RUNNING');
      await held.signal(prepackBoughtSignal, { orderId: 'order-2' });
      await held.result();
      return outcome;
    });
    expect(result).toEqual({ candidates: 3, started: 2 });
    expect(opened.filter((id) => id === running.prepackId)).toHaveLength(1);
  });
});

describe('prepackTrainingWorkflow', () => {
  it('when training finds too little history, then it answers no new model', async () => {
    const result = await w.running(() => w.client.workflow.execute('prepackTrainingWorkflow', { taskQueue: w.taskQueue, workflowId: uniqueId('prepack-train'), args: [] }));
    expect(result).toEqual({ modelId: null });
  });
});
