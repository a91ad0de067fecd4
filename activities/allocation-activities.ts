/**
 * Allocation side effects: decide with the rule-driven allocator (domain/allocation.ts) and carry the
 * decision out in the same transaction that holds the stock rows' locks (reserve, hold for a transfer,
 * write the purchase order), place purchases on 1688, and let go of it all on cancel.
 *
 * Every activity is idempotent: the allocation is recorded per order (`order_allocations`) and a retry
 * returns what was done; transfer and purchase ids derive from the order id; a purchase is only sent to
 * 1688 from `pending`, so a retry never buys twice (see purchasing/alibaba1688.ts on why we do not rely on
 * 1688's own deduplication).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db, Tx } from '../db/client';
import { loadRuleSet } from '../db/queries/allocation-rules';
import {
  allocationFactsUnderLock,
  countOnDay,
  countOnFirstDayWithRoom,
  dayLoads,
  findActiveAllocation,
  releaseOrderAllocation,
  saveAllocation,
  type OrderAllocationRow,
} from '../db/queries/allocations';
import { settleHolds } from '../db/queries/holds';
import { lockStock, reserveLines } from '../db/queries/inventory';
import { claimPurchase, findPurchase, insertPurchase, settlePurchase, type PurchaseRow } from '../db/queries/purchases';
import { uniquePairs, type StockPair } from '../db/queries/replenishment';
import { suppliersOf } from '../db/queries/skus';
import { findTransfer, holdAtSource, insertTransfer, type TransferRow } from '../db/queries/transfers';
import { findWarehouse, listWarehouses, type WarehouseRow } from '../db/queries/warehouses';
import { mergeLines, type PurchaseLine, type StockLine } from '../domain/stock';
import {
  allocateWithinCapacity,
  chargedWarehouses,
  transferEtaMs,
  type AllocationDecision,
  type AllocationInput,
  type AllocationRuleSet,
  type WarehouseDayLoad,
  type WarehouseStock,
} from '../domain/allocation';
import { shanghaiDate } from '../domain/shanghai-time';
import { locate } from '../domain/geo';
import { rowKey } from '../domain/holds';
import { formatPurchaseError, parsePurchaseError, type FailedOffer } from '../domain/purchasing';
import type { Address } from '../domain/order';
import type { Logger } from '../infra/logger';
import type { Backorders } from './restock-activities';
import { PurchaseApiError, type Alibaba1688Client } from '../purchasing/alibaba1688';
import type { ReplenishmentMonitor } from '../replenishment/monitor';
import type { AllocationOutcome, Parcel, PlaceOutcome, PurchaseRef, TransferRef } from '../workflows/contract';

export interface AllocationActivityDeps {
  db: Db;
  logger: Logger;
  /** Receiver phone on 1688 orders for warehouses without their own contact phone. */
  defaultSenderPhone: string;
  /** The 1688 client; without it purchases fail as NOT_CONFIGURED (a review task, the order waits). */
  purchasing?: Alibaba1688Client | undefined;
  replenishment?: ReplenishmentMonitor | undefined;
  /** Called with the SKUs whose available stock changed (channel stock sync). */
  onStockChanged?: ((skus: string[]) => Promise<void>) | undefined;
  /** Units given back by a cancelled or merged order are offered to the backordered orders waiting for them. */
  backorders?: Pick<Backorders, 'restock'> | undefined;
  /** The clock whose Asia/Shanghai day orders count against a warehouse's daily capacity (default: the system clock). */
  now?: (() => Date) | undefined;
}

