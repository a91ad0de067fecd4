/**
 * Pick routes on the aisle graph of a warehouse layout (domain/warehouse-layout.ts), and the batch pick list
 * of a wave.
 *
 * Three routers, as in the order-picking literature (Roodbergen & de Koster 2001):
 * - `s-shape`: every aisle with a pick is walked end to end, in alternating direction. On `one-way` layouts
 *   it is the only legal route, and the direction is the aisle's own (odd up, even down): where two
 *   consecutive aisles need the same direction the picker gets back through an aisle of the other one.
 * - `largest-gap`: the first and last aisles with picks are walked end to end; each aisle between is entered
 *   from the back and from the front up to its largest gap between picks, and left the way it was entered.
 * - `nn-2opt`: nearest neighbour from the depot, then 2-opt, over shortest walking distances between stops
 *   (through the front or the back cross-aisle).
 * The heuristics' lengths are their textbook walks; the tour's length is the sum of its shortest legs. The
 * shortest legal one is kept, preferring the simpler route on a tie (pickers learn an S-shape at once).
 */
import {
  byText,
  compareRanks,
  locationOf,
  resolveLayout,
  type PickLocation,
  type ResolvedLayout,
  type WarehouseLayout,
} from './warehouse-layout';

export type { PickLocation, WarehouseLayout } from './warehouse-layout';

export const ROUTE_ALGORITHMS = ['s-shape', 'largest-gap', 'nn-2opt'] as const;
export type RouteAlgorithm = (typeof ROUTE_ALGORITHMS)[number];

/** A place the picker stops at: one bay of one aisle of one zone (every level and side of it). */
export interface RouteStop {
  zone: string | undefined;
  aisle: number;
  bay: number;
}

export interface RouteCandidate {
  routing: RouteAlgorithm;
  /** From the packing station back to it, in metres. */
  meters: number;
  /** Each distinct stop once, in walking order. */
  stops: RouteStop[];
}

export interface WavePick {
  orderId: string;
  sku: string;
  quantity: number;
}

export interface WavePickListLine {
  sku: string;
  quantity: number;
  location: PickLocation | null;
  orderIds: string[];
  perOrder: { orderId: string; quantity: number }[];
}

export interface WaveRoute {
  /** One line per SKU, in walking order; SKUs without a location last, by SKU. */
  pickList: WavePickListLine[];
  /** The batch route chosen, in metres. Unlocated SKUs add nothing: nobody knows where they are. */
  walkMeters: number;
  /** Picking the same orders one by one, each its own S-shape trip from the packing station and back. */
  naiveWalkMeters: number;
  routing: RouteAlgorithm;
}

/** Stops of the same bay share a key. */
export const stopKey = (l: { zone?: string | undefined; aisle: number; bay: number }) => `${l.zone ?? ''}\u0000${l.aisle}\u0000${l.bay}`;

/**
 * The batch pick list of a wave: its orders' picks summed per SKU, in the walking order of the shortest
 * legal route, with the quantity per order to sort into; and the walk against picking the orders one by one.
 */
export function routeWave(layout: WarehouseLayout, picks: readonly WavePick[]): WaveRoute {
  const bySku = new Map<string, { sku: string; quantity: number; perOrder: Map<string, number>; location: PickLocation | undefined }>();
  const byOrder = new Map<string, PickLocation[]>();
  for (const { orderId, sku, quantity } of picks) {
    let line = bySku.get(sku);
    if (!line) bySku.set(sku, (line = { sku, quantity: 0, perOrder: new Map(), location: locationOf(layout, sku) }));
    line.quantity += quantity;
    line.perOrder.set(orderId, (line.perOrder.get(orderId) ?? 0) + quantity);
    const visits = byOrder.get(orderId) ?? [];
    if (line.location) visits.push(line.location);
    byOrder.set(orderId, visits);
  }

  const lines = [...bySku.values()];
  const best = bestRoute(layout, lines.flatMap((l) => (l.location ? [l.location] : [])));
  const rank = new Map(best.stops.map((s, i) => [stopKey(s), i]));
  const ordered = inWalkingOrder(lines, rank, (l) => l.location, (l) => l.sku);

  let naive = 0;
  for (const visits of byOrder.values()) naive += sShapeMeters(layout, visits);
  return {
    pickList: ordered.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      location: l.location ?? null,
      orderIds: [...l.perOrder.keys()],
      perOrder: [...l.perOrder].map(([orderId, quantity]) => ({ orderId, quantity })),
    })),
    walkMeters: roundCm(best.meters),
    naiveWalkMeters: roundCm(naive),
    routing: best.routing,
  };
}

