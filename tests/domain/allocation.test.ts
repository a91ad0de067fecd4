import { describe, expect, it } from 'vitest';
import {
  allocate,
  transferEtaMs,
  transferLateAtMs,
  allocationRuleSetSchema,
  DEFAULT_ALLOCATION_RULES,
  DEFAULT_COST_MODEL,
  INVALID_INPUT,
  NO_RULE_MATCHED,
  type AllocationDecision,
  type AllocationInput,
  type AllocationRuleSet,
  type WarehouseStock,
} from '../../domain/allocation';
import { distanceKm, locate, type LatLng } from '../../domain/geo';

const city = (province: string, name: string): LatLng => {
  const found = locate({ province, city: name });
  if (!found) throw new Error(`${province}/${name} unknown`);
  return { lat: found.lat, lng: found.lng };
};

const SHANGHAI = city('上海', '上海');
const SUZHOU = city('江苏', '苏州'); // ~85 km from Shanghai
const HANGZHOU = city('浙江', '杭州'); // ~165 km
const NANJING = city('江苏', '南京'); // ~270 km
const BEIJING = city('北京', '北京'); // ~1070 km
const GUANGZHOU = city('广东', '广州'); // ~1210 km

const wh = (id: string, at: LatLng, available: Record<string, number>, extra: Partial<WarehouseStock> = {}): WarehouseStock => ({
  id,
  ...at,
  available,
  ...extra,
});

const order = (over: Partial<AllocationInput>): AllocationInput => ({
  lines: [{ sku: 'A', quantity: 1 }],
  receiver: SHANGHAI,
  urgent: false,
  warehouses: [],
  suppliers: {},
  ...over,
});

/** A rule set with the default rules, some switched off. */
const without = (...ids: string[]): AllocationRuleSet => ({
  rules: DEFAULT_ALLOCATION_RULES.rules.map((r) => ({ ...r, enabled: !ids.includes(r.id) })),
});

const A3B2 = [
  { sku: 'A', quantity: 3 },
  { sku: 'B', quantity: 2 },
];

interface Case {
  name: string;
  input: AllocationInput;
  rules?: AllocationRuleSet;
  expected: Partial<AllocationDecision> & Record<string, unknown>;
}

