/**
 * orderWorkflow on the real dev server with fake activities: the happy path to COMPLETED, a return carried
 * back and refunded, and a cancel before payment. Business durations in milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import type { CarrierEvent } from '../../carriers/types';
import { canonicalOrderSchema } from '../../domain/order-schema';
import {
  cancelOrderUpdate,
  carrierEventSignal,
  confirmPaymentUpdate,
  getOrderQuery,
  orderWorkflowId,
  requestReturnUpdate,
  taskCompletedSignal,
  type OrderState,
  type OrderTimings,
  type OrderWorkflowInput,
} from '../../workflows/contract';
import { CARRIED_BACK_RETURN_STEPS } from '../support/return-steps';
import { fakeWorker, uniqueId, type FakeWorker } from './fake-worker';

const TIMINGS: OrderTimings = {
  paymentTimeoutMs: 60_000,
  afterSaleWindowMs: 1_000,
  returnWatchTimeoutMs: 60_000,
  trackingIntervalMs: 200,
  returnTrackingIntervalMs: 200,
};

/** Activity calls per order id, by activity name. */
const calls = new Map<string, string[]>();
const called = (orderId: string, name: string) => {
  calls.set(orderId, [...(calls.get(orderId) ?? []), name]);
};
/** The carrier answers "delivered" for every waybill. */
const delivered = (carrier: 'sf', waybillNo: string): CarrierEvent[] => [
  { carrier, waybillNo, eventId: `${waybillNo}-d`, kind: 'delivered', at: new Date().toISOString(), remark: '', rawCode: '80' },
];

/**
 * Orders whose channel order id starts with EARLY: their ship step waits at this gate (the carrier's push may
 * come first), and the carrier's tracking knows nothing of them (only a push can deliver them).
 */
let shipGate: { reached: () => void; release: Promise<void> } | undefined;
const early = (orderId: string) => orderId.startsWith('manual-EARLY');

const activities: Partial<Activities> = {
  recordOrder: async ({ orderId }) => called(orderId, 'recordOrder'),
  recordTransition: async () => undefined,
  recordTransitions: async () => undefined,
  claimOrderFingerprint: async ({ orderId }) => (called(orderId, 'claimOrderFingerprint'), { role: 'primary' }),
  settleDuplicatePayments: async ({ orderId, cancelled }) => called(orderId, cancelled ? 'settleDuplicatePayments(cancelled)' : 'settleDuplicatePayments'),
  allocateOrder: async ({ orderId, lines }) => (
    called(orderId, 'allocateOrder'), { action: 'ship', rule: 'local-stock', reason: 'nearest', parcels: [{ warehouseId: 'WH1', lines }] }
  ),
  // A unit is pre-packed for the buyers of orders whose channel order id starts with PP.
  claimPrepack: async ({ orderId }) =>
    orderId.startsWith('manual-PP') ? (called(orderId, 'claimPrepack'), { prepackId: `pp-${orderId}`, warehouseId: 'WH1', taskId: `prepack-${orderId}`, waybillNo: `VW-${orderId}` }) : null,
  releaseAllocation: async ({ orderId }) => called(orderId, 'releaseAllocation'),
  joinMergedParcel: async () => null,
  createPickTask: async ({ orderId }) => (called(orderId, 'createPickTask'), { taskId: `pick-${orderId}` }),
  openPickTask: async ({ orderId, warehouseId, entry }) => (
    called(orderId, 'openPickTask'),
    { taskId: `pick-${orderId}`, parcel: null, entry: { ...entry, type: 'PICK_TASK_CREATED', status: 'PICKING', detail: { taskId: `pick-${orderId}`, warehouseId } } }
  ),
  closeTask: async () => undefined,
  shipOrder: async ({ orderId }) => {
    called(orderId, 'shipOrder');
    if (early(orderId) && shipGate) {
      shipGate.reached();
      await shipGate.release;
    }
    return { direction: 'forward', carrier: 'sf', waybillNo: `SF-${orderId}`, status: 'created' };
  },
  trackShipment: async ({ waybillNo }) => (early(waybillNo.slice('SF-'.length)) ? [] : delivered('sf', waybillNo)),
  recordShipmentStatus: async () => undefined,
  openReviewTask: async ({ orderId }) => called(orderId ?? '', 'openReviewTask'),
  recordReturnRequest: async ({ orderId }) => called(orderId, 'recordReturnRequest'),
  bookReturnWaybill: async ({ orderId, returnId }) => (called(orderId, 'bookReturnWaybill'), { carrier: 'sf', waybillNo: `R-${returnId}` }),
  recordReturnProgress: async () => undefined,
  receiveReturnGoods: async ({ orderId, lines, refundFen }) => (called(orderId, 'receiveReturnGoods'), { applied: true, lines, refundFen }),
  requestRestock: async () => undefined,
  writeBackRefund: async ({ orderId }) => (called(orderId, 'writeBackRefund'), { outcome: 'not_applicable' as const }),
  closeReviewTask: async () => undefined,
};

