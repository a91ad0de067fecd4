import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLayout } from '../../domain/layout-generator';
import { bestRoute, routeCandidates, routeWave, sShapeMeters, type RouteStop, type WavePick } from '../../domain/pick-route';
import { asPickLocation, pickLocationSchema, type PickLocation, type Routing, type WarehouseLayout } from '../../domain/warehouse-layout';

/**
 * The router's distances are closed forms; the oracle here walks an explicit graph of the block instead
 * (Dijkstra over cross-aisle corners and bays, one-way aisles as directed edges), and finds optimal tours by
 * Held–Karp. A route claiming fewer metres than its stops need, or than the optimum, is a bug.
 */
interface Block {
  aisles: number;
  bays: number;
  spacing: number;
  bayWidth: number;
  cross: number;
  depotAisle: number;
  routing: Routing;
}

const blockArb: fc.Arbitrary<Block> = fc
  .record({
    aisles: fc.integer({ min: 2, max: 6 }),
    bays: fc.integer({ min: 1, max: 8 }),
    spacing: fc.constantFrom(1, 2, 3.5),
    bayWidth: fc.constantFrom(1, 1.3),
    cross: fc.constantFrom(0, 2),
    depot: fc.nat(),
    routing: fc.constantFrom<Routing>('one-way', 'two-way'),
  })
  .map(({ depot, ...b }) => ({ ...b, depotAisle: 1 + (depot % b.aisles) }));

function layoutOf(b: Block): WarehouseLayout {
  const locations: WarehouseLayout['locations'] = {};
  for (let aisle = 1; aisle <= b.aisles; aisle++) for (let bay = 1; bay <= b.bays; bay++) locations[`${aisle}-${bay}`] = { aisle, bay };
  return {
    routing: b.routing,
    geometry: { aisleSpacingM: b.spacing, bayWidthM: b.bayWidth, crossAisleM: b.cross, aisles: b.aisles, baysPerAisle: b.bays, depotAisle: b.depotAisle },
    locations,
  };
}

/** Shortest walking distance between the depot (null) and bays, on the block's graph. */
type Spot = Pick<RouteStop, 'aisle' | 'bay'>;

function oracle(b: Block): (from: Spot | null, to: Spot | null) => number {
  const length = b.cross + b.bays * b.bayWidth;
  const ys = [0, ...Array.from({ length: b.bays }, (_, i) => b.cross / 2 + (i + 0.5) * b.bayWidth), length];
  const id = (aisle: number, i: number) => (aisle - 1) * ys.length + i;
  const n = b.aisles * ys.length;
  const edges: [number, number][][] = Array.from({ length: n }, () => []);
  const both = (u: number, v: number, w: number) => (edges[u]!.push([v, w]), edges[v]!.push([u, w]));
  for (let a = 1; a <= b.aisles; a++) {
    for (let i = 0; i + 1 < ys.length; i++) {
      const w = ys[i + 1]! - ys[i]!;
      if (b.routing === 'two-way') both(id(a, i), id(a, i + 1), w);
      else if (a % 2 === 1) edges[id(a, i)]!.push([id(a, i + 1), w]);
      else edges[id(a, i + 1)]!.push([id(a, i), w]);
    }
    if (a < b.aisles) {
      both(id(a, 0), id(a + 1, 0), b.spacing);
      both(id(a, ys.length - 1), id(a + 1, ys.length - 1), b.spacing);
    }
  }
  const node = (s: Spot | null) => (s ? id(s.aisle, s.bay) : id(b.depotAisle, 0));
  const memo = new Map<number, Float64Array>();
  const from = (source: number) => {
    let dist = memo.get(source);
    if (dist) return dist;
    dist = new Float64Array(n).fill(Infinity);
    const done = new Uint8Array(n);
    dist[source] = 0;
    for (;;) {
      let u = -1;
      for (let v = 0; v < n; v++) if (!done[v] && dist[v]! < Infinity && (u < 0 || dist[v]! < dist[u]!)) u = v;
      if (u < 0) break;
      done[u] = 1;
      for (const [v, w] of edges[u]!) if (dist[u]! + w < dist[v]!) dist[v] = dist[u]! + w;
    }
    memo.set(source, dist);
    return dist;
  };
  return (a, c) => from(node(a))[node(c)]!;
}