const cases: Case[] = [
  // local-stock
  {
    name: 'when the nearest warehouse has every line, then it ships (local-stock)',
    input: order({ lines: A3B2, warehouses: [wh('BJ', BEIJING, { A: 9, B: 9 }), wh('SH', SHANGHAI, { A: 3, B: 2 })] }),
    expected: { rule: 'local-stock', action: 'ship', shipFrom: 'SH' },
  },
  {
    name: 'when two warehouses stand at the same spot and both have everything, then the smaller id ships',
    input: order({ warehouses: [wh('SH-2', SHANGHAI, { A: 1 }), wh('SH-1', SHANGHAI, { A: 1 })] }),
    expected: { rule: 'local-stock', action: 'ship', shipFrom: 'SH-1' },
  },
  // regional-transfer
  {
    name: 'when local has part of a line, then the transfer moves only the shortfall',
    input: order({ lines: [{ sku: 'A', quantity: 3 }], warehouses: [wh('SH', SHANGHAI, { A: 1 }), wh('SZ', SUZHOU, { A: 10 })] }),
    expected: {
      rule: 'regional-transfer',
      action: 'transfer',
      shipFrom: 'SH',
      transfer: { fromWarehouseId: 'SZ', toWarehouseId: 'SH', lines: [{ sku: 'A', quantity: 2 }], distanceKm: Math.round(distanceKm(SUZHOU, SHANGHAI)), etaDays: 1 },
    },
  },
  {
    name: 'when local has some lines complete and others short, then only the short lines are transferred',
    input: order({
      lines: [...A3B2, { sku: 'C', quantity: 4 }],
      warehouses: [wh('SH', SHANGHAI, { A: 3, B: 1, C: 0 }), wh('HZ', HANGZHOU, { B: 1, C: 4 })],
    }),
    expected: {
      rule: 'regional-transfer',
      action: 'transfer',
      shipFrom: 'SH',
      transfer: expect.objectContaining({
        fromWarehouseId: 'HZ',
        lines: [
          { sku: 'B', quantity: 1 },
          { sku: 'C', quantity: 4 },
        ],
      }),
    },
  },
  {
    name: 'when two regional warehouses could transfer, then the one nearest the local warehouse does',
    input: order({ warehouses: [wh('HZ', HANGZHOU, { A: 5 }), wh('SH', SHANGHAI, {}), wh('SZ', SUZHOU, { A: 5 })] }),
    expected: { rule: 'regional-transfer', transfer: expect.objectContaining({ fromWarehouseId: 'SZ' }) },
  },
  {
    name: 'when a regional warehouse has only part of the shortfall, then it is not a transfer source',
    input: order({
      lines: [{ sku: 'A', quantity: 4 }],
      warehouses: [wh('SH', SHANGHAI, { A: 1 }), wh('SZ', SUZHOU, { A: 2 }), wh('HZ', HANGZHOU, { A: 3 })],
    }),
    expected: { rule: 'regional-transfer', transfer: expect.objectContaining({ fromWarehouseId: 'HZ', lines: [{ sku: 'A', quantity: 3 }] }) },
  },
  {
    name: 'when maxTransferKm is lowered below the distance, then no transfer happens',
    input: order({ warehouses: [wh('SH', SHANGHAI, {}), wh('HZ', HANGZHOU, { A: 1 })] }),
    rules: {
      rules: DEFAULT_ALLOCATION_RULES.rules.map((r) => (r.kind === 'regional-transfer' ? { ...r, params: { maxTransferKm: 100, etaDays: 1 } } : r)),
    },
    expected: { rule: 'remote-direct', action: 'ship', shipFrom: 'HZ' },
  },
  // split-shipment
  {
    name: 'when no warehouse has everything but two far apart do together, then the order is split',
    input: order({ lines: A3B2, warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('BJ', BEIJING, { B: 5 })] }),
    expected: {
      rule: 'split-shipment',
      action: 'split',
      shipments: [
        { warehouseId: 'SH', lines: [{ sku: 'A', quantity: 3 }] },
        { warehouseId: 'BJ', lines: [{ sku: 'B', quantity: 2 }] },
      ],
      // SH parcel 800 + BJ parcel 800 + 50 fen/100 km × 1067 km
      costFen: 800 + 800 + Math.round((distanceKm(BEIJING, SHANGHAI) * 50) / 100),
    },
  },
  {
    name: 'when one line is only covered by adding up two warehouses, then that line is shared between parcels',
    input: order({ lines: [{ sku: 'A', quantity: 5 }], warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('GZ', GUANGZHOU, { A: 2 })] }),
    expected: {
      rule: 'split-shipment',
      shipments: [
        { warehouseId: 'SH', lines: [{ sku: 'A', quantity: 3 }] },
        { warehouseId: 'GZ', lines: [{ sku: 'A', quantity: 2 }] },
      ],
    },
  },
  {
    name: 'when several splits are possible, then the cheapest (nearest parcels) is chosen',
    input: order({
      lines: A3B2,
      warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('GZ', GUANGZHOU, { B: 2 }), wh('NJ', NANJING, { B: 2 })],
    }),
    expected: { rule: 'split-shipment', shipments: [expect.objectContaining({ warehouseId: 'SH' }), expect.objectContaining({ warehouseId: 'NJ' })] },
  },
  {
    name: 'when one far warehouse holds everything, then a single direct parcel beats splitting',
    input: order({ lines: A3B2, warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('BJ', BEIJING, { A: 3, B: 2 })] }),
    expected: { rule: 'remote-direct', action: 'ship', shipFrom: 'BJ' },
  },
  {
    name: 'when transfers are free, then splitting is never cheaper, nothing consolidates far away and the order backorders',
    input: order({
      lines: A3B2,
      warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('BJ', BEIJING, { B: 5 })],
      costs: { transferFixedFen: 0, transferFenPer100Km: 0 },
    }),
    expected: { rule: 'backorder', action: 'backorder', reason: expect.stringContaining('spread over warehouses') },
  },
  {
    name: 'when covering needs more parcels than maxParcels, then no split is offered',
    input: order({
      lines: [{ sku: 'A', quantity: 4 }],
      urgent: true,
      suppliers: { A: { offerId: '1' } },
      warehouses: ['W1', 'W2', 'W3', 'W4'].map((id, i) => wh(id, [SHANGHAI, BEIJING, GUANGZHOU, NANJING][i]!, { A: 1 })),
    }),
    // Stock exists in total, so nothing is bought either.
    expected: { rule: 'backorder', reason: expect.stringContaining('spread over warehouses') },
  },
  // remote-direct
  {
    name: 'when only far warehouses hold everything, then the nearest of them ships directly',
    input: order({ lines: A3B2, warehouses: [wh('SH', SHANGHAI, {}), wh('GZ', GUANGZHOU, { A: 3, B: 2 }), wh('BJ', BEIJING, { A: 3, B: 2 })] }),
    expected: { rule: 'remote-direct', action: 'ship', shipFrom: 'BJ' },
  },
  // urgent-purchase
  {
    name: 'when nothing covers an urgent order, then the local shortfall is bought from each SKU’s supplier',
    input: order({
      lines: A3B2,
      urgent: true,
      warehouses: [wh('SH', SHANGHAI, { A: 1 }), wh('BJ', BEIJING, { A: 1 })],
      suppliers: { A: { offerId: '610001', specId: 'red' }, B: { offerId: '610002', pricePerUnitFen: 1250 } },
    }),
    expected: {
      rule: 'urgent-purchase',
      action: 'purchase',
      shipFrom: 'SH',
      purchase: {
        warehouseId: 'SH',
        lines: [
          { sku: 'A', quantity: 2, supplier: { offerId: '610001', specId: 'red' } },
          { sku: 'B', quantity: 2, supplier: { offerId: '610002', pricePerUnitFen: 1250 } },
        ],
      },
    },
  },
  {
    name: 'when an urgent order misses a SKU that has no supplier, then it goes to review naming the SKU',
    input: order({ lines: A3B2, urgent: true, warehouses: [wh('SH', SHANGHAI, {})], suppliers: { A: { offerId: '610001' } } }),
    expected: { rule: 'urgent-purchase', action: 'review', reason: expect.stringContaining('no supplier for SKU B') },
  },
  {
    name: 'when the SKU without a supplier is in local stock anyway, then the purchase goes ahead',
    input: order({ lines: A3B2, urgent: true, warehouses: [wh('SH', SHANGHAI, { B: 2 })], suppliers: { A: { offerId: '610001' } } }),
    expected: { rule: 'urgent-purchase', action: 'purchase', purchase: { warehouseId: 'SH', lines: [{ sku: 'A', quantity: 3, supplier: { offerId: '610001' } }] } },
  },
  {
    name: 'when the SKU is called "constructor", then an inherited property is not mistaken for a supplier',
    input: order({ lines: [{ sku: 'constructor', quantity: 1 }], urgent: true, warehouses: [wh('SH', SHANGHAI, {})] }),
    expected: { action: 'review', reason: expect.stringContaining('no supplier for SKU constructor') },
  },
  {
    name: 'when an urgent order finds no warehouses at all, then it goes to review: nowhere to book a purchase',
    input: order({ urgent: true, suppliers: { A: { offerId: '1' } } }),
    expected: { rule: 'urgent-purchase', action: 'review', reason: expect.stringContaining('no warehouse') },
  },
  // backorder
  {
    name: 'when nothing covers a non-urgent order, then it backorders',
    input: order({ lines: A3B2, warehouses: [wh('SH', SHANGHAI, { A: 1 })], suppliers: { A: { offerId: '1' }, B: { offerId: '2' } } }),
    expected: { rule: 'backorder', action: 'backorder', reason: expect.stringContaining('not urgent') },
  },
  {
    name: 'when there are no warehouses, then a non-urgent order backorders saying so',
    input: order({}),
    expected: { rule: 'backorder', action: 'backorder', reason: 'no warehouses to ship from' },
  },
  {
    name: 'when stock already in transit to the local warehouse covers the shortfall, then the backorder says so',
    input: order({ lines: [{ sku: 'A', quantity: 3 }], warehouses: [wh('SH', SHANGHAI, { A: 1 }, { inTransitTo: { A: 2 } })] }),
    expected: { action: 'backorder', reason: expect.stringContaining('on its way to SH') },
  },
  // receiver unknown
  {
    name: 'when the receiver is unknown, then the warehouse covering most of the order counts as local',
    input: order({ lines: A3B2, receiver: undefined, warehouses: [wh('A-WH', SHANGHAI, { A: 3 }), wh('B-WH', BEIJING, { A: 3, B: 2 })] }),
    expected: { rule: 'local-stock', action: 'ship', shipFrom: 'B-WH', reason: 'local warehouse B-WH has every line' },
  },
  {
    name: 'when the receiver is unknown and coverage ties, then the smaller id counts as local',
    input: order({ lines: A3B2, receiver: undefined, warehouses: [wh('WH-2', SHANGHAI, { A: 3, B: 2 }), wh('WH-1', BEIJING, { A: 3, B: 2 })] }),
    expected: { rule: 'local-stock', shipFrom: 'WH-1' },
  },
  {
    name: 'when the receiver is unknown and the best-covering warehouse is short, then a transfer near it completes the order',
    input: order({ lines: A3B2, receiver: undefined, warehouses: [wh('SH', SHANGHAI, { A: 3, B: 1 }), wh('SZ', SUZHOU, { B: 1 })] }),
    expected: { rule: 'regional-transfer', shipFrom: 'SH', transfer: expect.objectContaining({ fromWarehouseId: 'SZ', lines: [{ sku: 'B', quantity: 1 }] }) },
  },
  // rule sets
  {
    name: 'when local-stock is disabled, then the local warehouse still ships, via remote-direct',
    input: order({ warehouses: [wh('SH', SHANGHAI, { A: 1 })] }),
    rules: without('local-stock'),
    expected: { rule: 'remote-direct', action: 'ship', shipFrom: 'SH' },
  },
  {
    name: 'when regional-transfer is disabled, then a regional source ships its part in a split instead',
    input: order({ lines: A3B2, warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('SZ', SUZHOU, { B: 2 })] }),
    rules: without('regional-transfer'),
    expected: { rule: 'split-shipment', action: 'split' },
  },
  {
    name: 'when urgent-purchase is disabled, then an urgent out-of-stock order backorders',
    input: order({ urgent: true, warehouses: [wh('SH', SHANGHAI, {})], suppliers: { A: { offerId: '1' } } }),
    rules: without('urgent-purchase'),
    expected: { rule: 'backorder', action: 'backorder' },
  },
  {
    name: 'when every rule is disabled, then the order goes to review',
    input: order({ warehouses: [wh('SH', SHANGHAI, { A: 1 })] }),
    rules: without(...DEFAULT_ALLOCATION_RULES.rules.map((r) => r.id)),
    expected: { rule: NO_RULE_MATCHED, action: 'review' },
  },
  {
    name: 'when the rule set puts purchase first, then it fires first (order is data)',
    input: order({ urgent: true, warehouses: [wh('SH', SHANGHAI, {})], suppliers: { A: { offerId: '1' } } }),
    rules: { rules: [{ id: 'buy-first', kind: 'urgent-purchase', enabled: true, params: {} }, { id: 'wait', kind: 'backorder', enabled: true, params: {} }] },
    expected: { rule: 'buy-first', action: 'purchase' },
  },
  // input
  {
    name: 'when the order has no lines, then it goes to review',
    input: order({ lines: [], warehouses: [wh('SH', SHANGHAI, { A: 1 })] }),
    expected: { rule: INVALID_INPUT, action: 'review', reason: 'the order has no lines' },
  },
  {
    name: 'when a quantity is not a positive integer, then it goes to review',
    input: order({ lines: [{ sku: 'A', quantity: 0 }], warehouses: [wh('SH', SHANGHAI, { A: 1 })] }),
    expected: { rule: INVALID_INPUT, action: 'review' },
  },
  {
    name: 'when a SKU is repeated over lines, then the quantities are added before allocating',
    input: order({
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ],
      warehouses: [wh('SH', SHANGHAI, { A: 2 }), wh('SZ', SUZHOU, { A: 5 })],
    }),
    expected: { rule: 'regional-transfer', transfer: expect.objectContaining({ lines: [{ sku: 'A', quantity: 1 }] }) },
  },
  {
    name: 'when stock figures are negative, then they count as none',
    input: order({ warehouses: [wh('SH', SHANGHAI, { A: -3 }), wh('SZ', SUZHOU, { A: 1 })] }),
    expected: { rule: 'regional-transfer', transfer: expect.objectContaining({ lines: [{ sku: 'A', quantity: 1 }] }) },
  },
];

