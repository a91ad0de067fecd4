/**
 * Pre-pack side effects: score customers × SKU with new behaviour, open a pre-pack (reserve one unit in the
 * nearest warehouse with stock, a pre-pack task, a virtual waybill), expire it, hand it to a paying order,
 * and train the model on the project's own history. Every one is idempotent (ids derive from the candidate).
 */
import { createHash } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { saveAllocation } from '../db/queries/allocations';
import { eventsOf, pairsWithNewEvents } from '../db/queries/behaviour-events';
import { historyBetween, ordersToKey, purchasesOf, saveOrderCustomers } from '../db/queries/prepack-history';
import { latestModel, saveModel } from '../db/queries/prepack-models';
import { claimPrepack, expirePrepack, openPrepack, prepackHistory, prepackOutcomes, type OpenResult } from '../db/queries/prepacks';
import { categoriesOf } from '../db/queries/skus';
import { listWarehouses } from '../db/queries/warehouses';
import { orders, prepackOrderCustomers } from '../db/schema';
import { distanceKm, locate } from '../domain/geo';
import type { Address } from '../domain/order';
import { eligibleCandidates, pairKey, type Evaluation } from '../domain/prepack';
import { BEHAVIOUR_WINDOW_MS, featuresOf, featureVector, HISTORY_WINDOW_MS, type PastPurchase } from '../domain/prepack-features';
import { shanghaiDate } from '../domain/shanghai-time';
import type { StockLine } from '../domain/stock';
import type { Logger } from '../infra/logger';
import { phoneCustomer } from '../prepack/customer';
import { PurchaseModel, type StoredModel } from '../prepack/model';
import { generateHistory } from '../prepack/simulate';
import { trainAndEvaluate } from '../prepack/training';
import type { ClaimedPrepack, PrepackCandidate } from '../workflows/contract';

export interface PrepackSettings {
  /** Candidates scoring at least this get a pre-pack (PREPACK_THRESHOLD). */
  threshold: number;
  /** An unbought pre-pack is unpacked after this long (PREPACK_TTL). */
  ttlMs: number;
  /** Pre-packs a warehouse may open per Asia/Shanghai day (PREPACK_DAILY_CAP). */
  dailyCap: number;
  /** How far back a scoring run looks for new behaviour (twice PREPACK_SCORE_INTERVAL). */
  lookbackMs: number;
}

export const DEFAULT_PREPACK_SETTINGS: PrepackSettings = { threshold: 0.8, ttlMs: 24 * 3600_000, dailyCap: 50, lookbackMs: 120_000 };

export interface PrepackActivityDeps {
  db: Db;
  logger: Logger;
  prepack?: Partial<PrepackSettings> | undefined;
  now?: (() => Date) | undefined;
}

const DAY = 86_400_000;

