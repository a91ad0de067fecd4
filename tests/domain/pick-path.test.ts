import { describe, expect, it } from 'vitest';
import { pickPath, warehouseLayoutSchema, type WarehouseLayout } from '../../domain/pick-path';

/**
 *   back   bay 3:  A1-3   A2-3   A3-3
 *          bay 2:  A1-2   A2-2   A3-2
 *   front  bay 1:  A1-1   A2-1   A3-1      ← packing station
 *                  up ↑   down ↓  up ↑
 */
const layout: WarehouseLayout = {
  locations: {
    'A1-1': { aisle: 1, bay: 1 },
    'A1-2': { aisle: 1, bay: 2 },
    'A1-3': { aisle: 1, bay: 3 },
    'A2-1': { aisle: 2, bay: 1 },
    'A2-2': { aisle: 2, bay: 2 },
    'A2-3': { aisle: 2, bay: 3 },
    'A3-1': { aisle: 3, bay: 1 },
    'A3-3': { aisle: 3, bay: 3 },
    'A1-2-top': { aisle: 1, bay: 2, level: 4 },
    'A1-2-floor': { aisle: 1, bay: 2, level: 1 },
  },
};

const skus = (list: string[], l: WarehouseLayout = layout) => pickPath(l, list.map((sku) => ({ sku }))).map((x) => x.sku);

describe('pickPath (one-way S-shape)', () => {
  it.each([
    ['odd aisles are walked up (bay ascending)', ['A1-3', 'A1-1', 'A1-2'], ['A1-1', 'A1-2', 'A1-3']],
    ['even aisles are walked down (bay descending)', ['A2-1', 'A2-3', 'A2-2'], ['A2-3', 'A2-2', 'A2-1']],
    ['aisles come in number order, serpentine', ['A3-1', 'A2-1', 'A1-3', 'A3-3', 'A2-3'], ['A1-3', 'A2-3', 'A2-1', 'A3-1', 'A3-3']],
    ['a skipped aisle does not flip the direction of the next one', ['A3-3', 'A1-1', 'A3-1'], ['A1-1', 'A3-1', 'A3-3']],
    ['in one bay, lower levels come first', ['A1-2-top', 'A1-2', 'A1-2-floor'], ['A1-2', 'A1-2-floor', 'A1-2-top']],
    ['SKUs without a location come last, by SKU', ['zeta', 'A2-1', 'alpha', 'A1-1'], ['A1-1', 'A2-1', 'alpha', 'zeta']],
    ['only unknown SKUs are sorted by SKU', ['b', 'c', 'a'], ['a', 'b', 'c']],
    ['an empty list stays empty', [], []],
  ])('when %s, then the order is right', (_rule, input, expected) => {
    expect(skus(input)).toEqual(expected);
  });

  it('when lines carry other fields, then they come back untouched, in walking order', () => {
    const lines = [
      { sku: 'A2-1', quantity: 2 },
      { sku: 'A1-1', quantity: 5 },
    ];
    expect(pickPath(layout, lines)).toEqual([
      { sku: 'A1-1', quantity: 5 },
      { sku: 'A2-1', quantity: 2 },
    ]);
  });

  it('when the same SKU appears twice, then both lines stay, in their original order', () => {
    const lines = [
      { sku: 'A1-1', note: 'first' },
      { sku: 'A1-1', note: 'second' },
    ];
    expect(pickPath(layout, lines).map((l) => l.note)).toEqual(['first', 'second']);
  });

  it('when a location in the stored layout is malformed, then that SKU is treated as unlocated', () => {
    const broken = { locations: { ...layout.locations, 'A1-1': { aisle: 'one', bay: 1 } } } as unknown as WarehouseLayout;
    expect(skus(['A1-1', 'A2-1'], broken)).toEqual(['A2-1', 'A1-1']);
  });

  it('when the SKU is called "constructor", then an inherited property is not taken for a location', () => {
    expect(skus(['constructor', 'A1-1'])).toEqual(['A1-1', 'constructor']);
  });
});

describe('pickPath with zones', () => {
  const zoned: WarehouseLayout = {
    zones: ['FAST', 'BULK'],
    locations: {
      'bulk-1': { zone: 'BULK', aisle: 1, bay: 5 },
      'fast-2': { zone: 'FAST', aisle: 2, bay: 1 },
      'fast-1': { zone: 'FAST', aisle: 1, bay: 9 },
      'cold-1': { zone: 'COLD', aisle: 1, bay: 1 },
      'annex-1': { zone: 'ANNEX', aisle: 1, bay: 1 },
      'nozone-1': { aisle: 1, bay: 1 },
    },
  };

  it('when zones are listed, then they are walked in that order, unlisted ones after by name, each restarting at aisle 1', () => {
    expect(skus(['cold-1', 'bulk-1', 'nozone-1', 'fast-2', 'annex-1', 'fast-1'], zoned)).toEqual([
      'fast-1',
      'fast-2',
      'bulk-1',
      'nozone-1',
      'annex-1',
      'cold-1',
    ]);
  });
});

describe('pickPath with two-way aisles (stored older layouts say "alternating")', () => {
  const twoWay: WarehouseLayout = { ...layout, routing: 'alternating' };

  it('when the shortest route is not an S-shape, then the list follows the shortest route', () => {
    // Aisle 2 has a pick at each end: taken from the back on the way over, from the front on the way home.
    const deep: WarehouseLayout = {
      routing: 'two-way',
      geometry: { aisleSpacingM: 2, bayWidthM: 1, crossAisleM: 1 },
      locations: { a: { aisle: 1, bay: 8 }, b: { aisle: 2, bay: 1 }, c: { aisle: 2, bay: 9 }, d: { aisle: 3, bay: 8 } },
    };
    expect(skus(['d', 'c', 'b', 'a'], deep)).toEqual(['a', 'c', 'd', 'b']);
    expect(skus(['d', 'c', 'b', 'a'], { ...deep, routing: 'one-way' })).toEqual(['a', 'c', 'b', 'd']);
  });

  it.each([
    ['the first aisle visited is walked up even when it is even', ['A2-3', 'A2-1'], ['A2-1', 'A2-3']],
    ['direction flips on each aisle actually visited', ['A3-3', 'A1-1', 'A1-3', 'A3-1'], ['A1-1', 'A1-3', 'A3-3', 'A3-1']],
  ])('when %s, then the order is right', (_rule, input, expected) => {
    expect(skus(input, twoWay)).toEqual(expected);
  });
});

describe('warehouseLayoutSchema', () => {
  it('when a layout is well-formed, then it parses', () => {
    expect(warehouseLayoutSchema.parse(layout)).toEqual(layout);
    const full = { ...layout, routing: 'two-way', zones: ['A'], geometry: { aisleSpacingM: 2.5, depotAisle: 10.5, zoneTravelM: 0 } };
    expect(warehouseLayoutSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['a negative aisle', { locations: { X: { aisle: -1, bay: 1 } } }],
    ['a fractional bay', { locations: { X: { aisle: 1, bay: 1.5 } } }],
    ['an unknown routing', { routing: 'zigzag', locations: {} }],
    ['a misspelt geometry field', { geometry: { aisleSpacing: 3 }, locations: {} }],
    ['a negative bay width', { geometry: { bayWidthM: -1 }, locations: {} }],
    ['an empty SKU', { locations: { '': { aisle: 1, bay: 1 } } }],
    ['no locations', {}],
  ])('when a layout has %s, then it is rejected', (_what, data) => {
    expect(warehouseLayoutSchema.safeParse(data).success).toBe(false);
  });
});