describe('allocate', () => {
  it.each(cases)('$name', ({ input, rules, expected }) => {
    expect(allocate(input, rules)).toMatchObject(expected);
  });

  it('when the warehouses are listed in another order, then the decision is the same', () => {
    const warehouses = [wh('SH', SHANGHAI, { A: 3 }), wh('GZ', GUANGZHOU, { B: 2 }), wh('NJ', NANJING, { B: 2 }), wh('BJ', BEIJING, { B: 1 })];
    const input = order({ lines: A3B2, warehouses });
    const reversed = order({ lines: A3B2, warehouses: [...warehouses].reverse() });
    expect(allocate(reversed)).toEqual(allocate(input));
  });

  it('when a decision is made, then its reason is a non-empty sentence naming the warehouses', () => {
    const decision = allocate(order({ lines: A3B2, warehouses: [wh('SH', SHANGHAI, { A: 3 }), wh('BJ', BEIJING, { B: 5 })] }));
    expect(decision.reason).toMatch(/SH.*BJ.*¥/);
  });
});

describe('allocationRuleSetSchema', () => {
  it('when parsing the default rule set, then it comes back unchanged', () => {
    expect(allocationRuleSetSchema.parse(DEFAULT_ALLOCATION_RULES)).toEqual(DEFAULT_ALLOCATION_RULES);
  });

  it('when enabled and params are left out, then the defaults are filled in', () => {
    expect(allocationRuleSetSchema.parse({ rules: [{ id: 'near', kind: 'regional-transfer' }, { id: 'split', kind: 'split-shipment', params: {} }] })).toEqual({
      rules: [
        { id: 'near', kind: 'regional-transfer', enabled: true, params: { maxTransferKm: 200, etaDays: 1 } },
        { id: 'split', kind: 'split-shipment', enabled: true, params: { maxParcels: 3 } },
      ],
    });
  });

  it.each([
    ['no rules', { rules: [] }],
    ['an unknown kind', { rules: [{ id: 'x', kind: 'teleport' }] }],
    ['duplicate ids', { rules: [{ id: 'x', kind: 'backorder' }, { id: 'x', kind: 'local-stock' }] }],
    ['a negative distance', { rules: [{ id: 'x', kind: 'regional-transfer', params: { maxTransferKm: -1 } }] }],
    ['a misspelt parameter', { rules: [{ id: 'x', kind: 'regional-transfer', params: { maxTransferKM: 300 } }] }],
    ['a parameter on a kind that has none', { rules: [{ id: 'x', kind: 'local-stock', params: { maxTransferKm: 1 } }] }],
    ['a one-parcel split', { rules: [{ id: 'x', kind: 'split-shipment', params: { maxParcels: 1 } }] }],
    ['an empty id', { rules: [{ id: ' ', kind: 'backorder' }] }],
  ])('when the rule set has %s, then it is rejected', (_what, data) => {
    expect(allocationRuleSetSchema.safeParse(data).success).toBe(false);
  });

  it('when the cost model defaults are read, then they are integer fen', () => {
    for (const v of Object.values(DEFAULT_COST_MODEL)) expect(Number.isInteger(v)).toBe(true);
  });
});

