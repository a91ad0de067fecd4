import { describe, expect, it } from 'vitest';
import { generateLayout } from '../../domain/layout-generator';
import { bestRoute, routeCandidates, routeWave, sShapeMeters, type RouteAlgorithm, type WavePick } from '../../domain/pick-route';
import { layoutSummary, type Routing, type WarehouseLayout } from '../../domain/warehouse-layout';

/**
 * A block with round numbers: aisles 1–4 two metres apart, bays 1–9 one metre wide, cross-aisles one metre
 * wide, so bay b is b metres into its aisle and an aisle is 10 m from cross-aisle to cross-aisle. The depot
 * is on the front cross-aisle in front of aisle 1. SKU "a-b" sits in aisle a, bay b.
 *
 *   back cross-aisle   ═══════════════════════    y = 10
 *                      a1    a2    a3    a4
 *                      …     …     …     …        y = bay
 *   front cross-aisle  ═D═════════════════════    y = 0
 */
const small = (routing: Routing, extra: Partial<WarehouseLayout> = {}): WarehouseLayout => {
  const locations: WarehouseLayout['locations'] = {};
  for (let aisle = 1; aisle <= 4; aisle++) for (let bay = 1; bay <= 9; bay++) locations[`${aisle}-${bay}`] = { aisle, bay };
  return { routing, geometry: { aisleSpacingM: 2, bayWidthM: 1, crossAisleM: 1, aisles: 4, baysPerAisle: 9 }, locations, ...extra };
};
const at = (...names: string[]) => names.map((n) => small('two-way').locations[n]!);
const order = (stops: { aisle: number; bay: number }[]) => stops.map((s) => `${s.aisle}-${s.bay}`);

describe('routeCandidates on two-way aisles (known optimal routes)', () => {
  it.each<{ name: string; picks: string[]; meters: Record<RouteAlgorithm, number>; best: RouteAlgorithm; walk: string[] }>([
    {
      name: 'one pick: in and back out of the aisle, whichever router',
      picks: ['1-3'],
      meters: { 's-shape': 6, 'largest-gap': 6, 'nn-2opt': 6 },
      best: 's-shape',
      walk: ['1-3'],
    },
    {
      name: 'two picks near the front of neighbouring aisles: the tour turns back at the front, the heuristics walk both aisles',
      picks: ['2-2', '1-2'],
      meters: { 's-shape': 24, 'largest-gap': 24, 'nn-2opt': 12 },
      best: 'nn-2opt',
      walk: ['1-2', '2-2'],
    },
    {
      name: 'two picks at the back: walking both aisles is optimal, and the simplest router keeps it',
      picks: ['1-9', '2-9'],
      meters: { 's-shape': 24, 'largest-gap': 24, 'nn-2opt': 24 },
      best: 's-shape',
      walk: ['1-9', '2-9'],
    },
    {
      name: 'a middle aisle with picks at both ends: largest gap takes one from the back, one from the front (optimal, 32 m)',
      picks: ['3-8', '2-1', '1-8', '2-9'],
      meters: { 's-shape': 44, 'largest-gap': 32, 'nn-2opt': 32 },
      best: 'largest-gap',
      walk: ['1-8', '2-9', '3-8', '2-1'],
    },
    {
      name: 'three aisles: S-shape makes the last one a return trip, which is optimal here',
      picks: ['4-2', '1-5', '2-5'],
      meters: { 's-shape': 12 + 20 + 4, 'largest-gap': 12 + 20 + 10, 'nn-2opt': 36 },
      best: 's-shape',
      walk: ['1-5', '2-5', '4-2'],
    },
  ])('when $name, then each router walks what it should', ({ picks, meters, best, walk }) => {
    const layout = small('two-way');
    const candidates = routeCandidates(layout, at(...picks));
    expect(Object.fromEntries(candidates.map((c) => [c.routing, c.meters]))).toEqual(meters);
    const chosen = bestRoute(layout, at(...picks));
    expect(chosen.routing).toBe(best);
    expect(order(chosen.stops)).toEqual(walk);
  });

  it('when the depot stands between the aisles, then walks reach across to both sides and back', () => {
    const layout = small('two-way', { geometry: { ...small('two-way').geometry, depotAisle: 3, depotOffsetM: 1.5 } });
    // S-shape: across 2 m to aisle 2 and 2 m on to aisle 4, back 4 m: 8 + two full aisles 20 + 3 m to and from the depot.
    expect(sShapeMeters(layout, at('2-9', '4-9'))).toBe(8 + 20 + 3);
  });
});