export function createAllocationActivities(deps: AllocationActivityDeps) {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /** `changed`: the pairs whose available stock changed (default: all); the others were only touched. */
  async function afterStockMoved(pairs: StockPair[], changed = pairs): Promise<void> {
    if (pairs.length === 0) return;
    // The channels are told on the side: allocating never waits for (or fails with) a stock push.
    if (deps.onStockChanged && changed.length) void deps.onStockChanged([...new Set(changed.map((p) => p.sku))]).catch(() => undefined);
    await deps.replenishment?.check(pairs);
  }

  return {
    /**
     * Decides where the order ships from with the stored rule set and carries the decision out, all in one
     * transaction over the locked stock rows of the order's SKUs: concurrent orders queue up, never oversell.
     * The order counts once against the day of each warehouse it is given to (daily capacity): a full
     * warehouse sits out as if it had no stock, and a retry finds the allocation recorded, not counted again.
     */
    async allocateOrder(params: {
      orderId: string;
      lines: StockLine[];
      receiver: Address;
      urgent: boolean;
      /** One transfer day: a rule's `etaDays` × this is the transfer's ETA. */
      transferDayMs: number;
    }): Promise<AllocationOutcome> {
      const { orderId } = params;
      const lines = mergeLines(params.lines);
      const skus = lines.map((l) => l.sku);

      const at = now();
      const today = shanghaiDate(at);
      // Configuration is read before the stock rows are locked: every statement under the locks makes the next
      // order of these SKUs wait a round trip longer.
      const [ruleSet, warehouseRows, suppliers] = await Promise.all([loadRuleSet(db), listWarehouses(db), suppliersOf(db, skus)]);
      if (ruleSet.invalid) logger.error({ problem: ruleSet.invalid }, 'stored allocation rules do not parse; using the default rule set');
      const { outcome, moves } = await db.transaction(async (tx) => {
        // Locked first, checked second: a retry waiting behind its own first attempt sees what that one did.
        const stock = await lockStock(tx, skus);
        const facts = await allocationFactsUnderLock(tx, orderId, skus);
        const existing = facts.allocated ? await findActiveAllocation(tx, orderId) : undefined;
        if (existing) return { outcome: await storedOutcome(tx, existing, lines), moves: [] };

        const { input, loads } = await allocationInput(tx, { lines, receiver: params.receiver, urgent: params.urgent, stock, facts, warehouseRows, suppliers, today, logger });
        const { decision, countLast } = await decideAndCount(tx, input, { rules: ruleSet.rules }, loads, today, { orderId, logger });
        // Allocated: the holds become the reservations written below (the units held on a warehouse that does
        // not ship go back on sale there). Waiting (backorder, review): the order keeps nothing, like any
        // backordered order, and the units go back on sale.
        const waiting = decision.action === 'backorder' || decision.action === 'review';
        const settledHolds = await settleHolds(tx, orderId, waiting ? 'released' : 'converted');
        const carried = await carryOut(tx, decision, { orderId, lines, at, transferDayMs: params.transferDayMs });
        await countLast?.();
        // A hold that ends gives its units back; what is reserved (or held for a transfer) takes them.
        return { outcome: carried.outcome, moves: [...carried.taken, ...settledHolds.map((h) => ({ warehouseId: h.warehouseId, sku: h.sku, units: -h.quantity }))] };
      });

      if (outcome.action !== 'backorder' && outcome.action !== 'review') {
        logger.info({ orderId, action: outcome.action, rule: outcome.rule }, 'order allocated');
      }
      // Usually the units held at acceptance are the ones reserved: available stock did not change and the
      // channels have nothing to hear. (The safety-stock check still looks: the hold itself did not.)
      await afterStockMoved(uniquePairs(moves), changedPairs(moves));
      return outcome;
    },

    /**
     * Sends a pending purchase order to 1688, once. Failures come back as values (a person decides) unless
     * 1688 certainly created nothing, which is retried.
     */
    async placePurchaseOrder(params: { purchaseOrderId: string }): Promise<PlaceOutcome> {
      const id = params.purchaseOrderId;
      const purchase = await findPurchase(db, id);
      if (!purchase) throw ApplicationFailure.nonRetryable(`purchase order ${id} does not exist`, 'UnknownPurchaseOrder');
      if (purchase.status !== 'pending') return settledOutcome(db, purchase);
      const warehouse = await findWarehouse(db, purchase.warehouseId);
      if (!warehouse) throw ApplicationFailure.nonRetryable(`warehouse ${purchase.warehouseId} is gone`, 'UnknownWarehouse');

      const claimed = await claimPurchase(db, id);
      if (!claimed) return settledOutcome(db, (await findPurchase(db, id))!);
      if (!deps.purchasing) {
        const message = 'no 1688 client is configured (ALIBABA_1688_* variables)';
        await settlePurchase(db, id, { status: 'failed', error: formatPurchaseError({ code: 'NOT_CONFIGURED', message }) });
        return { outcome: 'failed', code: 'NOT_CONFIGURED', message };
      }
      const lines = claimed.lines as PurchaseLine[];
      try {
        const result = await deps.purchasing.fastCreateOrder({
          outOrderId: id,
          address: {
            fullName: warehouse.contactName ?? warehouse.name,
            mobile: warehouse.contactPhone ?? deps.defaultSenderPhone,
            provinceText: warehouse.province,
            cityText: warehouse.city,
            address: warehouse.address || warehouse.name,
          },
          cargo: lines.map((l) => ({ offerId: l.offerId, ...(l.specId ? { specId: l.specId } : {}), quantity: l.quantity })),
          message: claimed.orderId ? `OMS order ${claimed.orderId}` : `OMS ${id}`,
        });
        await settlePurchase(db, id, {
          status: 'ordered',
          supplierOrderId: result.orderId,
          totalFen: result.totalSuccessAmountFen,
          postFeeFen: result.postFeeFen,
          failedOffers: result.failedOffers,
          orderedAt: new Date(),
        });
        logger.info({ purchaseOrderId: id, supplierOrderId: result.orderId, totalFen: result.totalSuccessAmountFen }, 'purchase placed on 1688');
        return { outcome: 'ordered', supplierOrderId: result.orderId, totalFen: result.totalSuccessAmountFen, failedOffers: result.failedOffers };
      } catch (err) {
        if (!(err instanceof PurchaseApiError)) throw err; // the row stays `placing`: a retry reports it as unknown
        if (err.retryable) {
          await settlePurchase(db, id, { status: 'pending' });
          throw ApplicationFailure.retryable(err.message, 'PurchaseApiRetryable');
        }
        const status = err.outcomeUnknown ? 'unknown' : 'failed';
        await settlePurchase(db, id, { status, error: formatPurchaseError({ code: err.code, message: err.message }) });
        logger.warn({ purchaseOrderId: id, code: err.code, status }, 'purchase not placed on 1688');
        return { outcome: status, code: err.code, message: err.message };
      }
    },

    /** Where a transfer or purchase stands (the workflow re-checks when no signal came). */
    async inboundStatus(params: { kind: 'transfer' | 'purchase'; id: string }): Promise<string | undefined> {
      const row = params.kind === 'transfer' ? await findTransfer(db, params.id) : await findPurchase(db, params.id);
      return row?.status;
    },

    /** Undo on cancel: reservations released, transfer/purchase detached from the order. Idempotent. */
    async releaseAllocation(params: { orderId: string }): Promise<void> {
      // Allocated today, the order's slot in its warehouses' day goes to the next order (docs/allocation.md).
      const released = await releaseOrderAllocation(db, params.orderId, { today: shanghaiDate(now()) });
      await afterStockMoved(released.map((r) => ({ warehouseId: r.warehouseId, sku: r.sku })));
      const skus = [...new Set(released.map((r) => r.sku))];
      if (skus.length && deps.backorders) void deps.backorders.restock(skus).catch((err: unknown) => logger.warn({ err, skus }, 'could not wake the backordered orders'));
    },
  };
}

