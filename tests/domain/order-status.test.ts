import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANCELLABLE, canMove, ORDER_MOVES, ORDER_STATUSES, SHIPPED_OR_LATER, type OrderStatus } from '../../domain/order';

describe('order lifecycle table', () => {
  it.each<[OrderStatus, OrderStatus, boolean]>([
    ['PENDING_PAYMENT', 'RESERVED', true],
    ['PENDING_PAYMENT', 'BACKORDERED', true],
    ['PENDING_PAYMENT', 'MERGED', true],
    ['PENDING_PAYMENT', 'CANCELLED', true],
    ['PENDING_PAYMENT', 'SHIPPED', false],
    ['BACKORDERED', 'RESERVED', true],
    ['BACKORDERED', 'AWAITING_TRANSFER', true],
    ['AWAITING_PURCHASE', 'BACKORDERED', true],
    ['RESERVED', 'ALLOCATED', true],
    ['RESERVED', 'PICKING', false],
    ['ALLOCATED', 'PICKING', true],
    ['ALLOCATED', 'SHIPPED', true],
    ['PICKING', 'CANCELLED', true],
    ['PICKING', 'MERGED', false],
    ['SHIPPED', 'CANCELLED', false],
    ['SHIPPED', 'DELIVERED', true],
    ['SHIPPED', 'RETURN_REQUESTED', true],
    ['DELIVERED', 'COMPLETED', true],
    ['DELIVERED', 'RETURN_REQUESTED', true],
    ['DELIVERED', 'PICKING', false],
    ['RETURN_REQUESTED', 'RETURNED', true],
    ['RETURN_IN_TRANSIT', 'RETURN_REVIEW', true],
    ['RETURN_REVIEW', 'RETURN_REQUESTED', true],
    ['RETURNED', 'RETURN_REQUESTED', true],
    ['RETURNED', 'COMPLETED', true],
    ['RETURNED', 'DELIVERED', false],
    ['COMPLETED', 'RETURN_REQUESTED', false],
    ['CANCELLED', 'RESERVED', false],
    ['MERGED', 'PENDING_PAYMENT', false],
    ['PICKING', 'PICKING', true],
  ])('from %s to %s: %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });

  it('cancel is a move from exactly the cancellable statuses, and nothing that shipped goes back before shipment', () => {
    for (const status of ORDER_STATUSES) {
      expect(canMove(status, 'CANCELLED') && status !== 'CANCELLED').toBe(CANCELLABLE.has(status));
      if (SHIPPED_OR_LATER.has(status)) for (const next of ORDER_MOVES[status]) expect(SHIPPED_OR_LATER.has(next)).toBe(true);
    }
  });

  it('every status is reachable from PENDING_PAYMENT, and from every status an end (no moves left) is reachable', () => {
    const reachableFrom = (start: OrderStatus): Set<OrderStatus> => {
      const seen = new Set<OrderStatus>([start]);
      const queue = [start];
      for (let s = queue.shift(); s; s = queue.shift()) {
        for (const next of ORDER_MOVES[s]) {
          if (seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
        }
      }
      return seen;
    };
    expect([...reachableFrom('PENDING_PAYMENT')].sort()).toEqual([...ORDER_STATUSES].sort());
    const ends = ORDER_STATUSES.filter((s) => ORDER_MOVES[s].length === 0);
    expect(ends.sort()).toEqual(['CANCELLED', 'COMPLETED', 'MERGED']);
    for (const status of ORDER_STATUSES) expect(ends.some((end) => reachableFrom(status).has(end)), status).toBe(true);
  });
});

describe('the recorded workflow histories move only along the lifecycle table', () => {
  const dir = join(__dirname, '..', 'histories');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  /** The OrderStatus search attribute as the workflow set it, in history order. */
  function statusesOf(file: string): OrderStatus[] {
    const history = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: Record<string, any>[] };
    const statuses: OrderStatus[] = [];
    for (const event of history.events) {
      const fields =
        event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ??
        event.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields;
      const status = fields?.OrderStatus?.data;
      if (status) statuses.push(JSON.parse(Buffer.from(status, 'base64').toString()) as OrderStatus);
    }
    return statuses;
  }

  it('there are order histories to check', () => {
    expect(files.filter((f) => statusesOf(f).length > 1).length).toBeGreaterThanOrEqual(15);
  });

  /**
   * A step may pass through a few statuses at once: the timeline has each move, the search attribute the last
   * (the allocation's RESERVED and ALLOCATED are upserted with the pick step's PICKING). At most three moves.
   */
  function reachable(from: OrderStatus, to: OrderStatus, moves = 3): boolean {
    if (moves === 0) return false;
    return canMove(from, to) || ORDER_STATUSES.some((via) => via !== from && canMove(from, via) && reachable(via, to, moves - 1));
  }

  it.each(files)('%s', (file) => {
    const statuses = statusesOf(file);
    for (let i = 1; i < statuses.length; i++) expect(reachable(statuses[i - 1]!, statuses[i]!), `${statuses[i - 1]} → ${statuses[i]}`).toBe(true);
  });

  it('a status is reachable in one move where the table has the move, and in up to three only through it', () => {
    expect(reachable('PENDING_PAYMENT', 'PICKING')).toBe(true); // RESERVED, ALLOCATED, PICKING
    expect(reachable('PENDING_PAYMENT', 'PICKING', 2)).toBe(false);
    expect(reachable('SHIPPED', 'PICKING')).toBe(false);
    expect(reachable('CANCELLED', 'RESERVED')).toBe(false);
  });
});