describe('routeCandidates on one-way aisles (odd up, even down)', () => {
  it.each<[string, string[], number, string[]]>([
    // Up aisle 1 (10), back down aisle 2 to the front (10 + 2 + 2): the only legal way home.
    ['a pick in an odd aisle', ['1-3'], 24, ['1-3']],
    // Up aisle 1 to reach the back (10 + 2), down aisle 2 (10), home (2).
    ['a pick in an even aisle', ['2-5'], 24, ['2-5']],
    ['picks in neighbouring aisles: a plain S', ['2-5', '1-3'], 24, ['1-3', '2-5']],
    // Up 1, back through 2 to the front (10 + 4), up 3, back through 2 or 4 home (10 + 4).
    ['picks in aisles 1 and 3: aisle 2 is walked empty, twice', ['3-3', '1-3'], 48, ['1-3', '3-3']],
    ['several picks per aisle: bays ascending up, descending down', ['2-1', '1-7', '2-8', '1-2'], 24, ['1-2', '1-7', '2-8', '2-1']],
  ])('when %s, then the S-shape is the route', (_name, picks, meters, walk) => {
    const candidates = routeCandidates(small('one-way'), at(...picks));
    expect(candidates.map((c) => c.routing)).toEqual(['s-shape']);
    expect(candidates[0]!.meters).toBe(meters);
    expect(order(candidates[0]!.stops)).toEqual(walk);
  });

  it('when a stored layout says "alternating", then it is routed as two-way', () => {
    expect(bestRoute(small('two-way', { routing: 'alternating' }), at('1-2', '2-2')).meters).toBe(12);
    expect(layoutSummary(small('two-way', { routing: 'alternating' })).routing).toBe('two-way');
  });

  it('when a stored layout has no or an unknown routing, then it is routed one-way', () => {
    const { routing: _r, ...unset } = small('two-way');
    expect(bestRoute(unset as WarehouseLayout, at('1-2', '2-2')).meters).toBe(24);
    expect(bestRoute({ ...unset, routing: 'zigzag' } as unknown as WarehouseLayout, at('1-2', '2-2')).meters).toBe(24);
  });
});

describe('routeCandidates for locations the layout does not list', () => {
  it('when a stop lies beyond the measured block, then the block stretches to it', () => {
    // Aisle 6, bay 19: the aisle is now 1 + 19 m long; in and out of aisle 6, 10 m across each way.
    expect(sShapeMeters(small('two-way'), [{ aisle: 6, bay: 19 }])).toBe(2 * 10 + 2 * 19);
    expect(routeCandidates(small('two-way'), [{ aisle: 6, bay: 19 }, { aisle: 5, bay: 2 }]).every((c) => c.meters >= 2 * 10 + 2 * 19)).toBe(true);
  });
});