export type AllocationActivities = ReturnType<typeof createAllocationActivities>;

/** A warehouse's day filled up (or it closed) between reading the loads and counting the order. */
class DayFull extends Error {
  constructor(
    readonly warehouseId: string,
    readonly bookedAhead: boolean,
  ) {
    super(`warehouse ${warehouseId} has no room`);
  }
}

/**
 * What the allocator decides from, read under the stock locks: the stock (units held for this order at its
 * acceptance count as available to it), the warehouses that could ship with their coordinates and inbound
 * units, the SKUs' suppliers, and the day's load of every capped warehouse.
 */
async function allocationInput(
  tx: Tx,
  p: {
    lines: StockLine[];
    receiver: Address;
    urgent: boolean;
    stock: Awaited<ReturnType<typeof lockStock>>;
    /** The order's holds and the inbound units, read under the locks. */
    facts: Pick<Awaited<ReturnType<typeof allocationFactsUnderLock>>, 'holds' | 'inbound'>;
    /** Every warehouse and the SKUs' suppliers (read before the locks). */
    warehouseRows: WarehouseRow[];
    suppliers: AllocationInput['suppliers'];
    today: string;
    logger: Logger;
  },
): Promise<{ input: AllocationInput; loads: Map<string, WarehouseDayLoad> }> {
  const { stock } = p;
  for (const h of p.facts.holds) {
    const row = stock.find((s) => s.warehouseId === h.warehouseId && s.sku === h.sku);
    if (row) row.available += h.quantity;
  }
  const pool = candidateWarehouses(p.warehouseRows, stock);
  const { inbound } = p.facts;
  const available = new Map<string, Record<string, number>>();
  for (const s of stock) available.set(s.warehouseId, { ...available.get(s.warehouseId), [s.sku]: s.available });
  const located: WarehouseStock[] = [];
  for (const w of pool) {
    const at = w.lat !== null && w.lng !== null ? { lat: w.lat, lng: w.lng } : locate(w);
    if (!at) {
      p.logger.warn({ warehouseId: w.id }, 'warehouse has no coordinates and its city is unknown: left out of allocation');
      continue;
    }
    located.push({ id: w.id, lat: at.lat, lng: at.lng, available: available.get(w.id) ?? {}, inTransitTo: inbound.get(w.id) });
  }
  // Only capped warehouses can be full: the common, uncapped case reads nothing while holding the stock locks.
  const capped = new Set(pool.filter((w) => w.dailyOrderCapacity !== null).map((w) => w.id));
  const loads = await dayLoads(tx, located.filter((w) => capped.has(w.id)).map((w) => w.id), p.today);
  return { input: { lines: p.lines, receiver: locate(p.receiver), urgent: p.urgent, warehouses: located, suppliers: p.suppliers }, loads };
}