/** Depot → stops in this order → depot, each leg the shortest walk. */
const legs = (d: ReturnType<typeof oracle>, stops: Spot[]) =>
  [null, ...stops].reduce((sum, s, i, all) => sum + d(s, i + 1 < all.length ? all[i + 1]! : null), 0);

/** The shortest closed tour from the depot through every stop (Held–Karp). */
function optimalTour(d: ReturnType<typeof oracle>, stops: Spot[]): number {
  const k = stops.length;
  if (k === 0) return 0;
  const best = Array.from({ length: 1 << k }, () => new Float64Array(k).fill(Infinity));
  for (let j = 0; j < k; j++) best[1 << j]![j] = d(null, stops[j]!);
  for (let set = 1; set < 1 << k; set++) {
    for (let j = 0; j < k; j++) {
      const here = best[set]![j]!;
      if (!(set & (1 << j)) || here === Infinity) continue;
      for (let next = 0; next < k; next++) {
        if (set & (1 << next)) continue;
        const to = set | (1 << next);
        best[to]![next] = Math.min(best[to]![next]!, here + d(stops[j]!, stops[next]!));
      }
    }
  }
  return Math.min(...stops.map((s, j) => best[(1 << k) - 1]![j]! + d(s, null)));
}

const pickedArb = (b: Block) =>
  fc.uniqueArray(fc.record({ aisle: fc.integer({ min: 1, max: b.aisles }), bay: fc.integer({ min: 1, max: b.bays }) }), {
    minLength: 1,
    maxLength: 7,
    selector: (s) => `${s.aisle}-${s.bay}`,
  });
const scenarioArb = blockArb.chain((b) => fc.tuple(fc.constant(b), pickedArb(b)));
const key = (s: { aisle: number; bay: number }) => `${s.aisle}-${s.bay}`;

