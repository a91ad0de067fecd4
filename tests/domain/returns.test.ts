import { describe, expect, it } from 'vitest';
import {
  afterSaleClosing,
  collectedBy,
  everythingReturned,
  isReceivedResolution,
  MAX_CARRIER_ORDER_ID,
  priceReturnLines,
  receiptRefusal,
  receivedLines,
  refundFenOf,
  returnIdFor,
  moveOnCarrierEvent,
  moveOnReviewResolved,
  returnRequestRefusal,
  type ReturnRequestFacts,
  type ReturnStatus,
} from '../../domain/returns';

const deliveredAt = '2025-03-01T08:00:00.000Z';
const DAY = 86_400_000;
const base: ReturnRequestFacts = {
  status: 'DELIVERED',
  shipped: [
    { sku: 'CUP', quantity: 3 },
    { sku: 'LID', quantity: 1 },
  ],
  returns: [],
  deliveredAt,
  afterSaleWindowMs: 7 * DAY,
  windowClosed: false,
  now: Date.parse(deliveredAt) + DAY,
};

describe('returnRequestRefusal', () => {
  const cases: { when: string; facts?: Partial<ReturnRequestFacts>; lines: { sku: string; quantity: number }[]; refusedByBuyer?: boolean; refused: RegExp | undefined }[] = [
    { when: 'delivered, inside the window, part of the order', lines: [{ sku: 'CUP', quantity: 2 }], refused: undefined },
    { when: 'delivered, everything', lines: [{ sku: 'CUP', quantity: 3 }, { sku: 'LID', quantity: 1 }], refused: undefined },
    { when: 'more units than shipped', lines: [{ sku: 'CUP', quantity: 4 }], refused: /CUP: 4 requested, but only 3 of 3/ },
    { when: 'a SKU that was not shipped', lines: [{ sku: 'SPOON', quantity: 1 }], refused: /SPOON was not shipped/ },
    { when: 'the same SKU over two lines adds up beyond shipped', lines: [{ sku: 'CUP', quantity: 2 }, { sku: 'CUP', quantity: 2 }], refused: /CUP: 4 requested/ },
    { when: 'no units', lines: [], refused: /at least one unit/ },
    { when: 'the window has passed', facts: { now: Date.parse(deliveredAt) + 7 * DAY }, lines: [{ sku: 'CUP', quantity: 1 }], refused: /window has closed/ },
    { when: 'the workflow closed the window', facts: { windowClosed: true }, lines: [{ sku: 'CUP', quantity: 1 }], refused: /window has closed/ },
    { when: 'the order completed (its window closed) but the workflow has not ended yet', facts: { status: 'COMPLETED' }, lines: [{ sku: 'CUP', quantity: 1 }], refused: /COMPLETED; the after-sale window has closed/ },
    { when: 'not yet delivered', facts: { status: 'SHIPPED', deliveredAt: undefined }, lines: [{ sku: 'CUP', quantity: 1 }], refused: /SHIPPED; returns open once it is delivered/ },
    { when: 'still picking', facts: { status: 'PICKING', deliveredAt: undefined }, lines: [{ sku: 'CUP', quantity: 1 }], refused: /PICKING; only delivered orders/ },
    { when: 'cancelled', facts: { status: 'CANCELLED', deliveredAt: undefined }, lines: [{ sku: 'CUP', quantity: 1 }], refused: /CANCELLED/ },
    {
      when: 'the buyer refused the whole parcel while shipped',
      facts: { status: 'SHIPPED', deliveredAt: undefined },
      lines: [{ sku: 'CUP', quantity: 3 }, { sku: 'LID', quantity: 1 }],
      refusedByBuyer: true,
      refused: undefined,
    },
    {
      when: 'the buyer "refused" only part of the parcel',
      facts: { status: 'SHIPPED', deliveredAt: undefined },
      lines: [{ sku: 'CUP', quantity: 1 }],
      refusedByBuyer: true,
      refused: /comes back whole/,
    },
    { when: 'refused by the buyer after delivery', lines: [{ sku: 'CUP', quantity: 3 }, { sku: 'LID', quantity: 1 }], refusedByBuyer: true, refused: /only a shipped parcel/ },
    {
      when: 'another return is still open',
      facts: { status: 'RETURN_IN_TRANSIT', returns: [{ returnId: 'ret-1-x', open: true, lines: [{ sku: 'CUP', quantity: 1 }] }] },
      lines: [{ sku: 'CUP', quantity: 1 }],
      refused: /ret-1-x is still open/,
    },
    {
      when: 'after a partial return, the rest',
      facts: { status: 'RETURNED', returns: [{ returnId: 'ret-1-x', open: false, lines: [{ sku: 'CUP', quantity: 1 }] }] },
      lines: [{ sku: 'CUP', quantity: 2 }],
      refused: undefined,
    },
    {
      when: 'after a partial return, more than is left',
      facts: { status: 'RETURNED', returns: [{ returnId: 'ret-1-x', open: false, lines: [{ sku: 'CUP', quantity: 1 }] }] },
      lines: [{ sku: 'CUP', quantity: 3 }],
      refused: /only 2 of 3 shipped units can still be returned/,
    },
  ];
  it.each(cases)('when $when, then refused: $refused', ({ facts, lines, refusedByBuyer, refused }) => {
    const why = returnRequestRefusal({ ...base, ...facts }, { lines, refusedByBuyer });
    if (refused) expect(why).toMatch(refused);
    else expect(why).toBeUndefined();
  });
});