/**
 * Items sorted by their stop's rank in a route, then by shelf level (bottom first) and SKU; items without a
 * location last, by SKU. Stable, so equal items keep their order.
 */
export function inWalkingOrder<T>(
  items: readonly T[],
  rank: ReadonlyMap<string, number>,
  locate: (item: T) => PickLocation | undefined,
  skuOf: (item: T) => string,
): T[] {
  const keyed = items.map((item) => {
    const l = locate(item);
    return { item, l, rank: l ? (rank.get(stopKey(l)) ?? Infinity) : Infinity };
  });
  const located = keyed.filter((k) => k.l);
  const unlocated = keyed.filter((k) => !k.l);
  located.sort((a, b) => a.rank - b.rank || (a.l!.level ?? 0) - (b.l!.level ?? 0) || byText(skuOf(a.item), skuOf(b.item)));
  unlocated.sort((a, b) => byText(skuOf(a.item), skuOf(b.item)));
  return [...located, ...unlocated].map((k) => k.item);
}

/** The shortest legal route over these locations (S-shape only on one-way layouts). */
export function bestRoute(layout: WarehouseLayout, locations: readonly PickLocation[]): RouteCandidate {
  const [first, ...others] = routeCandidates(layout, locations);
  let best = first!;
  // A different route must be measurably shorter to replace a simpler one.
  for (const c of others) if (c.meters < best.meters - 1e-6) best = c;
  return best;
}

/** The S-shape walk over these locations: the baseline a picker walks without a router. */
export function sShapeMeters(layout: WarehouseLayout, locations: readonly PickLocation[]): number {
  return routeCandidates(layout, locations, ['s-shape'])[0]!.meters;
}

/**
 * Every legal route over these locations, in `ROUTE_ALGORITHMS` order (on one-way layouts: S-shape only).
 * Zones are walked one after the other in the layout's zone order, each from and back to its entry.
 */
export function routeCandidates(
  layout: WarehouseLayout,
  locations: readonly PickLocation[],
  algorithms: readonly RouteAlgorithm[] = ROUTE_ALGORITHMS,
): RouteCandidate[] {
  const r = resolveLayout(layout);
  const legal = r.routing === 'one-way' ? algorithms.filter((a) => a === 's-shape') : algorithms;
  const zones = zonesOf(r, locations);
  const legs = zones.length === 0 ? 0 : r.blocks.length > 1 ? (zones.length + 1) * r.geometry.zoneTravelM : 0;
  const fixed = legs + zones.length * 2 * r.geometry.depotOffsetM;
  return legal.map((routing) => {
    let meters = fixed;
    const stops: RouteStop[] = [];
    for (const zone of zones) {
      const tour = ROUTERS[routing](zone, r.routing);
      meters += tour.meters;
      for (const p of tour.order) stops.push({ zone: zone.zone, aisle: p.aisle, bay: p.bay });
    }
    return { routing, meters, stops };
  });
}

/** A stop on a zone's plane: x across the aisles from aisle 0, y along the aisle from the front cross-aisle. */
interface Point {
  aisle: number;
  bay: number;
  y: number;
}

interface Zone {
  zone: string | undefined;
  /** Points per aisle, aisles ascending, points by y ascending. */
  aisles: { aisle: number; points: Point[] }[];
  /** Front cross-aisle centre line to back cross-aisle centre line. */
  length: number;
  spacing: number;
  depotAisle: number;
  firstAisle: number;
  lastAisle: number;
}

interface Tour {
  meters: number;
  order: Point[];
}

