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
}

function recordingClient(delayMs: number, fail?: () => boolean) {
  const sent: Sent[] = [];
  let clock = 0;
  const client = {
    workflow: {
      async signalWithStart(_type: string, opts: { workflowId: string; signalArgs: [StockChange] }) {
        const sentAt = (clock += 1);
        await new Promise((r) => setTimeout(r, delayMs));
        if (fail?.()) throw new Error('temporal unavailable');
        sent.push({ workflowId: opts.workflowId, change: opts.signalArgs[0], sentAt });
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

  it('when changes arrive one after another, then each gets its own signal', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    for (let i = 0; i < 3; i += 1) await trigger(['SKU-2']);
    expect(sent.map((s) => s.change.changes)).toEqual([1, 1, 1]);
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

  it('when called outside an activity, then no order is named in the change', async () => {
    const { client, sent } = recordingClient(1);
    const trigger = createStockSyncTrigger({ client, taskQueue: 'q', intervalMs: 1000, idleMs: 60_000, logger });
    await trigger(['SKU-4']);
    expect(sent[0]?.change.orderIds).toBeUndefined();
  });
});