export function createPrepackActivities(deps: PrepackActivityDeps) {
  const { db, logger } = deps;
  const settings = { ...DEFAULT_PREPACK_SETTINGS, ...deps.prepack };
  const now = deps.now ?? (() => new Date());

  /** Orders without a customer key get one (the phone is read, keyed, never copied). */
  async function keyOrders(): Promise<void> {
    for (;;) {
      const batch = await ordersToKey(db, 2_000);
      if (batch.length === 0) return;
      await saveOrderCustomers(
        db,
        batch.map((o) => ({ orderId: o.orderId, orderedAt: o.orderedAt, customerKey: phoneCustomer(o.phone)?.key ?? `o:${o.orderId}` })),
      );
      if (batch.length < 2_000) return;
    }
  }

  async function train(): Promise<{ modelId: number; evaluation: Evaluation } | { modelId: null; why: string }> {
    await keyOrders();
    const to = now().getTime();
    // Three weeks to learn from, the last week held back to judge the model on.
    const from = to - 28 * DAY;
    const trainTo = to - 7 * DAY;
    const history = await historyBetween(db, new Date(from - BEHAVIOUR_WINDOW_MS), new Date(to));
    try {
      const result = trainAndEvaluate(history, { trainFromMs: from, trainToMs: trainTo, testToMs: to, stepMs: DAY / 8, horizonMs: DAY, threshold: settings.threshold });
      // How the pre-packs of the held-back week actually ended: the live precision beside the offline one.
      const live = await prepackOutcomes(db, new Date(trainTo));
      const closed = live.bought + live.expired;
      const row = await saveModel(db, {
        model: result.model.stored,
        evaluation: { ...result.evaluation, trainExamples: result.trainExamples, live: { ...live, boughtShare: closed > 0 ? live.bought / closed : null } },
        trainFrom: new Date(from),
        trainTo: new Date(trainTo),
        testTo: new Date(to),
      });
      logger.info({ modelId: row.id, auc: result.evaluation.auc, precision: result.evaluation.precision, recall: result.evaluation.recall }, 'pre-pack model trained');
      return { modelId: row.id, evaluation: result.evaluation };
    } catch (err) {
      // A new installation has no history yet: start from a model of generated shoppers, marked as such, until
      // the project's own orders and events can replace it at the next training.
      const why = (err as Error).message;
      if (await latestModel(db)) {
        logger.warn({ why }, 'pre-pack model not retrained; the previous one stays');
        return { modelId: null, why };
      }
      const bootstrap = bootstrapModel(to);
      const row = await saveModel(db, {
        model: bootstrap.model.stored,
        evaluation: { ...bootstrap.evaluation, trainExamples: bootstrap.trainExamples, source: 'generated', why },
        trainFrom: new Date(from),
        trainTo: new Date(trainTo),
        testTo: new Date(to),
      });
      logger.warn({ modelId: row.id, why }, 'not enough history for the pre-pack model: started from one trained on generated shoppers');
      return { modelId: row.id, evaluation: bootstrap.evaluation };
    }
  }

  /** Warehouses by distance from where the customer's last order went; without one, by id. */
  async function nearestFirst(customerKey: string): Promise<string[]> {
    const [last] = await db
      .select({ address: orders.shippingAddress })
      .from(prepackOrderCustomers)
      .innerJoin(orders, eq(orders.orderId, prepackOrderCustomers.orderId))
      .where(eq(prepackOrderCustomers.customerKey, customerKey))
      .orderBy(desc(prepackOrderCustomers.orderedAt))
      .limit(1);
    const warehouses = await listWarehouses(db);
    const at = last ? locate(last.address as Address) : undefined;
    if (!at) return warehouses.map((w) => w.id).sort();
    return warehouses
      .flatMap((w) => (w.lat !== null && w.lng !== null ? [{ id: w.id, km: distanceKm(at, { lat: w.lat, lng: w.lng }) }] : []))
      .sort((a, b) => a.km - b.km)
      .map((w) => w.id);
  }

  return {
    /** The scheduled training job: learns from the last three weeks, judged on the week after; stored with its evaluation. */
    trainPrepackModel: train,

    /**
     * Scores every customer × SKU with behaviour received in the look-back, with the newest model (trained
     * first if there is none), and returns those that may get a pre-pack, most likely first.
     */
    async scorePrepackCandidates(): Promise<PrepackCandidate[]> {
      await keyOrders();
      const at = now();
      const pairs = await pairsWithNewEvents(db, new Date(at.getTime() - settings.lookbackMs));
      if (pairs.length === 0) return [];
      let stored = await latestModel(db);
      if (!stored) {
        const trained = await train();
        if (trained.modelId === null) return [];
        stored = await latestModel(db);
      }
      const model = PurchaseModel.load(stored!.model as StoredModel);
      const customers = [...new Set(pairs.map((p) => p.customerKey))];
      const [events, purchases, categories, history] = await Promise.all([
        eventsOf(db, customers, new Date(at.getTime() - BEHAVIOUR_WINDOW_MS)),
        purchasesOf(db, customers, new Date(at.getTime() - HISTORY_WINDOW_MS)),
        categoriesOf(db, pairs.map((p) => p.sku)),
        prepackHistory(db, customers),
      ]);
      const rows = pairs.map((p) =>
        featureVector(
          featuresOf({ sku: p.sku, category: categories.get(p.sku) ?? null, events: events.get(p.customerKey) ?? [], purchases: purchases.get(p.customerKey) ?? [], atMs: at.getTime() }),
        ),
      );
      const probabilities = model.predict(rows);
      const scores = pairs.map((p, i) => ({ customerKey: p.customerKey, sku: p.sku, probability: probabilities[i]!, lastEventAtMs: p.lastEventAt.getTime() }));
      const eligible = eligibleCandidates(scores, settings.threshold, {
        open: new Set(history.open.map((r) => pairKey(r.customerKey, r.sku))),
        lastExpiredAtMs: new Map(history.expired.map((r) => [pairKey(r.customerKey, r.sku), r.closedAt.getTime()])),
      });
      const label = new Map(pairs.map((p) => [pairKey(p.customerKey, p.sku), p.customerLabel]));
      return eligible.map((s) => ({
        // One pre-pack per customer × SKU × newest behaviour: a rescore of the same behaviour is the same pre-pack.
        prepackId: createHash('sha256').update(`${s.customerKey}\n${s.sku}\n${s.lastEventAtMs}`).digest('hex').slice(0, 24),
        customerKey: s.customerKey,
        customerLabel: label.get(pairKey(s.customerKey, s.sku)) ?? s.customerKey,
        sku: s.sku,
        probability: s.probability,
        modelId: stored!.id,
        lastEventAtMs: s.lastEventAtMs,
      }));
    },

    /** Reserves one unit in the nearest warehouse with stock and room in its daily cap, opens the task, books a virtual waybill number. */
    async openPrepack({ candidate: c, ttlMs }: { candidate: PrepackCandidate; ttlMs?: number }): Promise<OpenResult> {
      const at = now();
      const result = await openPrepack(db, {
        id: c.prepackId,
        customerKey: c.customerKey,
        customerLabel: c.customerLabel,
        sku: c.sku,
        probability: c.probability,
        modelId: c.modelId,
        nearestFirst: await nearestFirst(c.customerKey),
        day: shanghaiDate(at),
        dailyCap: settings.dailyCap,
        expiresAt: new Date(at.getTime() + (ttlMs ?? settings.ttlMs)),
        // A virtual waybill: the number is reserved now, the carrier booking happens when the order ships.
        waybillNo: `VW${c.prepackId.slice(0, 12).toUpperCase()}`,
      });
      if (!result.opened) logger.info({ prepackId: c.prepackId, sku: c.sku, why: result.why }, 'pre-pack not opened');
      return result;
    },

    /** Unpacks an unbought pre-pack: task cancelled, unit released, outcome `expired` (a bought one stays bought). */
    async expirePrepack(params: { prepackId: string }): Promise<string | undefined> {
      return (await expirePrepack(db, params.prepackId))?.status;
    },

    /**
     * A paid order whose customer has an open pre-pack of one of its SKUs takes it (one unit, not two): the
     * order is allocated to that warehouse with its reservation, ready to ship. Null when none fits.
     */
    async claimPrepack(params: { orderId: string; phone: string; lines: StockLine[] }): Promise<ClaimedPrepack | null> {
      const customer = phoneCustomer(params.phone);
      if (!customer) return null;
      const row = await claimPrepack(db, { orderId: params.orderId, customerKey: customer.key, lines: params.lines });
      if (!row) return null;
      await saveAllocation(db, { orderId: params.orderId, rule: 'prepack', reason: `pre-packed ${row.sku} in ${row.warehouseId}`, action: 'ship', warehouseId: row.warehouseId, createdAt: now() });
      return { prepackId: row.id, warehouseId: row.warehouseId, taskId: row.taskId, waybillNo: row.waybillNo };
    },
  };
}

/** A model of generated shoppers (prepack/simulate.ts), for an installation without history of its own. */
function bootstrapModel(toMs: number) {
  const start = toMs - 21 * DAY;
  const g = generateHistory({ seed: 1, customers: 400, skus: 20, categories: 4, startMs: start, days: 21 });
  const purchases = new Map<string, PastPurchase[]>();
  for (const p of g.purchases) purchases.set(p.phone, [...(purchases.get(p.phone) ?? []), p]);
  return trainAndEvaluate(
    { events: g.events.map((e) => ({ ...e, customerKey: e.phone })), purchases, categories: g.categories },
    { trainFromMs: start + 7 * DAY, trainToMs: start + 15 * DAY, testToMs: start + 21 * DAY, stepMs: DAY / 8, horizonMs: DAY, threshold: 0.8 },
  );
}

export type PrepackActivities = ReturnType<typeof createPrepackActivities>;
