import { describe, expect, it } from 'vitest';
import {
  allocate,
  allocateWithinCapacity,
  chargedWarehouses,
  DEFAULT_ALLOCATION_RULES,
  isFull,
  type AllocationDecision,
  type AllocationInput,
  type WarehouseDayLoad,
  type WarehouseStock,
} from '../../domain/allocation';
import { shanghaiDate } from '../../domain/shanghai-time';
import { locate, type LatLng } from '../../domain/geo';

const city = (province: string, name: string): LatLng => {
  const found = locate({ province, city: name })!;
  return { lat: found.lat, lng: found.lng };
};
const SHANGHAI = city('上海', '上海');
const SUZHOU = city('江苏', '苏州'); // ~85 km
const HANGZHOU = city('浙江', '杭州'); // ~165 km
const BEIJING = city('北京', '北京'); // ~1070 km

const wh = (id: string, at: LatLng, available: Record<string, number>): WarehouseStock => ({ id, ...at, available });
const order = (warehouses: WarehouseStock[], over: Partial<AllocationInput> = {}): AllocationInput => ({
  lines: [{ sku: 'A', quantity: 1 }],
  receiver: SHANGHAI,
  urgent: false,
  warehouses,
  suppliers: {},
  ...over,
});
const loads = (entries: Record<string, [capacity: number | null, orders: number]>): Map<string, WarehouseDayLoad> =>
  new Map(Object.entries(entries).map(([id, [capacity, orders]]) => [id, { capacity, orders }]));

describe('the Asia/Shanghai day', () => {
  it.each([
    ['2026-11-25T15:59:59.999Z', '2026-11-25'],
    ['2026-11-25T16:00:00.000Z', '2026-11-26'],
    ['2026-11-25T00:00:00.000Z', '2026-11-25'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
    ['2028-02-28T16:30:00.000Z', '2028-02-29'],
    // No daylight saving time: midnight is 16:00 UTC in summer as in winter.
    ['2026-07-01T15:59:59.000Z', '2026-07-01'],
    ['2026-07-01T16:00:00.000Z', '2026-07-02'],
  ])('%s falls on %s', (instant, day) => {
    expect(shanghaiDate(Date.parse(instant))).toBe(day);
  });
});

describe('a full warehouse', () => {
  it.each<[WarehouseDayLoad | undefined, boolean]>([
    [undefined, false],
    [{ capacity: null, orders: 10_000 }, false],
    [{ capacity: 3, orders: 2 }, false],
    [{ capacity: 3, orders: 3 }, true],
    [{ capacity: 3, orders: 5 }, true], // the cap was lowered below the day's count
    [{ capacity: 0, orders: 0 }, true], // closed
  ])('%j → full: %s', (load, full) => {
    expect(isFull(load)).toBe(full);
  });
});

describe('warehouses an allocation counts against', () => {
  const decide = (input: AllocationInput) => allocate(input);
  it.each<[string, AllocationDecision, string[]]>([
    ['ship: the shipping warehouse', decide(order([wh('SH', SHANGHAI, { A: 1 })])), ['SH']],
    ['transfer: the local warehouse the goods come to, not the source', decide(order([wh('SH', SHANGHAI, {}), wh('SZ', SUZHOU, { A: 1 })])), ['SH']],
    [
      'split: every parcel’s warehouse, once each',
      decide(order([wh('SH', SHANGHAI, { A: 1 }), wh('BJ', BEIJING, { B: 1 })], { lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }] })),
      ['BJ', 'SH'],
    ],
    ['purchase: the local warehouse it is bought into', decide(order([wh('SH', SHANGHAI, {})], { urgent: true, suppliers: { A: { offerId: '1' } } })), ['SH']],
    ['backorder: none', decide(order([wh('SH', SHANGHAI, {})])), []],
  ])('%s', (_name, decision, expected) => {
    expect(chargedWarehouses(decision)).toEqual(expected);
  });
});

interface Case {
  name: string;
  input: AllocationInput;
  loads: Map<string, WarehouseDayLoad>;
  expected: Partial<AllocationDecision> & Record<string, unknown>;
  bookedAhead?: string[];
  reason?: RegExp;
}

