/**
 * The stock-sync trigger's in-process coalescing, with a recording stand-in for the Temporal client: a
 * burst of changes becomes a handful of signals that together carry every change, and no caller is told
 * "done" before a signal sent after its change has been accepted.
 */
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { createStockSyncTrigger } from '../../temporal/stock-sync';
import type { StockChange } from '../../domain/stock';

interface Sent {
  workflowId: string;
  change: StockChange;
  sentAt: number;
  /** Date.now() when the signal was sent. */
  at: number;
}

function recordingClient(delayMs: number, fail?: () => boolean) {
  const sent: Sent[] = [];
  let clock = 0;
  const client = {
    workflow: {
      async signalWithStart(_type: string, opts: { workflowId: string; signalArgs: [StockChange] }) {
        const sentAt = (clock += 1);
        const at = Date.now();
        await new Promise((r) => setTimeout(r, delayMs));
        if (fail?.()) throw new Error('temporal unavailable');
        sent.push({ workflowId: opts.workflowId, change: opts.signalArgs[0], sentAt, at });
      },
    },
  } as unknown as Client;
  return { client, sent, tick: () => clock };
}

const logger = createLogger('silent');

describe('stock-sync trigger', () => {
  it('when 100 changes of one SKU arrive at once, then a few signals carry all 100 and every caller waits for one sent after its call', async () => {
    const { client, sent, tick } = recordingClient(20);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    const calls = Array.from({ length: 100 }, async () => {
      const calledAt = tick();
      await trigger(['SKU-1']);
      return calledAt;
    });
    const calledAt = await Promise.all(calls);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(sent.every((s) => s.workflowId === 'stock-sync-SKU-1')).toBe(true);
    expect(sent.reduce((sum, s) => sum + (s.change.changes ?? 1), 0)).toBe(100);
    expect(Math.max(...sent.map((s) => s.sentAt))).toBeGreaterThan(Math.max(...calledAt));
  });

  it('when changes arrive one after another, then each gets its own signal, a gap after the one before', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, signalGapMs: 50, logger });
    for (let i = 0; i < 3; i += 1) await trigger(['SKU-2']);
    expect(sent.map((s) => s.change.changes)).toEqual([1, 1, 1]);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(49);
    expect(sent[2]!.at - sent[1]!.at).toBeGreaterThanOrEqual(49);
  });

  it('when a SKU keeps changing, then its signals go at most one per gap, each carrying the changes since the last; a quiet SKU\'s first change goes at once', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 400, idleMs: 60_000, logger }); // gap: 200 ms
    const startedAt = Date.now();
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 30; i += 1) {
      calls.push(trigger(['SKU-HOT']));
      await new Promise((r) => setTimeout(r, 20)); // a change every 20 ms for 600 ms
    }
    await Promise.all(calls);
    expect(sent[0]!.at - startedAt).toBeLessThan(20);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < sent.length; i += 1) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(199);
    expect(sent.reduce((sum, s) => sum + (s.change.changes ?? 1), 0)).toBe(30);
  });

  it('when a SKU sells out within the gap, then its signal goes without waiting for the gap', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 10_000, idleMs: 60_000, logger });
    await trigger(['SKU-LAST'], ['o-1']);
    const soldOutAt = Date.now();
    await trigger(['SKU-LAST'], ['o-2'], ['SKU-LAST']);
    expect(sent.map((s) => s.change.soldOut ?? false)).toEqual([false, true]);
    expect(sent[1]!.at - soldOutAt).toBeLessThan(1000);
  });

  it('when several SKUs change, then each SKU has its own workflow', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    await trigger(['A', 'B', 'A']);
    expect(sent.map((s) => s.workflowId).sort()).toEqual(['stock-sync-A', 'stock-sync-B']);
  });

  it('when Temporal cannot be reached, then the change is logged and the caller is not failed', async () => {
    const { client, sent } = recordingClient(1, () => true);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    await expect(trigger(['SKU-3'])).resolves.toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('when the orders behind a change are given per SKU, then each SKU\'s signal names only the orders that held it', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    await trigger(['TEE', 'CUP'], new Map([['TEE', ['o-1', 'o-2']], ['CUP', ['o-2']]]));
    const change = (sku: string) => sent.find((s) => s.workflowId === `stock-sync-${sku}`)?.change;
    expect(change('TEE')).toMatchObject({ orderIds: ['o-1', 'o-2'], changes: 2 });
    expect(change('CUP')).toMatchObject({ orderIds: ['o-2'], changes: 1 });
  });

  it('when called outside an activity, then no order is named in the change', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    await trigger(['SKU-4']);
    expect(sent[0]?.change.orderIds).toBeUndefined();
  });

  it('when a SKU sells out, then its round is also run here at once, besides the signal; one at a time per SKU', async () => {
    const { client, sent } = recordingClient(1);
    const rounds: { sku: string; change: StockChange }[] = [];
    let finish!: () => void;
    const roundRunning = new Promise<void>((r) => (finish = r));
    const trigger = createStockSyncTrigger({
      client,
      taskQueue: 'q',
      intervalMs: 1000,
      idleMs: 60_000,
      logger,
      pushSoldOut: async (sku, change) => {
        rounds.push({ sku, change });
        await roundRunning;
      },
    });
    await trigger(['SKU-7', 'SKU-8'], ['o-1', 'o-2'], ['SKU-7']);
    expect(rounds).toEqual([{ sku: 'SKU-7', change: expect.objectContaining({ orderIds: ['o-1', 'o-2'], changes: 2 }) }]);
    expect(sent.find((s) => s.workflowId === 'stock-sync-SKU-7')?.change.soldOut).toBe(true);

    await trigger(['SKU-7'], ['o-3'], ['SKU-7']); // its round is still pushing: it reads the count when it starts
    expect(rounds).toHaveLength(1);
    finish();
    await new Promise((r) => setTimeout(r, 0));
    await trigger(['SKU-7'], ['o-4'], ['SKU-7']);
    expect(rounds.map((r) => r.change.orderIds)).toEqual([['o-1', 'o-2'], ['o-4']]);
  });

  it('when the round run at once fails, then the signal still goes and the failure is only logged', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger, pushSoldOut: async () => Promise.reject(new Error('platform down')) });
    await trigger(['SKU-9'], ['o-1'], ['SKU-9']);
    expect(sent.map((s) => s.change.soldOut)).toEqual([true]);
  });
});