describe('receivedLines', () => {
  const lines = [
    { sku: 'CUP', quantity: 3 },
    { sku: 'LID', quantity: 1 },
  ];
  it.each([
    {
      when: 'no scan (the carrier signed for it)',
      scanned: undefined,
      expected: [
        { sku: 'CUP', quantity: 3, condition: 'resaleable' },
        { sku: 'LID', quantity: 1, condition: 'resaleable' },
      ],
    },
    {
      when: 'one cup damaged, the rest not mentioned',
      scanned: [{ sku: 'CUP', quantity: 1, condition: 'damaged' as const }],
      expected: [
        { sku: 'CUP', quantity: 2, condition: 'resaleable' },
        { sku: 'CUP', quantity: 1, condition: 'damaged' },
        { sku: 'LID', quantity: 1, condition: 'resaleable' },
      ],
    },
    {
      when: 'everything damaged',
      scanned: [
        { sku: 'CUP', quantity: 3, condition: 'damaged' as const },
        { sku: 'LID', quantity: 1, condition: 'damaged' as const },
      ],
      expected: [
        { sku: 'CUP', quantity: 3, condition: 'damaged' },
        { sku: 'LID', quantity: 1, condition: 'damaged' },
      ],
    },
    {
      when: 'resaleable units listed explicitly',
      scanned: [{ sku: 'CUP', quantity: 2, condition: 'resaleable' as const }],
      expected: [
        { sku: 'CUP', quantity: 3, condition: 'resaleable' },
        { sku: 'LID', quantity: 1, condition: 'resaleable' },
      ],
    },
  ])('when $when, then each unit gets its condition', ({ scanned, expected }) => {
    expect(receivedLines(lines, scanned)).toEqual(expected);
  });
});

describe('receiptRefusal', () => {
  const lines = [{ sku: 'CUP', quantity: 2 }];
  it.each([
    { when: 'no lines', scanned: undefined, refused: undefined },
    { when: 'within the return', scanned: [{ sku: 'CUP', quantity: 2, condition: 'damaged' as const }], refused: undefined },
    { when: 'a SKU not in the return', scanned: [{ sku: 'LID', quantity: 1, condition: 'resaleable' as const }], refused: /LID is not part of this return/ },
    {
      when: 'more units than the return has',
      scanned: [
        { sku: 'CUP', quantity: 2, condition: 'damaged' as const },
        { sku: 'CUP', quantity: 1, condition: 'resaleable' as const },
      ],
      refused: /CUP: 3 scanned, but the return has 2/,
    },
  ])('when $when, then refused: $refused', ({ scanned, refused }) => {
    const why = receiptRefusal(lines, scanned);
    if (refused) expect(why).toMatch(refused);
    else expect(why).toBeUndefined();
  });
});