function zonesOf(r: ResolvedLayout, locations: readonly PickLocation[]): Zone[] {
  const g = r.geometry;
  const byZone = new Map<string, Map<string, Point>>();
  const zoneNames = new Map<string, string | undefined>();
  for (const l of locations) {
    const key = l.zone ?? '';
    zoneNames.set(key, l.zone);
    let points = byZone.get(key);
    if (!points) byZone.set(key, (points = new Map()));
    const k = stopKey(l);
    if (!points.has(k)) points.set(k, { aisle: l.aisle, bay: l.bay, y: g.crossAisleM / 2 + Math.max(l.bay - 0.5, 0) * g.bayWidthM });
  }
  const keys = [...byZone.keys()].sort((a, b) => compareRanks(r.zoneRank(a), r.zoneRank(b)));
  return keys.map((key) => {
    const block = r.block(key);
    const aisles = new Map<number, Point[]>();
    // The block as measured on the layout, stretched to any stop outside it (a location passed in directly).
    let { firstAisle, lastAisle, baysPerAisle } = block;
    for (const p of byZone.get(key)!.values()) {
      const list = aisles.get(p.aisle);
      if (list) list.push(p);
      else aisles.set(p.aisle, [p]);
      firstAisle = Math.min(firstAisle, p.aisle);
      lastAisle = Math.max(lastAisle, p.aisle);
      baysPerAisle = Math.max(baysPerAisle, p.bay);
    }
    return {
      zone: zoneNames.get(key),
      aisles: [...aisles].sort((a, b) => a[0] - b[0]).map(([aisle, points]) => ({ aisle, points: points.sort((a, b) => a.y - b.y) })),
      length: g.crossAisleM + baysPerAisle * g.bayWidthM,
      spacing: g.aisleSpacingM,
      depotAisle: g.depotAisle,
      firstAisle,
      lastAisle,
    };
  });
}

const ROUTERS: Record<RouteAlgorithm, (zone: Zone, routing: ResolvedLayout['routing']) => Tour> = {
  's-shape': (zone, routing) => (routing === 'one-way' ? sShapeOneWay(zone) : sShape(zone)),
  'largest-gap': (zone) => largestGap(zone),
  'nn-2opt': (zone) => nearestNeighbour2Opt(zone),
};

/** Across the aisles from the depot to the farthest aisles with picks on either side, and back. */
function spanAcross(zone: Zone): number {
  const first = zone.aisles[0]!.aisle;
  const last = zone.aisles.at(-1)!.aisle;
  return 2 * zone.spacing * (Math.max(last, zone.depotAisle) - Math.min(first, zone.depotAisle));
}

/** Two-way S-shape: alternate up and down; with an odd number of aisles the last one is a return trip. */
function sShape(zone: Zone): Tour {
  const n = zone.aisles.length;
  const order: Point[] = [];
  zone.aisles.forEach(({ points }, i) => order.push(...(i % 2 === 0 ? points : [...points].reverse())));
  const lastDepth = zone.aisles.at(-1)!.points.at(-1)!.y;
  const along = n % 2 === 0 ? n * zone.length : (n - 1) * zone.length + 2 * lastDepth;
  return { meters: spanAcross(zone) + along, order };
}

/**
 * One-way S-shape: odd aisles up, even aisles down, in aisle order. Arriving on the wrong cross-aisle for the
 * next aisle, the picker crosses over through the nearest aisle whose direction goes there.
 */
function sShapeOneWay(zone: Zone): Tour {
  const order: Point[] = [];
  let meters = 0;
  let atBack = false;
  let at = zone.depotAisle;
  for (const { aisle, points } of zone.aisles) {
    const up = aisle % 2 === 1;
    // Up aisles start at the front, down aisles at the back.
    meters += atBack === !up ? zone.spacing * Math.abs(at - aisle) : crossOver(zone, at, aisle, atBack);
    meters += zone.length;
    atBack = up;
    at = aisle;
    order.push(...(up ? points : [...points].reverse()));
  }
  meters += atBack ? crossOver(zone, at, zone.depotAisle, true) : zone.spacing * Math.abs(at - zone.depotAisle);
  return { meters, order };
}

/**
 * From one cross-aisle at aisle position `from` to the other one at `to`, through the aisle of the right
 * direction (down to the front: even; up to the back: odd) that adds least. A zone without such an aisle
 * (a single aisle) can only be left the way it was entered.
 */
function crossOver(zone: Zone, from: number, to: number, fromBack: boolean): number {
  const parity = fromBack ? 0 : 1;
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  const atOrAbove = (a: number) => (Math.ceil(a) % 2 === parity ? Math.ceil(a) : Math.ceil(a) + 1);
  const atOrBelow = (a: number) => (Math.floor(a) % 2 === parity ? Math.floor(a) : Math.floor(a) - 1);
  let across = Infinity;
  if (atOrAbove(Math.max(lo, zone.firstAisle)) <= Math.min(hi, zone.lastAisle)) across = hi - lo;
  const below = atOrBelow(Math.min(lo, zone.lastAisle));
  if (below >= zone.firstAisle) across = Math.min(across, hi - lo + 2 * (lo - below));
  const above = atOrAbove(Math.max(hi, zone.firstAisle));
  if (above <= zone.lastAisle) across = Math.min(across, hi - lo + 2 * (above - hi));
  if (across === Infinity) across = hi - lo;
  return zone.length + zone.spacing * across;
}

