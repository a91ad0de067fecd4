/**
 * The order starter: hands accepted orders (the `order_intake` outbox) to Temporal. Acceptance — the order
 * row, its stock holds, this outbox row — is one PostgreSQL transaction at the intake's own pace; starting
 * workflows goes at Temporal's pace, here, behind it. A burst therefore never waits for Temporal to be held and
 * listed, and an order accepted just before a crash is started by the next starter to look.
 *
 * Several starters (one per worker or ingest process) share the outbox: each claims a batch with SKIP LOCKED
 * for `claimMs`; a claim that runs out (its starter died) is taken over. Starting twice is harmless (the
 * workflow id is the order's, duplicates are rejected).
 */
import type { Db } from '../db/client';
import { claimUnstarted, markStarted, prepareStarts, releaseClaims, startedNotAllocated } from '../db/queries/intake';
import { createWaker } from '../ingest/drain';
import type { Logger } from '../infra/logger';
import type { AcceptedInput } from './order-client';

export interface OrderStarterDeps {
  db: Db;
  /** Starts the orders accepted for this task queue. */
  taskQueue: string;
  start: (input: AcceptedInput) => Promise<void>;
  logger: Logger;
  /** Workflow starts in flight at once. */
  concurrency?: number;
  /** Orders claimed per round. */
  batch?: number;
  /**
   * Paid orders whose workflow has been started but has not allocated them yet, at most: starting faster than
   * Temporal runs the workflows only queues work inside it, and takes the CPU the intake needs during a burst.
   */
  maxAhead?: number;
  /**
   * True while orders should be recorded first (a burst is being buffered): starts wait. On a small machine the
   * intake and Temporal share the CPU, and holding the stock of every accepted order matters more than
   * starting the workflows a minute earlier.
   */
  intakeFirst?: () => Promise<boolean>;
  /** How long a claim lasts before another starter may take the orders over. */
  claimMs?: number;
  /** Look for work this often when nobody says there is some (other processes' intakes). */
  idleMs?: number;
  /** How far apart two orders of one buyer are suspected duplicates (DEDUP_WINDOW): each round claims its orders'. */
  dedupWindowMs?: number | undefined;
}

export interface OrderStarter {
  /** New orders were accepted in this process: look now rather than at the next idle tick. */
  wake(): void;
  /** Workflows started by this starter so far. */
  readonly started: number;
  stop(): Promise<void>;
}

/** A start that failed is tried again after this long. */
const RETRY_AFTER_MS = 2_000;
/** How long to let Temporal catch up when it is `maxAhead` orders behind. */
const AHEAD_WAIT_MS = 200;

export function startOrderStarter(deps: OrderStarterDeps): OrderStarter {
  const { db, logger } = deps;
  const concurrency = deps.concurrency ?? 64;
  const batch = deps.batch ?? 500;
  const claimMs = deps.claimMs ?? 30_000;
  const idleMs = deps.idleMs ?? 1_000;
  const maxAhead = deps.maxAhead ?? 300;
  let stopping = false;
  let started = 0;
  const waker = createWaker(idleMs);
  const sleep = waker.sleep;

  const round = async (): Promise<number | 'ahead'> => {
    if (await deps.intakeFirst?.()) return 'ahead';
    const room = Math.min(batch, maxAhead - (await startedNotAllocated(db, deps.taskQueue)));
    if (room <= 0) return 'ahead';
    const claimed = await claimUnstarted(db, deps.taskQueue, room, claimMs);
    if (claimed.length === 0) return 0;
    // The round's duplicate claims and pre-pack lookups, in one transaction (each workflow would ask on its own).
    const inputs = await db.transaction((tx) => prepareStarts(tx, claimed.map((c) => c.input), deps.dedupWindowMs));
    const done: string[] = [];
    let next = 0;
    let failure: unknown;
    const lane = async () => {
      for (let item = inputs[next++]; item && !stopping; item = inputs[next++]) {
        try {
          await deps.start(item);
          done.push(item.orderId);
        } catch (err) {
          failure ??= err; // left claimed: retried when the claim runs out
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane));
    await markStarted(db, done);
    // What could not be started (Temporal down) is looked at again shortly, not when the whole claim runs out.
    await releaseClaims(db, claimed.map((c) => c.orderId).filter((id) => !done.includes(id)), RETRY_AFTER_MS);
    started += done.length;
    if (failure) logger.warn({ err: failure, failed: claimed.length - done.length }, 'some accepted orders could not be handed to Temporal yet; retrying');
    return failure ? 0 : claimed.length;
  };

  const loop = async () => {
    while (!stopping) {
      try {
        const outcome = await round();
        if (outcome === 'ahead') await new Promise((r) => setTimeout(r, AHEAD_WAIT_MS));
        else if (outcome === 0 && !stopping) await sleep();
      } catch (err) {
        logger.error({ err }, 'order starter round failed; retrying');
        if (!stopping) await sleep();
      }
    }
  };
  const running = loop();
  logger.info({ concurrency, batch }, 'order starter running');

  return {
    wake: waker.wake,
    get started() {
      return started;
    },
    async stop() {
      stopping = true;
      waker.wake();
      await running;
    },
  };
}