const cases: Case[] = [
  {
    name: 'when no warehouse has a cap, then the decision is the plain allocator’s',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('HZ', HANGZHOU, { A: 1 })]),
    loads: loads({ SH: [null, 500] }),
    expected: { ...allocate(order([wh('SH', SHANGHAI, { A: 1 }), wh('HZ', HANGZHOU, { A: 1 })])) },
  },
  {
    name: 'when the local warehouse has room left, then it ships',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('HZ', HANGZHOU, { A: 1 })]),
    loads: loads({ SH: [3, 2] }),
    expected: { rule: 'local-stock', action: 'ship', shipFrom: 'SH' },
  },
  {
    name: 'when the local warehouse is full, then the next warehouse ships as if the full one had no stock',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('BJ', BEIJING, { A: 1 })]),
    loads: loads({ SH: [3, 3] }),
    expected: { rule: 'local-stock', action: 'ship', shipFrom: 'BJ' },
    reason: /at daily capacity today: SH/,
  },
  {
    name: 'when the full warehouse is only a transfer source, then it transfers no more (the next rule serves)',
    input: order([wh('SH', SHANGHAI, {}), wh('SZ', SUZHOU, { A: 1 }), wh('BJ', BEIJING, { A: 1 })]),
    loads: loads({ SZ: [1, 1] }),
    expected: { rule: 'remote-direct', action: 'ship', shipFrom: 'BJ' },
  },
  {
    name: 'when a split parcel’s warehouse is full, then another warehouse that can take its part ships it',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('BJ', BEIJING, { B: 1 }), wh('HZ', HANGZHOU, { B: 1 })], {
      lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }],
    }),
    loads: loads({ SH: [5, 0], HZ: [2, 2] }),
    expected: { rule: 'split-shipment', action: 'split', shipments: [{ warehouseId: 'SH', lines: [{ sku: 'A', quantity: 1 }] }, { warehouseId: 'BJ', lines: [{ sku: 'B', quantity: 1 }] }] },
  },
  {
    name: 'when every warehouse holding the order is full, then it is booked on the nearest one’s next day instead of backordered',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('BJ', BEIJING, { A: 1 }), wh('HZ', HANGZHOU, {})]),
    loads: loads({ SH: [3, 3], BJ: [1, 1] }),
    expected: { rule: 'local-stock', action: 'ship', shipFrom: 'SH' },
    bookedAhead: ['SH'],
    reason: /booked on the next day with room of SH/,
  },
  {
    name: 'when the only stock is in a full warehouse and the order is urgent, then it is booked there tomorrow rather than bought on 1688',
    input: order([wh('SH', SHANGHAI, {}), wh('BJ', BEIJING, { A: 1 })], { urgent: true, suppliers: { A: { offerId: '1' } } }),
    loads: loads({ BJ: [1, 1] }),
    expected: { rule: 'remote-direct', action: 'ship', shipFrom: 'BJ' },
    bookedAhead: ['BJ'],
  },
  {
    name: 'when the full warehouse is closed (capacity 0), then it is never chosen and the order backorders',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('HZ', HANGZHOU, {})]),
    loads: loads({ SH: [0, 0] }),
    expected: { rule: 'backorder', action: 'backorder' },
    reason: /at daily capacity today: SH/,
  },
  {
    name: 'when nothing holds the order, full or not, then it backorders as before',
    input: order([wh('SH', SHANGHAI, {}), wh('HZ', HANGZHOU, {})]),
    loads: loads({ SH: [1, 1] }),
    expected: { rule: 'backorder', action: 'backorder' },
  },
  {
    name: 'when a full warehouse’s split partner has room, then only the full one is booked ahead',
    input: order([wh('SH', SHANGHAI, { A: 1 }), wh('BJ', BEIJING, { B: 1 })], { lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }] }),
    loads: loads({ BJ: [4, 4] }),
    expected: { rule: 'split-shipment', action: 'split' },
    bookedAhead: ['BJ'],
  },
];

describe('allocation under daily capacity', () => {
  it.each(cases)('$name', ({ input, loads: l, expected, bookedAhead, reason }) => {
    const { decision, bookedAhead: ahead } = allocateWithinCapacity(input, DEFAULT_ALLOCATION_RULES, l);
    expect(decision).toMatchObject(expected);
    expect(ahead).toEqual(bookedAhead ?? []);
    if (reason) expect(decision.reason).toMatch(reason);
  });

  it('never sends an order to a full warehouse for today, whatever the loads', () => {
    const ws = [wh('SH', SHANGHAI, { A: 2 }), wh('SZ', SUZHOU, { A: 1 }), wh('HZ', HANGZHOU, { A: 3 }), wh('BJ', BEIJING, { A: 5 })];
    const caps: [number | null, number][] = [[null, 0], [2, 1], [2, 2], [0, 0]];
    for (const a of caps) for (const b of caps) for (const c of caps) for (const d of caps) {
      const l = loads({ SH: a, SZ: b, HZ: c, BJ: d });
      const { decision, bookedAhead } = allocateWithinCapacity(order(ws), DEFAULT_ALLOCATION_RULES, l);
      for (const id of chargedWarehouses(decision)) {
        expect(l.get(id)?.capacity, `${id} in ${JSON.stringify([...l])}`).not.toBe(0);
        if (isFull(l.get(id))) expect(bookedAhead).toContain(id);
      }
    }
  });
});