let w: FakeWorker;
beforeAll(async () => {
  w = await fakeWorker(activities);
});
afterAll(async () => {
  await w?.close();
});

function start(timings: OrderTimings = TIMINGS, prefix = 'T') {
  const channelOrderId = uniqueId(prefix);
  const orderId = `manual-${channelOrderId}`;
  const order = canonicalOrderSchema.parse({
    channel: 'manual',
    channelOrderId,
    createdAt: new Date().toISOString(),
    customer: { name: '王五', phone: '13900001111' },
    shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文一路 1 号' },
    lines: [{ sku: 'CUP-1', quantity: 2, unitPriceFen: 2990 }],
  });
  const input: OrderWorkflowInput = { orderId, order, timings };
  return { orderId, handle: w.client.workflow.start('orderWorkflow', { taskQueue: w.taskQueue, workflowId: orderWorkflowId(orderId), args: [input] }) };
}

async function untilPicking(handle: Awaited<ReturnType<typeof start>['handle']>): Promise<OrderState> {
  for (;;) {
    const state = await handle.query(getOrderQuery);
    if (state.status === 'PICKING') return state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const types = (state: OrderState) => state.timeline.map((e) => e.type);

describe('orderWorkflow with fake activities', () => {
  it('when paid and picked, then it allocates, ships, follows delivery and completes when the after-sale window closes', async () => {
    const { orderId, handle: starting } = start();
    const { outcome, state } = await w.running(async () => {
      const handle = await starting;
      await handle.executeUpdate(confirmPaymentUpdate, { args: [{}] });
      const picking = await untilPicking(handle);
      await handle.signal(taskCompletedSignal, { taskId: picking.tasks[0]!.taskId });
      return { outcome: await handle.result(), state: await handle.query(getOrderQuery) };
    });
    expect(outcome).toEqual({ orderId, status: 'COMPLETED' });
    expect(types(state)).toEqual(['ORDER_RECEIVED', 'PAYMENT_CONFIRMED', 'STOCK_RESERVED', 'ALLOCATED', 'PICK_TASK_CREATED', 'PACKED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
    expect(calls.get(orderId)).toEqual(['recordOrder', 'claimOrderFingerprint', 'settleDuplicatePayments', 'allocateOrder', 'openPickTask', 'shipOrder']);
  });

  it('when the buyer had a unit pre-packed, then the order ships it at once: no allocation, no pick task', async () => {
    const { orderId, handle: starting } = start(TIMINGS, 'PP');
    const { outcome, state } = await w.running(async () => {
      const handle = await starting;
      await handle.executeUpdate(confirmPaymentUpdate, { args: [{}] });
      return { outcome: await handle.result(), state: await handle.query(getOrderQuery) };
    });
    expect(outcome).toEqual({ orderId, status: 'COMPLETED' });
    expect(types(state)).toEqual(['ORDER_RECEIVED', 'PAYMENT_CONFIRMED', 'STOCK_RESERVED', 'ALLOCATED', 'PACKED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
    expect(state.allocation).toMatchObject({ rule: 'prepack', warehouseId: 'WH1' });
    expect(calls.get(orderId)).toEqual(['recordOrder', 'claimOrderFingerprint', 'settleDuplicatePayments', 'claimPrepack', 'shipOrder']);
  });

  it('when a delivered order is returned, then the return is booked, received when the carrier delivers it, refunded, and the order ends RETURNED', async () => {
    const { orderId, handle: starting } = start({ ...TIMINGS, afterSaleWindowMs: 5_000 });
    const { outcome, state } = await w.running(async () => {
      const handle = await starting;
      await handle.executeUpdate(confirmPaymentUpdate, { args: [{}] });
      const picking = await untilPicking(handle);
      await handle.signal(taskCompletedSignal, { taskId: picking.tasks[0]!.taskId });
      while ((await handle.query(getOrderQuery)).status !== 'DELIVERED') await new Promise((r) => setTimeout(r, 100));
      const accepted = await handle.executeUpdate(requestReturnUpdate, { args: [{ lines: [{ sku: 'CUP-1', quantity: 2 }], reason: '不想要了' }] });
      expect(accepted.returnId).toMatch(/^ret-1-/);
      return { outcome: await handle.result(), state: await handle.query(getOrderQuery) };
    });
    expect(outcome).toEqual({ orderId, status: 'RETURNED' });
    expect(state.returns[0]).toMatchObject({ status: 'received', receivedBy: 'carrier', refundFen: 2 * 2990 });
    const after = types(state).slice(types(state).indexOf('RETURN_REQUESTED'));
    expect(after).toEqual([...CARRIED_BACK_RETURN_STEPS, 'AFTER_SALE_CLOSED']);
    expect(calls.get(orderId)?.slice(-4)).toEqual(['recordReturnRequest', 'bookReturnWaybill', 'receiveReturnGoods', 'writeBackRefund']);
  });

  it("when the carrier's delivery push comes before the order's ship step returns (a merged parcel's waybill), then the order still learns it was delivered", async () => {
    // Tracking every minute: only the early push can deliver the order within the test.
    const { orderId, handle: starting } = start({ ...TIMINGS, trackingIntervalMs: 60_000 }, 'EARLY');
    let reached!: () => void;
    let release!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    shipGate = { reached, release: new Promise<void>((r) => (release = r)) };
    const { outcome, state } = await w.running(async () => {
      const handle = await starting;
      await handle.executeUpdate(confirmPaymentUpdate, { args: [{}] });
      const picking = await untilPicking(handle);
      await handle.signal(taskCompletedSignal, { taskId: picking.tasks[0]!.taskId });
      await atGate;
      const [push] = delivered('sf', `SF-${orderId}`);
      await handle.signal(carrierEventSignal, push!);
      release();
      return { outcome: await handle.result(), state: await handle.query(getOrderQuery) };
    });
    shipGate = undefined;
    expect(outcome).toEqual({ orderId, status: 'COMPLETED' });
    expect(types(state).slice(-4)).toEqual(['PACKED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
  });

  it('when cancelled before payment, then it ends CANCELLED and tells the duplicate check', async () => {
    const { orderId, handle: starting } = start();
    const { outcome } = await w.running(async () => {
      const handle = await starting;
      while ((await handle.query(getOrderQuery)).timeline.length === 0) await new Promise((r) => setTimeout(r, 100));
      const state = await handle.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'buyer asked' }] });
      expect(state.status).toBe('CANCELLED');
      return { outcome: await handle.result() };
    });
    expect(outcome).toEqual({ orderId, status: 'CANCELLED' });
    expect(calls.get(orderId)).toEqual(['recordOrder', 'claimOrderFingerprint', 'settleDuplicatePayments(cancelled)']);
  });
});
