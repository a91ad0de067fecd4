/**
 * Which warehouse ships an order, or what happens instead (transfer, split, purchase, backorder).
 *
 * The policy is DATA: an ordered list of rules, first match wins, stored in PostgreSQL and edited through
 * PUT /v1/allocation/rules, so `allocationRuleSetSchema` is the contract. Each rule kind is a fixed piece of
 * logic here; the data chooses which kinds run, in what order, with what parameters. The allocator is pure
 * and total: it never throws, and anything it cannot decide becomes `review` with a reason a human can act on.
 * See docs/allocation.md for the cost model and the reasoning behind each rule.
 */
import { z } from 'zod';
import { ruleSetSchema } from './rule-set';
import { distanceKm, type LatLng } from './geo';
import { mergeLines, type StockLine } from './stock';

// ---------------------------------------------------------------------------------------------------------
// Rules (data)

const ruleBase = {
  /** Stable name, reported as `decision.rule`; unique within a set. */
  id: z.string().trim().min(1).max(64),
  enabled: z.boolean().default(true),
};
const noParams = z.object({}).strict().prefault({});

export const allocationRuleSchema = z.discriminatedUnion('kind', [
  z.object({ ...ruleBase, kind: z.literal('local-stock'), params: noParams }),
  z.object({
    ...ruleBase,
    kind: z.literal('regional-transfer'),
    params: z
      .object({
        /** How far from the LOCAL warehouse a transfer source may be. */
        maxTransferKm: z.number().positive().max(5000).default(200),
        /** Reported on the transfer; the workflow waits for the goods-in, not for this. */
        etaDays: z.number().int().min(0).max(30).default(1),
      })
      .strict()
      .prefault({}),
  }),
  z.object({
    ...ruleBase,
    kind: z.literal('split-shipment'),
    params: z
      .object({
        /** Most parcels one order may be split into; also bounds the search. */
        maxParcels: z.number().int().min(2).max(5).default(3),
      })
      .strict()
      .prefault({}),
  }),
  z.object({ ...ruleBase, kind: z.literal('remote-direct'), params: noParams }),
  z.object({ ...ruleBase, kind: z.literal('urgent-purchase'), params: noParams }),
  z.object({ ...ruleBase, kind: z.literal('backorder'), params: noParams }),
]);

export const allocationRuleSetSchema = ruleSetSchema(allocationRuleSchema, { min: 1, max: 32 });

export type AllocationRule = z.output<typeof allocationRuleSchema>;
export type AllocationRuleKind = AllocationRule['kind'];
export type AllocationRuleSet = z.output<typeof allocationRuleSetSchema>;
/** What PUT /v1/allocation/rules accepts: defaults (enabled, params) may be left out. */
export type AllocationRuleSetInput = z.input<typeof allocationRuleSetSchema>;