/** Carries an allocation decision out: reservations, the transfer's source hold, the purchase order, the record. */
async function carryOut(
  tx: Tx,
  decision: AllocationDecision,
  p: { orderId: string; lines: StockLine[]; at: Date; transferDayMs: number },
): Promise<{ outcome: AllocationOutcome; taken: StockMove[] }> {
  const { orderId, lines, at } = p;
  const { rule, reason } = decision;
  switch (decision.action) {
    case 'ship': {
      await reserveLines(tx, orderId, decision.shipFrom, lines);
      await saveAllocation(tx, { orderId, rule, reason, action: 'ship', warehouseId: decision.shipFrom, createdAt: at });
      return { outcome: { action: 'ship', rule, reason, parcels: [{ warehouseId: decision.shipFrom, lines }] }, taken: units(decision.shipFrom, lines) };
    }
    case 'split': {
      const parcels: Parcel[] = decision.shipments.map((s, i) => ({ warehouseId: s.warehouseId, lines: [...s.lines], parcelNo: i + 1 }));
      for (const parcel of parcels) await reserveLines(tx, orderId, parcel.warehouseId, parcel.lines);
      await saveAllocation(tx, { orderId, rule, reason, action: 'split', warehouseId: parcels[0]!.warehouseId, parcels, createdAt: at });
      return { outcome: { action: 'split', rule, reason, parcels, costFen: decision.costFen }, taken: parcels.flatMap((x) => units(x.warehouseId, x.lines)) };
    }
    case 'transfer': {
      const t = decision.transfer;
      const local = remainder(lines, t.lines);
      if (local.length) await reserveLines(tx, orderId, t.toWarehouseId, local);
      await holdAtSource(tx, t.fromWarehouseId, t.lines);
      const row = await insertTransfer(tx, {
        id: `tr-${orderId}`,
        orderId,
        fromWarehouseId: t.fromWarehouseId,
        toWarehouseId: t.toWarehouseId,
        lines: t.lines,
        distanceKm: t.distanceKm,
        eta: new Date(transferEtaMs(Date.now(), t.etaDays, p.transferDayMs)),
      });
      await saveAllocation(tx, { orderId, rule, reason, action: 'transfer', warehouseId: t.toWarehouseId, transferId: row.id, createdAt: at });
      return {
        outcome: { action: 'transfer', rule, reason, warehouseId: t.toWarehouseId, transfer: transferRef(row) },
        taken: [...units(t.toWarehouseId, local), ...units(t.fromWarehouseId, t.lines)],
      };
    }
    case 'purchase': {
      const purchase = decision.purchase;
      const local = remainder(lines, purchase.lines);
      if (local.length) await reserveLines(tx, orderId, purchase.warehouseId, local);
      const purchaseLines: PurchaseLine[] = purchase.lines.map((l) => ({
        sku: l.sku,
        quantity: l.quantity,
        offerId: l.supplier.offerId,
        ...(l.supplier.specId ? { specId: l.supplier.specId } : {}),
        ...(l.supplier.pricePerUnitFen !== undefined ? { pricePerUnitFen: l.supplier.pricePerUnitFen } : {}),
      }));
      const row = await insertPurchase(tx, { id: `po-${orderId}`, orderId, warehouseId: purchase.warehouseId, lines: purchaseLines });
      await saveAllocation(tx, { orderId, rule, reason, action: 'purchase', warehouseId: purchase.warehouseId, purchaseOrderId: row.id, createdAt: at });
      return {
        outcome: { action: 'purchase', rule, reason, warehouseId: purchase.warehouseId, purchase: purchaseRef(row) },
        taken: units(purchase.warehouseId, local),
      };
    }
    default:
      return { outcome: { action: decision.action, rule, reason } as AllocationOutcome, taken: [] };
  }
}