describe('refunds and ids', () => {
  it('when lines are priced, then the refund is what was paid for the returned units, in fen', () => {
    const priced = priceReturnLines(
      [{ sku: 'CUP', quantity: 2 }],
      [
        { sku: 'CUP', quantity: 3, unitPriceFen: 1999 },
        { sku: 'LID', quantity: 1, unitPriceFen: 500 },
      ],
    );
    expect(priced).toEqual([{ sku: 'CUP', quantity: 2, unitPriceFen: 1999 }]);
    expect(refundFenOf(priced)).toBe(3998);
  });

  it('when an order id is short, then the return id reads ret-<n>-<orderId>; when long, it is shortened to the carriers limit and stays distinct', () => {
    expect(returnIdFor('manual-T1', 2)).toBe('ret-2-manual-T1');
    const long = `taobao-${'9'.repeat(64)}`;
    const other = `taobao-8${'9'.repeat(63)}`;
    expect(returnIdFor(long, 1).length).toBeLessThanOrEqual(MAX_CARRIER_ORDER_ID);
    expect(returnIdFor(long, 1)).toMatch(/^ret-1-/);
    expect(returnIdFor(long, 1)).not.toBe(returnIdFor(other, 1));
    expect(returnIdFor(long, 1)).toBe(returnIdFor(long, 1));
  });

  it('when every shipped unit came back over several returns, then everything is returned', () => {
    const shipped = [
      { sku: 'CUP', quantity: 3 },
      { sku: 'LID', quantity: 1 },
    ];
    expect(everythingReturned(shipped, [{ sku: 'CUP', quantity: 3 }])).toBe(false);
    expect(everythingReturned(shipped, [{ sku: 'CUP', quantity: 2 }, { sku: 'LID', quantity: 1 }, { sku: 'CUP', quantity: 1 }])).toBe(true);
  });
});

describe('return progress', () => {
  it.each<[ReturnStatus, boolean, string, ReturnType<typeof moveOnCarrierEvent>]>([
    ['requested', false, 'created', undefined],
    ['requested', true, 'picked_up', { status: 'in_transit', orderStatus: 'RETURN_IN_TRANSIT' }],
    ['in_transit', true, 'in_transit', undefined],
    ['review', false, 'created', { status: 'requested', orderStatus: 'RETURN_REQUESTED' }],
    ['review', true, 'in_transit', { status: 'in_transit', orderStatus: 'RETURN_IN_TRANSIT' }],
    ['review', true, 'delivered', undefined],
    ['requested', true, 'delivered', undefined],
  ])('when a %s return (collected: %s) gets a carrier %s event, then it moves to %j', (status, pickedUp, kind, expected) => {
    expect(moveOnCarrierEvent(status, pickedUp, kind)).toEqual(expected);
  });

  it.each<[ReturnStatus, boolean, ReturnType<typeof moveOnReviewResolved>]>([
    ['review', false, { status: 'requested', orderStatus: 'RETURN_REQUESTED' }],
    ['review', true, { status: 'in_transit', orderStatus: 'RETURN_IN_TRANSIT' }],
    ['in_transit', true, undefined],
    ['requested', false, undefined],
  ])('when the review of a %s return (collected: %s) is resolved "keep waiting", then it moves to %j', (status, pickedUp, expected) => {
    expect(moveOnReviewResolved(status, pickedUp)).toEqual(expected);
  });

  it.each([
    ['picked_up', true],
    ['in_transit', true],
    ['out_for_delivery', true],
    ['delivered', true],
    ['created', false],
    ['exception', false],
  ])('when the carrier reports %s, then collected is %s', (kind, expected) => {
    expect(collectedBy(kind)).toBe(expected);
  });

  it.each([
    ['received', true],
    [' Received ', true],
    ['keep-waiting', false],
    ['not received', false],
  ])('when a stalled return is resolved %j, then received is %s', (resolution, expected) => {
    expect(isReceivedResolution(resolution)).toBe(expected);
  });
});

describe('closing the after-sale window', () => {
  const shipped = [{ sku: 'A', quantity: 2 }];
  it.each<[string, { lines: { sku: string; quantity: number }[] }[], ReturnType<typeof afterSaleClosing>]>([
    ['no return', [], { type: 'COMPLETED', status: 'COMPLETED' }],
    ['everything returned', [{ lines: [{ sku: 'A', quantity: 2 }] }], { type: 'AFTER_SALE_CLOSED', detail: { returns: 1 } }],
    ['everything returned in two returns', [{ lines: [{ sku: 'A', quantity: 1 }] }, { lines: [{ sku: 'A', quantity: 1 }] }], { type: 'AFTER_SALE_CLOSED', detail: { returns: 2 } }],
    ['part returned', [{ lines: [{ sku: 'A', quantity: 1 }] }], { type: 'COMPLETED', status: 'COMPLETED', detail: { returns: 1, partiallyReturned: true } }],
  ])('when %s, then %j', (_name, returns, expected) => {
    expect(afterSaleClosing(shipped, returns)).toEqual(expected);
  });
});