export const DEFAULT_ALLOCATION_RULES: AllocationRuleSet = {
  rules: [
    { id: 'local-stock', kind: 'local-stock', enabled: true, params: {} },
    { id: 'regional-transfer', kind: 'regional-transfer', enabled: true, params: { maxTransferKm: 200, etaDays: 1 } },
    { id: 'split-shipment', kind: 'split-shipment', enabled: true, params: { maxParcels: 3 } },
    { id: 'remote-direct', kind: 'remote-direct', enabled: true, params: {} },
    { id: 'urgent-purchase', kind: 'urgent-purchase', enabled: true, params: {} },
    { id: 'backorder', kind: 'backorder', enabled: true, params: {} },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Cost model (fen). Only used to compare alternatives, so it needs to be proportionate, not exact.

export const costModelSchema = z
  .object({
    /** An express parcel's fixed part: pick-pack plus first-weight price. */
    parcelFixedFen: z.number().int().nonnegative(),
    /** What each 100 km between shipping warehouse and receiver adds to a parcel. */
    parcelFenPer100Km: z.number().int().nonnegative(),
    /** A warehouse-to-warehouse transfer's fixed part: handling at both ends. */
    transferFixedFen: z.number().int().nonnegative(),
    /** What each 100 km adds to a transfer (consolidated linehaul: cheaper per km than express). */
    transferFenPer100Km: z.number().int().nonnegative(),
  })
  .strict();
export type CostModel = z.output<typeof costModelSchema>;

export const DEFAULT_COST_MODEL: CostModel = {
  parcelFixedFen: 800,
  parcelFenPer100Km: 50,
  transferFixedFen: 1500,
  transferFenPer100Km: 30,
};

// ---------------------------------------------------------------------------------------------------------
// Input and output


export interface WarehouseStock extends LatLng {
  readonly id: string;
  /** Sellable units on the shelf, not yet reserved. Missing SKU = 0. */
  readonly available: Readonly<Record<string, number>>;
  /**
   * Units already travelling to this warehouse (earlier transfers or purchases), not yet sellable. The
   * default rules never ship them; a backorder says when they would cover the shortfall.
   */
  readonly inTransitTo?: Readonly<Record<string, number>>;
}

/** The 1688 offer a SKU is bought from; `pricePerUnitFen` is the last known price, for information only. */
export interface SupplierOffer {
  readonly offerId: string;
  readonly specId?: string;
  readonly pricePerUnitFen?: number;
}

export interface AllocationInput {
  readonly lines: readonly StockLine[];
  /** Where the parcel goes; undefined when the address could not be located. */
  readonly receiver: LatLng | undefined;
  readonly urgent: boolean;
  readonly warehouses: readonly WarehouseStock[];
  readonly suppliers: Readonly<Record<string, SupplierOffer | undefined>>;
  /** Overrides parts of DEFAULT_COST_MODEL. */
  readonly costs?: Partial<CostModel>;
}

export interface Shipment {
  readonly warehouseId: string;
  readonly lines: readonly StockLine[];
}

export interface TransferPlan {
  readonly fromWarehouseId: string;
  readonly toWarehouseId: string;
  /** Only what the destination lacks. */
  readonly lines: readonly StockLine[];
  readonly distanceKm: number;
  readonly etaDays: number;
}

export interface PurchaseLine extends StockLine {
  readonly supplier: SupplierOffer;
}

export interface PurchasePlan {
  /** The local warehouse: the goods are booked in there, then the whole order ships from it. */
  readonly warehouseId: string;
  /** Only what that warehouse lacks. */
  readonly lines: readonly PurchaseLine[];
}

interface DecisionBase {
  /** Id of the rule that fired; NO_RULE_MATCHED or INVALID_INPUT when none did. */
  readonly rule: string;
  /** Why, in words for the order timeline and the ops screen. */
  readonly reason: string;
}

export type AllocationDecision =
  | (DecisionBase & { readonly action: 'ship'; readonly shipFrom: string })
  | (DecisionBase & { readonly action: 'transfer'; readonly shipFrom: string; readonly transfer: TransferPlan })
  | (DecisionBase & { readonly action: 'split'; readonly shipments: readonly Shipment[]; readonly costFen: number })
  | (DecisionBase & { readonly action: 'purchase'; readonly shipFrom: string; readonly purchase: PurchasePlan })
  | (DecisionBase & { readonly action: 'backorder' })
  | (DecisionBase & { readonly action: 'review' });

export type AllocationAction = AllocationDecision['action'];

export const NO_RULE_MATCHED = '(no rule matched)';
export const INVALID_INPUT = '(invalid input)';

// ---------------------------------------------------------------------------------------------------------
// The allocator

export function allocate(input: AllocationInput, ruleSet: AllocationRuleSet = DEFAULT_ALLOCATION_RULES): AllocationDecision {
  const lines = validLines(input.lines);
  if (typeof lines === 'string') return { rule: INVALID_INPUT, action: 'review', reason: lines };

  const situation = new Situation(lines, input);
  for (const rule of ruleSet.rules) {
    if (!rule.enabled) continue;
    const decision = applyRule(situation, rule);
    if (decision) return decision;
  }
  return { rule: NO_RULE_MATCHED, action: 'review', reason: 'no enabled allocation rule matched this order; check the rule set' };
}

/** A rule's decision when it matches, undefined to let the next rule try. */
function applyRule(s: Situation, rule: AllocationRule): AllocationDecision | undefined {
  switch (rule.kind) {
    case 'local-stock':
      return localStock(s, rule.id);
    case 'regional-transfer':
      return regionalTransfer(s, rule.params, rule.id);
    case 'split-shipment':
      return splitShipment(s, rule.params, rule.id);
    case 'remote-direct':
      return remoteDirect(s, rule.id);
    case 'urgent-purchase':
      return urgentPurchase(s, rule.id);
    case 'backorder':
      return { rule: rule.id, action: 'backorder', reason: s.backorderReason() };
  }
}

type ParamsOf<K extends AllocationRuleKind> = Extract<AllocationRule, { kind: K }>['params'];

function localStock(s: Situation, id: string): AllocationDecision | undefined {
  const local = s.local;
  if (!local || !s.hasAll(local)) return undefined;
  return { rule: id, action: 'ship', shipFrom: local.id, reason: `local warehouse ${local.id}${s.awayFromReceiver(local)} has every line` };
}

function regionalTransfer(s: Situation, params: ParamsOf<'regional-transfer'>, id: string): AllocationDecision | undefined {
  const local = s.local;
  if (!local || s.hasAll(local)) return undefined;
  const short = s.shortfall(local);
  const source = s.byNearest(
    s.warehouses.filter((w) => w !== local && s.covers(w, short) && s.km(w, local) <= params.maxTransferKm),
    (w) => s.km(w, local),
  );
  if (!source) return undefined;
  const km = Math.round(s.km(source, local));
  return {
    rule: id,
    action: 'transfer',
    shipFrom: local.id,
    transfer: { fromWarehouseId: source.id, toWarehouseId: local.id, lines: short, distanceKm: km, etaDays: params.etaDays },
    reason: `local warehouse ${local.id} is short of ${describe(short)}; ${source.id}, ${km} km away, transfers it (ETA ${params.etaDays} day(s)), then ${local.id} ships`,
  };
}

function splitShipment(s: Situation, params: ParamsOf<'split-shipment'>, id: string): AllocationDecision | undefined {
  const split = s.cheapestSplit(params.maxParcels);
  if (!split) return undefined;
  const alternative = s.cheapestSingleParcelAlternative();
  if (alternative && alternative.costFen <= split.costFen) return undefined;
  const vs = alternative ? `; the cheapest single parcel (${alternative.label}) would cost ${yuan(alternative.costFen)}` : '';
  return {
    rule: id,
    action: 'split',
    shipments: split.shipments,
    costFen: split.costFen,
    reason: `no single warehouse can ship the order; ${split.shipments.length} parcels from ${split.shipments.map((p) => p.warehouseId).join(', ')} cost ${yuan(split.costFen)}${vs}`,
  };
}

function remoteDirect(s: Situation, id: string): AllocationDecision | undefined {
  const w = s.byNearest(s.warehouses.filter((x) => s.hasAll(x)), (x) => s.receiverKm(x) ?? 0);
  if (!w) return undefined;
  return { rule: id, action: 'ship', shipFrom: w.id, reason: `${w.id}${s.awayFromReceiver(w)} is the nearest warehouse holding every line` };
}

function urgentPurchase(s: Situation, id: string): AllocationDecision | undefined {
  if (!s.urgent || s.stockExistsSomewhere) return undefined;
  const local = s.local;
  if (!local) return { rule: id, action: 'review', reason: 'urgent order out of stock, but there is no warehouse to book a purchase into' };
  const short = s.shortfall(local);
  const unsupplied = short.filter((l) => !s.supplier(l.sku)).map((l) => l.sku);
  if (unsupplied.length > 0) {
    return { rule: id, action: 'review', reason: `urgent order out of stock, and no supplier for SKU ${unsupplied.join(', ')}` };
  }
  const lines = short.map((l) => ({ ...l, supplier: s.supplier(l.sku)! }));
  return {
    rule: id,
    action: 'purchase',
    shipFrom: local.id,
    purchase: { warehouseId: local.id, lines },
    reason: `not enough stock in any warehouse or combination; urgent, so buying ${describe(short)} on 1688 into ${local.id}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Facts about one order against the current stock, computed once and on demand.

interface Split {
  readonly shipments: readonly Shipment[];
  readonly costFen: number;
}

class Situation {
  readonly warehouses: readonly WarehouseStock[];
  readonly urgent: boolean;
  private readonly suppliers: AllocationInput['suppliers'];
  private readonly receiver: LatLng | undefined;
  private readonly costs: CostModel;
  private readonly receiverKmCache = new Map<WarehouseStock, number>();
  private localCache: WarehouseStock | undefined | null = null;

  constructor(
    readonly lines: readonly StockLine[],
    input: AllocationInput,
  ) {
    // Same input, same decision, whatever order the caller listed the warehouses in.
    this.warehouses = [...input.warehouses].sort((a, b) => byId(a.id, b.id));
    this.urgent = input.urgent;
    this.suppliers = input.suppliers;
    this.receiver = input.receiver;
    this.costs = { ...DEFAULT_COST_MODEL, ...input.costs };
  }

  available(w: WarehouseStock, sku: string): number {
    return units(w.available, sku);
  }

  supplier(sku: string): SupplierOffer | undefined {
    return Object.hasOwn(this.suppliers, sku) ? this.suppliers[sku] : undefined;
  }

  /** Units of the order this warehouse could ship on its own. */
  coverage(w: WarehouseStock): number {
    return this.lines.reduce((sum, l) => sum + Math.min(l.quantity, this.available(w, l.sku)), 0);
  }

  covers(w: WarehouseStock, lines: readonly StockLine[]): boolean {
    return lines.every((l) => this.available(w, l.sku) >= l.quantity);
  }

  hasAll(w: WarehouseStock): boolean {
    return this.covers(w, this.lines);
  }

  /** What the warehouse lacks to ship the whole order: the quantity short per line. */
  shortfall(w: WarehouseStock): StockLine[] {
    return this.lines
      .map((l) => ({ sku: l.sku, quantity: l.quantity - Math.min(l.quantity, this.available(w, l.sku)) }))
      .filter((l) => l.quantity > 0);
  }

  /** All warehouses together hold the order (however many parcels that would take). */
  get stockExistsSomewhere(): boolean {
    return this.lines.every((l) => this.warehouses.reduce((sum, w) => sum + this.available(w, l.sku), 0) >= l.quantity);
  }

  km(a: LatLng, b: LatLng): number {
    return distanceKm(a, b);
  }

  receiverKm(w: WarehouseStock): number | undefined {
    if (!this.receiver) return undefined;
    let km = this.receiverKmCache.get(w);
    if (km === undefined) {
      km = distanceKm(w, this.receiver);
      this.receiverKmCache.set(w, km);
    }
    return km;
  }

  awayFromReceiver(w: WarehouseStock): string {
    const km = this.receiverKm(w);
    return km === undefined ? '' : ` (${Math.round(km)} km from the receiver)`;
  }

  /**
   * The warehouse the order "belongs" to: the nearest to the receiver. With the receiver unknown there is no
   * nearest, so the one that can ship the most units of the order stands in (fewest transfers or parcels).
   * Ties go to the smaller id.
   */
  get local(): WarehouseStock | undefined {
    if (this.localCache === null) {
      this.localCache = this.receiver
        ? this.byNearest(this.warehouses, (w) => this.receiverKm(w)!)
        : this.warehouses.reduce<WarehouseStock | undefined>((best, w) => (!best || this.coverage(w) > this.coverage(best) ? w : best), undefined);
    }
    return this.localCache;
  }

  /** Smallest key, ties by id (the list is already in id order, so the first minimum wins). */
  byNearest(candidates: readonly WarehouseStock[], key: (w: WarehouseStock) => number): WarehouseStock | undefined {
    let best: WarehouseStock | undefined;
    let bestKey = Infinity;
    for (const w of candidates) {
      const k = key(w);
      if (k < bestKey) [best, bestKey] = [w, k];
    }
    return best;
  }

  // --- costs -------------------------------------------------------------------------------------------

  /** An unknown receiver adds no distance part: every option loses the same unknown, so it cancels out. */
  parcelFen(w: WarehouseStock): number {
    return this.costs.parcelFixedFen + Math.round(((this.receiverKm(w) ?? 0) * this.costs.parcelFenPer100Km) / 100);
  }

  transferFen(from: WarehouseStock, to: WarehouseStock): number {
    return this.costs.transferFixedFen + Math.round((this.km(from, to) * this.costs.transferFenPer100Km) / 100);
  }

  /**
   * What the order would cost as ONE parcel: a transfer of the local shortfall from any single warehouse
   * (any distance) followed by a parcel from the local warehouse, or a parcel straight from any warehouse
   * that holds everything.
   */
  cheapestSingleParcelAlternative(): { costFen: number; label: string } | undefined {
    let best: { costFen: number; label: string } | undefined;
    const consider = (costFen: number, label: string) => {
      if (!best || costFen < best.costFen) best = { costFen, label };
    };
    const local = this.local;
    if (local) {
      const short = this.shortfall(local);
      for (const w of this.warehouses) {
        if (w !== local && this.covers(w, short)) consider(this.transferFen(w, local) + this.parcelFen(local), `transfer ${w.id} → ${local.id}`);
      }
    }
    for (const w of this.warehouses) if (this.hasAll(w)) consider(this.parcelFen(w), `direct from ${w.id}`);
    return best;
  }

  /**
   * The cheapest way to cover the order with 2..maxParcels parcels. Branch and bound over the warehouses
   * that hold any of it, cheapest parcel first: once the next warehouse's parcel alone cannot beat the best
   * split so far, neither can any later one. A warehouse only joins if it adds something still missing,
   * so every parcel in the answer carries goods.
   */
  cheapestSplit(maxParcels: number): Split | undefined {
    const lines = this.lines;
    const candidates = this.warehouses
      .filter((w) => lines.some((l) => this.available(w, l.sku) > 0))
      .map((w) => ({ w, fen: this.parcelFen(w), units: this.coverage(w) }))
      // Cheapest first; among equals (always so when the receiver is unknown) the one that carries most.
      .sort((a, b) => a.fen - b.fen || b.units - a.units || byId(a.w.id, b.w.id));
    if (candidates.length < 2) return undefined;

    let best: { picks: WarehouseStock[]; fen: number } | undefined;
    const picks: WarehouseStock[] = [];
    const search = (start: number, missing: readonly number[], fen: number): void => {
      if (missing.every((q) => q === 0)) {
        if (picks.length >= 2 && (!best || fen < best.fen)) best = { picks: [...picks], fen };
        return;
      }
      if (picks.length === maxParcels) return;
      for (let i = start; i < candidates.length; i++) {
        const { w, fen: parcel } = candidates[i]!;
        if (best && fen + parcel >= best.fen) break;
        const left = missing.map((q, j) => Math.max(0, q - this.available(w, lines[j]!.sku)));
        if (left.every((q, j) => q === missing[j])) continue;
        picks.push(w);
        search(i + 1, left, fen + parcel);
        picks.pop();
      }
    };
    search(
      0,
      lines.map((l) => l.quantity),
      0,
    );
    if (!best) return undefined;

    // Fill from the cheapest parcel first; a line may be shared between parcels.
    const missing = new Map(lines.map((l) => [l.sku, l.quantity]));
    const shipments = best.picks.map((w) => {
      const shipped: StockLine[] = [];
      for (const l of lines) {
        const take = Math.min(missing.get(l.sku)!, this.available(w, l.sku));
        if (take > 0) {
          shipped.push({ sku: l.sku, quantity: take });
          missing.set(l.sku, missing.get(l.sku)! - take);
        }
      }
      return { warehouseId: w.id, lines: shipped };
    });
    return { shipments, costFen: best.fen };
  }

  backorderReason(): string {
    if (this.warehouses.length === 0) return 'no warehouses to ship from';
    const why = this.stockExistsSomewhere
      ? 'the stock is spread over warehouses in a way no enabled rule can ship'
      : `not enough stock in any warehouse${this.urgent ? '' : ' and the order is not urgent'}`;
    const local = this.local;
    const inbound = local?.inTransitTo;
    if (local && inbound) {
      const short = this.shortfall(local);
      if (short.length > 0 && short.every((l) => units(inbound, l.sku) >= l.quantity)) {
        return `${why}; stock already on its way to ${local.id} covers the shortfall`;
      }
    }
    return why;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** The lines with repeated SKUs merged (the canonical order forbids them, other callers might not), or what is wrong. */
function validLines(lines: readonly StockLine[]): StockLine[] | string {
  if (lines.length === 0) return 'the order has no lines';
  for (const l of lines) {
    if (!l.sku) return 'a line has no SKU';
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) return `SKU ${l.sku} has quantity ${l.quantity}; expected a positive integer`;
  }
  return mergeLines(lines);
}

/** Units of a SKU in a stock record; absent, negative or inherited keys ("constructor") count as 0. */
function units(record: Readonly<Record<string, number>>, sku: string): number {
  const n = Object.hasOwn(record, sku) ? record[sku] : undefined;
  return typeof n === 'number' && n > 0 ? n : 0;
}

/** Code-unit order: locale-independent, so the same everywhere the workflow replays. */
function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(lines: readonly StockLine[]): string {
  return lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ');
}

function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

// ── Transfers: when they are due, and when a late one needs a person ──────────────────────────────────────

export { DEFAULT_TRANSFER_DAY_MS, DEFAULT_TRANSFER_GRACE_MS, transferEtaMs, transferLateAtMs } from './transfer-timing';

// ── Daily capacity: a warehouse ships so many orders a day (Asia/Shanghai), then the next one serves ─────────

export interface WarehouseDayLoad {
  /** `warehouses.daily_order_capacity`: orders a day; null = no cap, 0 = takes none (closed). */
  readonly capacity: number | null;
  /** Orders counted on the warehouse for today. */
  readonly orders: number;
}

/** A warehouse whose day is booked up takes no more orders today. */
export function isFull(load: WarehouseDayLoad | undefined): boolean {
  return load !== undefined && load.capacity !== null && load.orders >= load.capacity;
}

/**
 * The warehouses an allocation gives the order to, each counting it once against its day: the shipping
 * warehouse (for a transfer or a purchase, the local one the goods come to and ship from), every parcel's for
 * a split. A transfer's source ships no order, and waiting decisions go nowhere.
 */
export function chargedWarehouses(decision: AllocationDecision): string[] {
  switch (decision.action) {
    case 'ship':
    case 'transfer':
    case 'purchase':
      return [decision.shipFrom];
    case 'split':
      return [...new Set(decision.shipments.map((s) => s.warehouseId))].sort(byId);
    default:
      return [];
  }
}

export interface CapacityDecision {
  readonly decision: AllocationDecision;
  /** Full warehouses the decision ships from anyway (see below): booked on their next day with room. */
  readonly bookedAhead: readonly string[];
}

/** Decisions that leave the order waiting: a 1688 purchase takes days, longer than a full warehouse's next day. */
const WAITS = new Set<AllocationAction>(['backorder', 'review', 'purchase']);

/**
 * Allocation under daily capacity (`loads` by warehouse id; a warehouse not in it has no cap). Full warehouses
 * take no part, as if they had no stock: the rules fall through to the next warehouse or the next rule. Only
 * when that leaves the order waiting (backorder, review, purchase) while a full warehouse could ship it is the
 * order booked on that warehouse's next day with room — it ships tomorrow instead of waiting for a stock
 * receipt that may never come. A closed warehouse (capacity 0) is never chosen.
 */
export function allocateWithinCapacity(
  input: AllocationInput,
  ruleSet: AllocationRuleSet,
  loads: ReadonlyMap<string, WarehouseDayLoad>,
): CapacityDecision {
  const full = input.warehouses.filter((w) => isFull(loads.get(w.id))).map((w) => w.id).sort(byId);
  if (full.length === 0) return { decision: allocate(input, ruleSet), bookedAhead: [] };
  const skipped = `; at daily capacity today: ${full.join(', ')}`;
  const today = allocate({ ...input, warehouses: input.warehouses.filter((w) => !full.includes(w.id)) }, ruleSet);
  if (!WAITS.has(today.action)) return { decision: { ...today, reason: today.reason + skipped }, bookedAhead: [] };

  const open = input.warehouses.filter((w) => loads.get(w.id)?.capacity !== 0);
  const later = allocate({ ...input, warehouses: open }, ruleSet);
  if (WAITS.has(later.action)) return { decision: { ...today, reason: today.reason + skipped }, bookedAhead: [] };
  const bookedAhead = chargedWarehouses(later).filter((id) => full.includes(id));
  return { decision: { ...later, reason: `${later.reason}; nothing else can ship it now, so it is booked on the next day with room of ${bookedAhead.join(', ')}` }, bookedAhead };
}