describe('routeCandidates with zones', () => {
  const zoned: WarehouseLayout = {
    zones: ['FAST', 'BULK'],
    routing: 'two-way',
    geometry: { aisleSpacingM: 2, bayWidthM: 1, crossAisleM: 1, zoneTravelM: 25 },
    locations: { f: { zone: 'FAST', aisle: 1, bay: 3 }, b: { zone: 'BULK', aisle: 1, bay: 2 }, b2: { zone: 'BULK', aisle: 2, bay: 2 }, n: { aisle: 1, bay: 1 } },
  };

  it('when picks span zones, then zones are walked in order, each tour from its entry, plus the walks between them', () => {
    const route = bestRoute(zoned, [zoned.locations.n!, zoned.locations.b!, zoned.locations.f!]);
    expect(route.stops.map((s) => s.zone)).toEqual(['FAST', 'BULK', undefined]);
    // Three tours of 6, 4 and 2 m, and four walks of 25 m: depot → FAST → BULK → no zone → depot.
    expect(route.meters).toBe(6 + 4 + 2 + 4 * 25);
  });

  it('when a route stays in one zone, then it walks there and back', () => {
    // BULK is 3 m deep (two bays): in at bay 2 of aisle 1, over the back to aisle 2 (4 m), out (4 m).
    expect(bestRoute(zoned, [zoned.locations.b!, zoned.locations.b2!]).meters).toBe(10 + 2 * 25);
  });
});

describe('routeWave', () => {
  const layout = small('two-way');
  const picks: WavePick[] = [
    { orderId: 'o1', sku: '2-2', quantity: 2 },
    { orderId: 'o1', sku: '1-2', quantity: 1 },
    { orderId: 'o2', sku: 'LOST-1', quantity: 1 },
    { orderId: 'o2', sku: '1-2', quantity: 3 },
    { orderId: 'o3', sku: '1-2', quantity: 1 },
    { orderId: 'o3', sku: '1-2', quantity: 1 },
  ];

  it('when orders share SKUs, then each SKU is one line in walking order with the quantity per order to sort into', () => {
    const wave = routeWave(layout, picks);
    expect(wave.pickList).toEqual([
      {
        sku: '1-2',
        quantity: 6,
        location: { aisle: 1, bay: 2 },
        orderIds: ['o1', 'o2', 'o3'],
        perOrder: [
          { orderId: 'o1', quantity: 1 },
          { orderId: 'o2', quantity: 3 },
          { orderId: 'o3', quantity: 2 },
        ],
      },
      { sku: '2-2', quantity: 2, location: { aisle: 2, bay: 2 }, orderIds: ['o1'], perOrder: [{ orderId: 'o1', quantity: 2 }] },
      { sku: 'LOST-1', quantity: 1, location: null, orderIds: ['o2'], perOrder: [{ orderId: 'o2', quantity: 1 }] },
    ]);
  });

  it('when a wave is routed, then the batch walk is the best route and the naive walk is every order its own S-shape trip', () => {
    const wave = routeWave(layout, picks);
    expect(wave.routing).toBe('nn-2opt');
    expect(wave.walkMeters).toBe(12);
    // o1: both aisles (24); o2 and o3: in and out of aisle 1 to bay 2 (4 each). LOST-1 has no place to walk to.
    expect(wave.naiveWalkMeters).toBe(24 + 4 + 4);
  });

  it('when a one-way wave is routed, then it is an S-shape both ways', () => {
    const wave = routeWave(small('one-way'), picks);
    expect(wave).toMatchObject({ routing: 's-shape', walkMeters: 24, naiveWalkMeters: 24 + 24 + 24 });
  });

  it('when nothing in the wave has a location, then nothing is walked', () => {
    expect(routeWave(layout, [{ orderId: 'o1', sku: 'LOST', quantity: 1 }])).toMatchObject({ walkMeters: 0, naiveWalkMeters: 0, routing: 's-shape' });
    expect(routeWave(layout, [])).toEqual({ pickList: [], walkMeters: 0, naiveWalkMeters: 0, routing: 's-shape' });
  });

  it('when a 200-line wave is routed on a 5,000-SKU site, then it takes well under 50 ms', () => {
    const site = generateLayout({ aisles: 20, baysPerAisle: 25, levels: 5, skus: 5_000, routing: 'two-way' });
    const wave: WavePick[] = Array.from({ length: 200 }, (_, i) => ({
      orderId: `o${i % 90}`,
      sku: `SKU-${String(1 + ((i * 7_919) % 5_000)).padStart(5, '0')}`,
      quantity: 1,
    }));
    routeWave(site, wave); // warm-up: JIT and the layout's measurements
    // CPU time, not wall clock: on a shared 2-core machine a descheduled process is not a slow router.
    const cpuMs = Array.from({ length: 7 }, () => {
      const before = process.cpuUsage();
      routeWave(site, wave);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1_000;
    }).sort((a, b) => a - b);
    expect(cpuMs[3]).toBeLessThan(50);
  });
});