/**
 * Decides under daily capacity and counts the order against each warehouse it is given to. With a capped
 * warehouse among them the counts run in a savepoint: when another allocation took the last slot meanwhile
 * (the counts are conditional increments), the counts made so far are rolled back with it and the decision is
 * taken again with that warehouse full — closed, when not even a later day had room. Uncapped warehouses always
 * have room (no savepoint round trips while the stock rows are locked); should a cap be set on one at that very
 * moment and be full already, the whole allocation rolls back and the activity's retry decides again.
 *
 * Uncapped warehouses are counted last (`countLast`, the transaction's final statement): every allocation of
 * the day counts on its warehouse's one row, and that row stays locked until the commit.
 */
async function decideAndCount(
  tx: Tx,
  input: AllocationInput,
  ruleSet: AllocationRuleSet,
  loads: Map<string, WarehouseDayLoad>,
  today: string,
  log: { orderId: string; logger: Logger },
): Promise<{ decision: AllocationDecision; countLast?: () => Promise<unknown> }> {
  for (let attempt = 0; ; attempt++) {
    const { decision, bookedAhead } = allocateWithinCapacity(input, ruleSet, loads);
    const warehouseIds = chargedWarehouses(decision);
    if (warehouseIds.length === 0) return { decision };
    const count = async (db: Tx): Promise<string[]> => {
      const booked: string[] = [];
      for (const id of warehouseIds) {
        const ahead = bookedAhead.includes(id);
        const day = ahead ? await countOnFirstDayWithRoom(db, id, today) : (await countOnDay(db, id, today)) ? today : undefined;
        if (day === undefined) throw new DayFull(id, ahead);
        if (day !== today) booked.push(`${id} on ${day}`);
      }
      return booked;
    };
    const guarded = warehouseIds.some((id) => loads.has(id));
    if (!guarded) return { decision, countLast: () => count(tx) };
    try {
      const later = await tx.transaction(count);
      return { decision: later.length ? ({ ...decision, reason: `${decision.reason} (${later.join(', ')})` } as AllocationDecision) : decision };
    } catch (err) {
      if (!(err instanceof DayFull) || attempt > 2 * input.warehouses.length) throw err;
      const capacity = loads.get(err.warehouseId)?.capacity ?? 0;
      loads.set(err.warehouseId, err.bookedAhead ? { capacity: 0, orders: 0 } : { capacity, orders: capacity });
      log.logger.info({ orderId: log.orderId, warehouseId: err.warehouseId }, 'warehouse day filled up while allocating; deciding again');
    }
  }
}

/**
 * The warehouses that carry any of the order's SKUs (have a stock row for it, even at 0); when none does
 * (a brand-new SKU), every warehouse, so an urgent purchase still has somewhere to go.
 */
function candidateWarehouses(all: WarehouseRow[], stock: { warehouseId: string }[]): WarehouseRow[] {
  const carrying = new Set(stock.map((s) => s.warehouseId));
  return carrying.size > 0 ? all.filter((w) => carrying.has(w.id)) : all;
}

