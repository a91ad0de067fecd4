/**
 * A platform pushing a burst of signed "paid" webhooks at a running OMS over HTTP, as the platforms do: many
 * connections at once, and a push that was not acknowledged (any answer but 200, a connection error, no answer
 * in time) is pushed again later until it is. Every attempt is recorded with its start and end time and what
 * came back, so a test can tell what the OMS answered while one of its dependencies was down.
 */
import type { RunningSimulator } from '../../channels/simulators';
import type { Platform } from '../../channels/types';
import { sleep } from './oms-process';

export interface PushWork {
  platform: Platform;
  channelOrderId: string;
  orderId: string;
}

export interface PushAttempt {
  orderId: string;
  /** `Date.now()` when the request was sent and when its answer (or failure) came. */
  startedAt: number;
  endedAt: number;
  /** HTTP status, `error` (connection refused/reset) or `timeout` (no answer within the request timeout). */
  outcome: number | 'error' | 'timeout';
  body?: string;
}

export interface BurstOptions {
  apiUrl: string;
  simulator: RunningSimulator;
  work: readonly PushWork[];
  concurrency: number;
  /** Give up re-pushing after this long (the burst then resolves with what was acknowledged). */
  deadlineMs: number;
  /** Per request. */
  requestTimeoutMs?: number;
  /** A sender waits this long after an unacknowledged attempt before it takes the next push. */
  retryDelayMs?: number;
  /** Called after every acknowledgement with the number acknowledged so far (fault injection hooks in here). */
  onAck?: (acknowledged: number) => void;
}

export interface Burst {
  /** Order id → when its push was first acknowledged. */
  readonly acked: ReadonlyMap<string, number>;
  readonly attempts: readonly PushAttempt[];
  /** Resolves once every push is acknowledged, or at the deadline. */
  readonly done: Promise<void>;
  /** Stops re-pushing (cleanup); `done` resolves soon after. */
  stop(): void;
}

export function startBurst(opts: BurstOptions): Burst {
  const acked = new Map<string, number>();
  const attempts: PushAttempt[] = [];
  const queue = [...opts.work];
  const deadline = Date.now() + opts.deadlineMs;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const retryDelayMs = opts.retryDelayMs ?? 250;
  let inFlight = 0;
  let stopped = false;

  const pushOnce = async (item: PushWork): Promise<boolean> => {
    const push = opts.simulator.sim.signedPush({ kind: 'paid', channelOrderId: item.channelOrderId });
    const query = new URLSearchParams(push.query).toString();
    const startedAt = Date.now();
    try {
      const res = await fetch(`${opts.apiUrl}/v1/webhooks/${item.platform}${query ? `?${query}` : ''}`, {
        method: 'POST',
        headers: push.headers,
        body: push.body,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const body = await res.text();
      attempts.push({ orderId: item.orderId, startedAt, endedAt: Date.now(), outcome: res.status, ...(res.status === 200 ? {} : { body: body.slice(0, 300) }) });
      return res.status === 200;
    } catch (err) {
      const name = (err as Error).name;
      attempts.push({ orderId: item.orderId, startedAt, endedAt: Date.now(), outcome: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error' });
      return false;
    }
  };

  const sender = async () => {
    while (!stopped && Date.now() < deadline) {
      const item = queue.shift();
      if (!item) {
        if (inFlight === 0) return; // everything acknowledged
        await sleep(50); // others may still put theirs back
        continue;
      }
      inFlight += 1;
      const ok = await pushOnce(item);
      inFlight -= 1;
      if (ok) {
        if (!acked.has(item.orderId)) acked.set(item.orderId, Date.now());
        opts.onAck?.(acked.size);
      } else {
        queue.push(item); // the platform pushes it again later
        await sleep(retryDelayMs);
      }
    }
  };

  const done = Promise.all(Array.from({ length: opts.concurrency }, sender)).then(() => undefined);
  return {
    acked,
    attempts,
    done,
    stop() {
      stopped = true;
    },
  };
}

/** Counts of attempt outcomes, e.g. `{ "200": 290, "503": 12, error: 40 }`. */
export function outcomesOf(attempts: readonly PushAttempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of attempts) counts[String(a.outcome)] = (counts[String(a.outcome)] ?? 0) + 1;
  return counts;
}