describe('generateLayout', () => {
  it('when a site is generated, then every SKU has its own face inside the block, fastest movers nearest the packing station', () => {
    const layout = generateLayout({ aisles: 4, baysPerAisle: 5, levels: 3, skus: 100 });
    const faces = Object.values(layout.locations);
    expect(faces).toHaveLength(100);
    const perFace = new Map<string, number>();
    for (const l of faces) {
      expect(l.aisle).toBeGreaterThanOrEqual(1);
      expect(l.aisle).toBeLessThanOrEqual(4);
      expect(l.bay).toBeLessThanOrEqual(5);
      expect(l.level).toBeLessThanOrEqual(3);
      const key = `${l.aisle}-${l.bay}-${l.level}`;
      perFace.set(key, (perFace.get(key) ?? 0) + 1);
    }
    expect(Math.max(...perFace.values())).toBe(2); // one face per side of the aisle
    expect(layout.locations['SKU-00001']).toEqual({ aisle: 1, bay: 1, level: 1 });
    const distance = (sku: string) => 3 * (layout.locations[sku]!.aisle - 1) + 1.2 * layout.locations[sku]!.bay;
    expect(distance('SKU-00010')).toBeLessThanOrEqual(distance('SKU-00090'));
    expect(layoutSummary(layout)).toMatchObject({ routing: 'one-way', locations: 100, zones: [{ zone: null, aisles: 4, baysPerAisle: 5, locations: 100 }] });
  });

  it('when zones are given, then the aisles are split between them and the fastest movers fill the first', () => {
    const layout = generateLayout({ aisles: 5, baysPerAisle: 2, levels: 1, sides: 1, skus: 10, zones: ['FAST', 'SLOW'], routing: 'two-way' });
    expect(layout.zones).toEqual(['FAST', 'SLOW']);
    expect(layout.locations['SKU-00001']).toMatchObject({ zone: 'FAST', aisle: 1, bay: 1 });
    expect(Object.values(layout.locations).filter((l) => l.zone === 'FAST')).toHaveLength(6); // 3 aisles × 2 bays
    expect(Object.values(layout.locations).filter((l) => l.zone === 'SLOW').map((l) => l.aisle)).toEqual([1, 1, 2, 2]);
  });

  it('when slotting is random, then the same seed gives the same layout and another seed another', () => {
    const spec = { aisles: 6, baysPerAisle: 10, levels: 2, skus: 200, slotting: 'random' as const };
    expect(generateLayout({ ...spec, seed: 7 })).toEqual(generateLayout({ ...spec, seed: 7 }));
    expect(generateLayout({ ...spec, seed: 7 })).not.toEqual(generateLayout({ ...spec, seed: 8 }));
  });

  it.each([
    ['more SKUs than faces', { aisles: 2, baysPerAisle: 2, levels: 2, skus: 17 }],
    ['no aisles', { aisles: 0, baysPerAisle: 2, levels: 2, skus: 1 }],
    ['more zones than aisles', { aisles: 1, baysPerAisle: 2, levels: 2, skus: 1, zones: ['A', 'B'] }],
  ])('when asked for %s, then it refuses', (_what, spec) => {
    expect(() => generateLayout(spec)).toThrow(RangeError);
  });
});