async function storedOutcome(db: Tx, row: OrderAllocationRow, lines: StockLine[]): Promise<AllocationOutcome> {
  const base = { rule: row.rule, reason: row.reason };
  switch (row.action) {
    case 'split':
      return { ...base, action: 'split', parcels: row.parcels as Parcel[], costFen: null };
    case 'transfer': {
      const transfer = row.transferId ? await findTransfer(db, row.transferId) : undefined;
      if (!transfer) throw ApplicationFailure.nonRetryable(`allocation of ${row.orderId} names a missing transfer`, 'BrokenAllocation');
      return { ...base, action: 'transfer', warehouseId: row.warehouseId, transfer: transferRef(transfer) };
    }
    case 'purchase': {
      const purchase = row.purchaseOrderId ? await findPurchase(db, row.purchaseOrderId) : undefined;
      if (!purchase) throw ApplicationFailure.nonRetryable(`allocation of ${row.orderId} names a missing purchase order`, 'BrokenAllocation');
      return { ...base, action: 'purchase', warehouseId: row.warehouseId, purchase: purchaseRef(purchase) };
    }
    default:
      return { ...base, action: 'ship', parcels: [{ warehouseId: row.warehouseId, lines }] };
  }
}

async function settledOutcome(db: Db, purchase: PurchaseRow): Promise<PlaceOutcome> {
  switch (purchase.status) {
    case 'ordered':
      return {
        outcome: 'ordered',
        supplierOrderId: purchase.supplierOrderId ?? '',
        totalFen: purchase.totalFen ?? 0,
        failedOffers: (purchase.failedOffers as FailedOffer[] | null) ?? [],
      };
    case 'received':
    case 'cancelled':
      return { outcome: purchase.status };
    case 'placing': {
      // An earlier attempt stopped while talking to 1688: the order may exist there. Never guess.
      const message = 'an earlier attempt stopped while calling 1688; check the 1688 order list before ordering again';
      await settlePurchase(db, purchase.id, { status: 'unknown', error: formatPurchaseError({ code: 'INTERRUPTED', message }) });
      return { outcome: 'unknown', code: 'INTERRUPTED', message };
    }
    default: {
      const { code, message } = parsePurchaseError(purchase.error);
      return { outcome: purchase.status === 'unknown' ? 'unknown' : 'failed', code, message };
    }
  }
}

function transferRef(row: TransferRow): TransferRef {
  return {
    transferId: row.id,
    fromWarehouseId: row.fromWarehouseId,
    toWarehouseId: row.toWarehouseId,
    lines: row.lines as StockLine[],
    distanceKm: row.distanceKm,
    eta: row.eta.toISOString(),
    status: row.status,
  };
}

function purchaseRef(row: PurchaseRow): PurchaseRef {
  return { purchaseOrderId: row.id, warehouseId: row.warehouseId, lines: row.lines as PurchaseLine[], status: row.status };
}

/** The order's lines minus what comes from elsewhere (a transfer, a purchase): what the local warehouse gives. */
function remainder(lines: readonly StockLine[], inbound: readonly StockLine[]): StockLine[] {
  const coming = new Map(inbound.map((l) => [l.sku, l.quantity]));
  return lines.map((l) => ({ sku: l.sku, quantity: l.quantity - (coming.get(l.sku) ?? 0) })).filter((l) => l.quantity > 0);
}

/** Units taken from available stock (negative: given back). */
type StockMove = StockPair & { units: number };

function units(warehouseId: string, lines: readonly StockLine[]): StockMove[] {
  return lines.map((l) => ({ warehouseId, sku: l.sku, units: l.quantity }));
}

/** The pairs whose available stock the moves changed (taken and given back in equal measure: unchanged). */
function changedPairs(moves: readonly StockMove[]): StockPair[] {
  const net = new Map<string, StockMove>();
  for (const m of moves) {
    const key = rowKey(m.warehouseId, m.sku);
    net.set(key, { ...m, units: (net.get(key)?.units ?? 0) + m.units });
  }
  return [...net.values()].filter((m) => m.units !== 0).map(({ warehouseId, sku }) => ({ warehouseId, sku }));
}
