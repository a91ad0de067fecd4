/**
 * The intake: the moment an order is accepted. Every new order — a platform push or poll, `POST /v1/orders`
 * — is written to PostgreSQL with its lines and first timeline events, its units held on every channel when it
 * is paid, and an outbox row its workflow starts from, all in one transaction. Concurrent acceptances are
 * group-committed: a burst of pushes becomes a few transactions of hundreds of orders, and a hot SKU's stock
 * rows are locked once per transaction, not once per order.
 *
 * What happens next does not hold the caller up: the SKUs whose stock was held are pushed to the channels
 * (`onStockChanged`), and the order starter hands the orders to Temporal at the engine's pace.
 */
import type { Db } from '../db/client';
import { acceptOrders, type Accepted, type IntakeOrder } from '../db/queries/intake';
import { listWarehouses } from '../db/queries/warehouses';
import { distanceKm, locate } from '../domain/geo';
import { orderIdOf, type Address, type CanonicalOrder } from '../domain/order';
import { createBatcher } from '../infra/batcher';
import type { Logger } from '../infra/logger';
import { orderWorkflowId } from '../workflows/contract';

export interface IntakeDeps {
  db: Db;
  /** The task queue the accepted orders' workflows run on. */
  taskQueue: string;
  logger: Logger;
  /** Held stock changed on these SKUs (the channels are told); `orderIds`: the orders that held each. */
  onStockChanged?: ((skus: string[], orderIds: ReadonlyMap<string, readonly string[]>, soldOut: string[]) => Promise<void>) | undefined;
  /** Orders were accepted in this process (the local order starter looks at once). */
  onAccepted?: (() => void) | undefined;
  /** Orders per transaction at most. */
  maxBatch?: number;
}

export interface Intake {
  /** Accepts one order (group-committed with the others arriving meanwhile); `hold`: hold its units now. */
  accept(order: CanonicalOrder, opts: { hold: boolean }): Promise<Accepted>;
  /** Orders waiting to be committed right now. */
  readonly pending: number;
  /** Orders this intake created (accepted for the first time) in the last `ms` milliseconds. */
  createdWithin(ms: number): number;
}

/** How far back `createdWithin` can look. */
const RECENT_MS = 10_000;

/** Warehouse positions are cached this long (a new warehouse is considered within seconds). */
const WAREHOUSES_TTL_MS = 5_000;

export function createIntake({ db, taskQueue, logger, onStockChanged, onAccepted, maxBatch = 500 }: IntakeDeps): Intake {
  let warehouses: { at: number; list: Promise<{ id: string; lat: number; lng: number }[]> } | undefined;
  const located = () => {
    if (!warehouses || Date.now() - warehouses.at > WAREHOUSES_TTL_MS) {
      const list = listWarehouses(db).then((rows) => rows.flatMap((w) => (w.lat !== null && w.lng !== null ? [{ id: w.id, lat: w.lat, lng: w.lng }] : [])));
      warehouses = { at: Date.now(), list };
      list.catch(() => (warehouses = undefined));
    }
    return warehouses.list;
  };

  const recent: { at: number; n: number }[] = [];
  const batcher = createBatcher<IntakeOrder, Accepted>(
    async (batch) => {
      const { accepted, heldBySku, soldOut } = await db.transaction((tx) => acceptOrders(tx, batch, new Date(), taskQueue));
      const createdNow = accepted.filter((a) => a.created).length;
      if (createdNow > 0) {
        const now = Date.now();
        recent.push({ at: now, n: createdNow });
        while (recent.length > 0 && recent[0]!.at < now - RECENT_MS) recent.shift();
        onAccepted?.();
      }
      if (heldBySku.size && onStockChanged) {
        void onStockChanged([...heldBySku.keys()], heldBySku, soldOut).catch((err: unknown) => logger.warn({ err }, 'channel stock sync after a hold failed'));
      }
      return accepted;
    },
    { maxBatch, concurrency: 3 },
  );

  return {
    async accept(order, { hold }) {
      const orderId = orderIdOf(order.channel, order.channelOrderId);
      const preferred = hold ? nearestFirst(order.shippingAddress, await located()) : undefined;
      return batcher.submit({ orderId, workflowId: orderWorkflowId(orderId), order, hold, ...(preferred ? { preferred } : {}) });
    },
    get pending() {
      return batcher.pending;
    },
    createdWithin(ms) {
      const since = Date.now() - Math.min(ms, RECENT_MS);
      return recent.reduce((sum, r) => (r.at >= since ? sum + r.n : sum), 0);
    },
  };
}

/** Warehouse ids by distance from the receiver; undefined when the address cannot be placed. */
function nearestFirst(address: Address, warehouses: readonly { id: string; lat: number; lng: number }[]): string[] | undefined {
  const at = locate(address);
  if (!at) return undefined;
  return warehouses
    .map((w) => ({ id: w.id, km: distanceKm(at, w) }))
    .sort((a, b) => a.km - b.km)
    .map((w) => w.id);
}