describe('transfer ETA and lateness', () => {
  const made = Date.parse('2026-11-25T10:00:00.000Z');
  it.each([
    [1, 86_400_000, '2026-11-26T10:00:00.000Z'],
    [2, 86_400_000, '2026-11-27T10:00:00.000Z'],
    [0, 86_400_000, '2026-11-25T10:00:00.000Z'],
    [1, 60_000, '2026-11-25T10:01:00.000Z'],
  ])('when made with etaDays %i and a transfer day of %i ms, then it is due at %s', (etaDays, dayMs, due) => {
    expect(new Date(transferEtaMs(made, etaDays, dayMs)).toISOString()).toBe(due);
  });

  it('when no transfer day is configured, then one day is used', () => {
    expect(transferEtaMs(made, 1)).toBe(made + 86_400_000);
  });

  it.each([
    ['2026-11-26T10:00:00.000Z', 12 * 3_600_000, '2026-11-26T22:00:00.000Z'],
    ['2026-11-26T10:00:00.000Z', 1_500, '2026-11-26T10:00:01.500Z'],
  ])('when due at %s with a grace of %i ms, then it is late from %s', (eta, grace, late) => {
    expect(new Date(transferLateAtMs(eta, grace)).toISOString()).toBe(late);
  });

  it('when no grace is configured, then it is 12 hours', () => {
    expect(transferLateAtMs('2026-11-26T10:00:00.000Z')).toBe(Date.parse('2026-11-26T22:00:00.000Z'));
  });
});
