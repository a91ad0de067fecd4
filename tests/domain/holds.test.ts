import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableOf, planHolds, rowKey, type HoldRequest, type StockPosition } from '../../domain/holds';

const row = (warehouseId: string, sku: string, onHand: number, reserved = 0, held = 0): StockPosition => ({ warehouseId, sku, onHand, reserved, held });
const order = (orderId: string, lines: [string, number][], preferred?: string[]): HoldRequest => ({
  orderId,
  lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
  ...(preferred ? { preferred } : {}),
});

describe('planHolds', () => {
  it.each([
    {
      name: 'when stock is plenty, then every order is held from the nearest warehouse',
      stock: [row('HZ', 'A', 10), row('SH', 'A', 10)],
      requests: [order('o1', [['A', 2]], ['SH', 'HZ']), order('o2', [['A', 1]], ['HZ', 'SH'])],
      holds: [
        { orderId: 'o1', warehouseId: 'SH', sku: 'A', quantity: 2 },
        { orderId: 'o2', warehouseId: 'HZ', sku: 'A', quantity: 1 },
      ],
      unheld: [],
    },
    {
      name: 'when the last units go, then the first orders get them and the rest are left unheld (first come, first served)',
      stock: [row('HZ', 'A', 3, 1, 0)],
      requests: [order('o1', [['A', 1]]), order('o2', [['A', 1]]), order('o3', [['A', 1]])],
      holds: [
        { orderId: 'o1', warehouseId: 'HZ', sku: 'A', quantity: 1 },
        { orderId: 'o2', warehouseId: 'HZ', sku: 'A', quantity: 1 },
      ],
      unheld: ['o3'],
    },
    {
      name: 'when an order cannot be held whole, then none of it is held and a later smaller order still can be',
      stock: [row('HZ', 'A', 5), row('HZ', 'B', 1)],
      requests: [order('o1', [['A', 2], ['B', 2]]), order('o2', [['A', 5]])],
      holds: [{ orderId: 'o2', warehouseId: 'HZ', sku: 'A', quantity: 5 }],
      unheld: ['o1'],
    },
    {
      name: 'when the nearest warehouse has too few, then the line takes the rest from the others, most available first',
      stock: [row('HZ', 'A', 1), row('BJ', 'A', 2), row('SH', 'A', 5)],
      requests: [order('o1', [['A', 4]], ['HZ'])],
      holds: [
        { orderId: 'o1', warehouseId: 'HZ', sku: 'A', quantity: 1 },
        { orderId: 'o1', warehouseId: 'SH', sku: 'A', quantity: 3 },
      ],
      unheld: [],
    },
    {
      name: 'when units are already held for others, then they are not held twice',
      stock: [row('HZ', 'A', 4, 1, 3)],
      requests: [order('o1', [['A', 1]])],
      holds: [],
      unheld: ['o1'],
    },
    {
      name: 'when a SKU has no stock row anywhere, then the order is left unheld',
      stock: [row('HZ', 'A', 4)],
      requests: [order('o1', [['NEW', 1]])],
      holds: [],
      unheld: ['o1'],
    },
    {
      name: 'when an order repeats a SKU, then the lines are held as one',
      stock: [row('HZ', 'A', 3)],
      requests: [order('o1', [['A', 1], ['A', 2]])],
      holds: [{ orderId: 'o1', warehouseId: 'HZ', sku: 'A', quantity: 3 }],
      unheld: [],
    },
  ])('$name', ({ stock, requests, holds, unheld }) => {
    const plan = planHolds(stock, requests);
    expect(plan.holds).toEqual(holds);
    expect(plan.unheld).toEqual(unheld);
  });

  it('when planning, then the stock rows given are not changed', () => {
    const stock = [row('HZ', 'A', 3)];
    planHolds(stock, [order('o1', [['A', 3]])]);
    expect(stock).toEqual([row('HZ', 'A', 3)]);
  });
});

const WAREHOUSES = ['BJ', 'HZ', 'SH'];
const SKUS = ['A', 'B', 'C'];
const stockArb = fc
  .tuple(...WAREHOUSES.flatMap((w) => SKUS.map((s) => fc.tuple(fc.constant(w), fc.constant(s), fc.nat(12), fc.nat(4), fc.nat(4)))))
  .map((rows) =>
    rows.map(([w, s, free, reserved, held]) => row(w, s, free + reserved + held, reserved, held)),
  );
const requestsArb = fc.array(
  fc.record({
    lines: fc.array(fc.tuple(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 3 }),
    preferred: fc.option(fc.shuffledSubarray(WAREHOUSES), { nil: undefined }),
  }),
  { maxLength: 30 },
);

describe('planHolds, for any stock and any stream of orders', () => {
  it('never holds more than a row has available, holds each order whole or not at all, and serves them first come, first served', () => {
    fc.assert(
      fc.property(stockArb, requestsArb, (stock, raw) => {
        const requests = raw.map((r, i) => order(`o${i}`, r.lines, r.preferred));
        const plan = planHolds(stock, requests);

        // Never above available, per row.
        const held = new Map<string, number>();
        for (const h of plan.holds) held.set(rowKey(h.warehouseId, h.sku), (held.get(rowKey(h.warehouseId, h.sku)) ?? 0) + h.quantity);
        for (const r of stock) expect(held.get(rowKey(r.warehouseId, r.sku)) ?? 0).toBeLessThanOrEqual(availableOf(r));
        expect(plan.added).toEqual(held);

        // Whole or nothing: a held order has exactly its quantities, an unheld one nothing.
        for (const request of requests) {
          const mine = plan.holds.filter((h) => h.orderId === request.orderId);
          if (plan.unheld.includes(request.orderId)) expect(mine).toEqual([]);
          else
            for (const sku of SKUS) {
              const wanted = request.lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
              expect(mine.filter((h) => h.sku === sku).reduce((sum, h) => sum + h.quantity, 0)).toBe(wanted);
            }
        }

        // First come, first served: an order left unheld could not have been held with what the earlier ones left.
        const free = new Map<string, number>();
        for (const r of stock) free.set(r.sku, (free.get(r.sku) ?? 0) + availableOf(r));
        for (const request of requests) {
          const wants = new Map<string, number>();
          for (const l of request.lines) wants.set(l.sku, (wants.get(l.sku) ?? 0) + l.quantity);
          const fits = [...wants].every(([sku, q]) => (free.get(sku) ?? 0) >= q);
          expect(plan.unheld.includes(request.orderId)).toBe(!fits);
          if (fits) for (const [sku, q] of wants) free.set(sku, free.get(sku)! - q);
        }
      }),
      { numRuns: 500 },
    );
  });
});