describe('routes against the graph oracle', () => {
  it('every route visits each stop once, claims no less than its stops need, and the tour claims exactly that', () => {
    fc.assert(
      fc.property(scenarioArb, ([b, picked]) => {
        const d = oracle(b);
        for (const c of routeCandidates(layoutOf(b), picked)) {
          expect(c.stops.map(key).sort()).toEqual(picked.map(key).sort());
          expect(c.meters).toBeGreaterThanOrEqual(legs(d, c.stops) - 1e-6);
          if (c.routing === 'nn-2opt') expect(c.meters).toBeCloseTo(legs(d, c.stops), 6);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('on two-way aisles no route is shorter than the optimum, and the chosen one is never longer than the S-shape', () => {
    fc.assert(
      fc.property(
        scenarioArb.filter(([b]) => b.routing === 'two-way'),
        ([b, picked]) => {
          const layout = layoutOf(b);
          const optimum = optimalTour(oracle(b), picked);
          const candidates = routeCandidates(layout, picked);
          for (const c of candidates) expect(c.meters).toBeGreaterThanOrEqual(optimum - 1e-6);
          const chosen = bestRoute(layout, picked);
          expect(chosen.meters).toBeLessThanOrEqual(Math.min(...candidates.map((c) => c.meters)) + 1e-6);
          expect(chosen.meters).toBeLessThanOrEqual(sShapeMeters(layout, picked));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on one-way aisles the route is the S-shape: aisles ascending, odd up, even down, walked by legal legs only', () => {
    fc.assert(
      fc.property(
        scenarioArb.filter(([b]) => b.routing === 'one-way'),
        ([b, picked]) => {
          const candidates = routeCandidates(layoutOf(b), picked);
          expect(candidates.map((c) => c.routing)).toEqual(['s-shape']);
          const { stops, meters } = candidates[0]!;
          expectSOrder(stops);
          // The one-way S-shape is the shortest legal walk through its stops in that order.
          expect(meters).toBeCloseTo(legs(oracle(b), stops), 6);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function expectSOrder(stops: readonly { aisle: number; bay: number }[]) {
  for (let i = 1; i < stops.length; i++) {
    const [p, q] = [stops[i - 1]!, stops[i]!];
    expect(q.aisle).toBeGreaterThanOrEqual(p.aisle);
    if (q.aisle === p.aisle && p.aisle % 2 === 1) expect(q.bay).toBeGreaterThanOrEqual(p.bay);
    if (q.aisle === p.aisle && p.aisle % 2 === 0) expect(q.bay).toBeLessThanOrEqual(p.bay);
  }
}

describe('routeWave', () => {
  const site = (routing: Routing) => generateLayout({ aisles: 6, baysPerAisle: 5, levels: 2, skus: 100, routing });
  const skuArb = fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 1, max: 100 }).map((i) => `SKU-${String(i).padStart(5, '0')}`) },
    { weight: 1, arbitrary: fc.constantFrom('LOST-1', 'LOST-2', 'constructor') },
  );
  const picksArb: fc.Arbitrary<WavePick[]> = fc.array(
    fc.record({ orderId: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6'), sku: skuArb, quantity: fc.integer({ min: 1, max: 5 }) }),
    { maxLength: 60 },
  );
  const waveArb = fc.tuple(fc.constantFrom<Routing>('one-way', 'two-way'), picksArb);

  it('every pick is in exactly one line, sorted into its order, and the line quantities add up', () => {
    fc.assert(
      fc.property(waveArb, ([routing, picks]) => {
        const { pickList } = routeWave(site(routing), picks);
        expect(new Set(pickList.map((l) => l.sku)).size).toBe(pickList.length);
        for (const line of pickList) {
          expect(line.quantity).toBe(line.perOrder.reduce((n, p) => n + p.quantity, 0));
          expect(line.orderIds).toEqual(line.perOrder.map((p) => p.orderId));
          expect(new Set(line.orderIds).size).toBe(line.orderIds.length);
        }
        const expected = new Map<string, number>();
        for (const p of picks) expected.set(`${p.orderId}/${p.sku}`, (expected.get(`${p.orderId}/${p.sku}`) ?? 0) + p.quantity);
        const listed = new Map(pickList.flatMap((l) => l.perOrder.map((p) => [`${p.orderId}/${l.sku}`, p.quantity] as const)));
        expect(listed).toEqual(expected);
      }),
    );
  });

  it('located lines come first in route order, unlocated last by SKU; one-way waves walk an S-shape; the batch never walks more than its S-shape', () => {
    fc.assert(
      fc.property(waveArb, ([routing, picks]) => {
        const layout = site(routing);
        const wave = routeWave(layout, picks);
        const firstUnlocated = wave.pickList.findIndex((l) => !l.location);
        const unlocated = firstUnlocated < 0 ? [] : wave.pickList.slice(firstUnlocated);
        expect(unlocated.every((l) => !l.location)).toBe(true);
        expect(unlocated.map((l) => l.sku)).toEqual(unlocated.map((l) => l.sku).sort());
        const located = wave.pickList.flatMap((l) => (l.location ? [l.location] : []));
        if (routing === 'one-way') {
          expect(wave.routing).toBe('s-shape');
          expectSOrder(located);
        }
        expect(wave.walkMeters).toBeLessThanOrEqual(Math.round(sShapeMeters(layout, located) * 100) / 100);
      }),
    );
  });
});

describe('asPickLocation (the fast guard for stored locations)', () => {
  const count = fc.oneof(fc.integer({ min: -3, max: 50 }), fc.double(), fc.constant(Number.NaN), fc.string(), fc.constant(null));
  const candidate = fc.oneof(
    fc.record(
      { zone: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(undefined)), aisle: count, bay: count, level: fc.oneof(count, fc.constant(undefined)) },
      { requiredKeys: [] },
    ),
    fc.anything(),
  );

  it('accepts exactly what pickLocationSchema accepts, and yields the same location', () => {
    fc.assert(
      fc.property(candidate, (value) => {
        const parsed = pickLocationSchema.safeParse(value);
        const guarded: PickLocation | undefined = asPickLocation(value);
        expect(guarded).toEqual(parsed.success ? parsed.data : undefined);
      }),
      { numRuns: 2_000 },
    );
  });
});