/**
 * Largest gap: along the front to the first aisle, up it, along the back, down the last aisle, along the front home. Each aisle in
 * between is split at its largest gap (front to first pick, between picks, last pick to back): the picks
 * beyond it are taken from the back cross-aisle, the others from the front, each a return trip.
 */
function largestGap(zone: Zone): Tour {
  const n = zone.aisles.length;
  if (n === 1) return sShape(zone);
  const fromBack: Point[][] = [];
  const fromFront: { aisle: number; points: Point[] }[] = [];
  let along = 2 * zone.length;
  for (const { aisle, points } of zone.aisles.slice(1, -1)) {
    let gap = points[0]!.y;
    let split = 0; // points[split…] are taken from the back
    for (let i = 1; i <= points.length; i++) {
      const g = (i === points.length ? zone.length : points[i]!.y) - points[i - 1]!.y;
      if (g > gap) [gap, split] = [g, i];
    }
    along += 2 * (zone.length - gap);
    fromBack.push(points.slice(split).reverse());
    fromFront.push({ aisle, points: points.slice(0, split) });
  }
  // The front parts are picked where the front cross-aisle is walked past them: on the way out to the first
  // aisle for those left of the depot, on the way home from the last aisle for the others; both right to left.
  fromFront.reverse();
  const order = [
    ...fromFront.filter((f) => f.aisle < zone.depotAisle).flatMap((f) => f.points),
    ...zone.aisles[0]!.points,
    ...fromBack.flat(),
    ...[...zone.aisles.at(-1)!.points].reverse(),
    ...fromFront.filter((f) => f.aisle >= zone.depotAisle).flatMap((f) => f.points),
  ];
  return { meters: spanAcross(zone) + along, order };
}

/** Node 0 is the depot on the front cross-aisle; the others are the zone's stops. */
function distances(zone: Zone, points: readonly Point[]): Float64Array {
  const n = points.length + 1;
  const d = new Float64Array(n * n);
  const { length: len, spacing } = zone;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const toDepot = spacing * Math.abs(p.aisle - zone.depotAisle) + p.y;
    d[i + 1] = toDepot;
    d[(i + 1) * n] = toDepot;
    for (let j = i + 1; j < points.length; j++) {
      const q = points[j]!;
      const dist = p.aisle === q.aisle ? Math.abs(p.y - q.y) : spacing * Math.abs(p.aisle - q.aisle) + Math.min(p.y + q.y, 2 * len - p.y - q.y);
      d[(i + 1) * n + j + 1] = dist;
      d[(j + 1) * n + i + 1] = dist;
    }
  }
  return d;
}

/** Enough for 200 stops to settle; a cap, so a pathological input cannot hold the wave up. */
const MAX_2OPT_PASSES = 100;

function nearestNeighbour2Opt(zone: Zone): Tour {
  const points = zone.aisles.flatMap((a) => a.points);
  const n = points.length + 1;
  const d = distances(zone, points);

  // Nearest neighbour from the depot; ties go to the stop first in aisle order.
  const tour = [0];
  const visited = new Uint8Array(n);
  visited[0] = 1;
  for (let step = 1; step < n; step++) {
    const from = tour[tour.length - 1]! * n;
    let next = -1;
    for (let j = 1; j < n; j++) if (!visited[j] && (next < 0 || d[from + j]! < d[from + next]!)) next = j;
    visited[next] = 1;
    tour.push(next);
  }

  // 2-opt: reverse tour[i…k] while that shortens the closed tour (the depot stays first).
  for (let pass = 0, improved = true; improved && pass < MAX_2OPT_PASSES; pass++) {
    improved = false;
    for (let i = 1; i < n - 1; i++) {
      for (let k = i + 1; k < n; k++) {
        const a = tour[i - 1]!;
        const b = tour[i]!;
        const c = tour[k]!;
        const e = k + 1 < n ? tour[k + 1]! : 0;
        if (d[a * n + c]! + d[b * n + e]! < d[a * n + b]! + d[c * n + e]! - 1e-9) {
          for (let lo = i, hi = k; lo < hi; lo++, hi--) [tour[lo], tour[hi]] = [tour[hi]!, tour[lo]!];
          improved = true;
        }
      }
    }
  }

  let meters = 0;
  for (let i = 0; i < n; i++) meters += d[tour[i]! * n + (i + 1 < n ? tour[i + 1]! : 0)]!;
  return { meters, order: tour.slice(1).map((i) => points[i - 1]!) };
}

function roundCm(meters: number): number {
  return Math.round(meters * 100) / 100;
}
