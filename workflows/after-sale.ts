/**
 * After sale: the order stays open for returns until the after-sale window closes, and for as long as a
 * return is still on its way back.
 *
 * A return is requested through the API (Update: refused at once with the reason) or by the sales channel
 * (Signal). The workflow books a reverse waybill, then follows it: carrier pushes arrive as signals, and
 * every tracking interval it asks the carrier itself, so a lost push never freezes the return. Every new
 * logistics update restarts the watch; when the watch expires the order goes to RETURN_REVIEW and a person
 * gets a review task, while the workflow keeps waiting (it never gives up on its own). Receipt (the
 * carrier's "signed for", the warehouse scan, or the review task resolved "received") puts the units back in
 * stock exactly once, wakes backorders, tells purchasing, records the refund and writes it back.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { CarrierName } from '../carriers/types';
import type { OrderStatus } from '../domain/order';
import {
  everythingReturned,
  priceReturnLines,
  receiptRefusal,
  receivedLines,
  refundFenOf,
  returnIdFor,
  returnRequestRefusal,
  totals,
  type ConditionedLine,
  type QuantityLine,
  type ReturnRequest,
} from '../domain/returns';
import { activities } from './activities';
import {
  receiveReturnUpdate,
  requestReturnUpdate,
  RETURN_CONDITION_CHECK,
  RETURN_REQUEST_REFUSED,
  RETURN_STALLED,
  returnRequestedSignal,
  type CarrierEventInput,
  type ReceiveReturnInput,
  type ReturnRef,
  type ReviewResolvedInput,
} from './contract';
import type { OrderContext } from './order-context';

type Via = 'push' | 'tracking';

interface Receipt {
  by: NonNullable<ReturnRef['receivedBy']>;
  /** Warehouse scan: per-line condition. */
  lines?: ConditionedLine[] | undefined;
  scannedBy?: string | undefined;
  note?: string | undefined;
}

/** What the workflow knows about a return beyond its public state (rebuilt identically on replay). */
interface Progress {
  /** Recorded (row + timeline): the main flow may follow it. */
  ready: boolean;
  /** Carrier events not yet applied, from pushes and tracking. */
  inbox: { event: CarrierEventInput; via: Via }[];
  seen: Set<string>;
  pickedUp: boolean;
  /** Carrier time of the newest event applied, to keep the latest carrier status. */
  newestEventAt?: string;
  receipt?: Receipt;
  /** A resolution of the stalled-return task other than "received": keep waiting. */
  review?: ReviewResolvedInput;
  stalls: number;
}

const IN_TRANSIT_KINDS: ReadonlySet<string> = new Set(['picked_up', 'in_transit', 'out_for_delivery']);

/** Registers the phase's handlers (call before the first await) and returns its step. */
export function afterSalePhase(ctx: OrderContext) {
  const { state, orderId } = ctx;
  const progress = new Map<string, Progress>();
  /** Events for a return waybill that arrived before the workflow learned the waybill number. */
  const strayEvents: CarrierEventInput[] = [];
  const refusedRequests = new Set<string>();
  let windowClosed = false;

  const watchMs = ctx.timings.returnWatchTimeoutMs;
  const trackEveryMs = ctx.timings.returnTrackingIntervalMs ?? ctx.timings.trackingIntervalMs;
  /** When the order (its last parcel, if split) was delivered. */
  const deliveredAt = () => state.timeline.find((e) => e.status === 'DELIVERED')?.at;
  const progressOf = (ret: ReturnRef) => progress.get(ret.returnId)!;
  const byExternalId = (id: string | undefined) => (id === undefined ? undefined : state.returns.find((r) => r.externalId === id));

  function refusal(request: ReturnRequest): string | undefined {
    return returnRequestRefusal(
      {
        status: state.status,
        shipped: ctx.stockLines(),
        returns: state.returns.map((r) => ({ returnId: r.returnId, open: r.status !== 'received', lines: r.lines })),
        deliveredAt: deliveredAt(),
        afterSaleWindowMs: ctx.timings.afterSaleWindowMs,
        windowClosed,
        now: Date.now(),
      },
      request,
    );
  }

  /** Units shipped and not yet asked back: what a channel request without lines returns. */
  function remainingLines(): QuantityLine[] {
    const back = totals(state.returns.flatMap((r) => r.lines));
    return ctx
      .stockLines()
      .map((l) => ({ sku: l.sku, quantity: l.quantity - (back.get(l.sku) ?? 0) }))
      .filter((l) => l.quantity > 0);
  }

  /**
   * The warehouse that shipped the returned units receives them. A split order's return goes to the parcel's
   * warehouse that shipped most of the returned units (one reverse waybill, one receiving warehouse).
   */
  function receivingWarehouse(lines: readonly QuantityLine[]): string {
    const parcels = state.allocation?.parcels ?? [];
    const wanted = totals(lines);
    let best: { warehouseId: string; units: number } | undefined;
    for (const parcel of parcels) {
      const units = parcel.lines.reduce((sum, l) => sum + Math.min(l.quantity, wanted.get(l.sku) ?? 0), 0);
      if (units > (best?.units ?? 0)) best = { warehouseId: parcel.warehouseId, units };
    }
    return best?.warehouseId ?? state.allocation?.warehouseId ?? state.tasks[0]?.warehouseId ?? '';
  }

  /** Opens the return: in the state at once (so a second request sees it), then recorded. */
  async function openReturn(
    request: { lines: QuantityLine[]; reason: string; refusedByBuyer?: boolean | undefined; externalId?: string | undefined; platformRefundId?: string | undefined },
    source: ReturnRef['source'],
  ): Promise<ReturnRef> {
    const lines = priceReturnLines(request.lines, state.lines);
    const ret: ReturnRef = {
      returnId: returnIdFor(orderId, state.returns.length + 1),
      source,
      ...(request.externalId ? { externalId: request.externalId } : {}),
      ...(request.platformRefundId ? { platformRefundId: request.platformRefundId } : {}),
      reason: request.reason,
      refusedByBuyer: request.refusedByBuyer ?? false,
      status: 'requested',
      lines,
      warehouseId: receivingWarehouse(request.lines),
      requestedAt: ctx.now(),
      refundFen: refundFenOf(lines),
    };
    state.returns.push(ret);
    const p: Progress = { ready: false, inbox: [], seen: new Set(), pickedUp: false, stalls: 0 };
    progress.set(ret.returnId, p);
    if (ret.refusedByBuyer) ctx.deliveryRefused = true;
    await activities.recordReturnRequest({
      returnId: ret.returnId,
      orderId,
      source,
      externalId: ret.externalId,
      reason: ret.reason,
      refusedByBuyer: ret.refusedByBuyer,
      warehouseId: ret.warehouseId,
      lines,
      refundFen: ret.refundFen,
      requestedAt: ret.requestedAt,
    });
    await ctx.record('RETURN_REQUESTED', 'RETURN_REQUESTED', {
      returnId: ret.returnId,
      source,
      reason: ret.reason,
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
      refundFen: ret.refundFen,
      ...(ret.refusedByBuyer ? { refusedByBuyer: true } : {}),
      ...(ret.externalId ? { externalId: ret.externalId } : {}),
    });
    p.ready = true;
    return ret;
  }

  function enqueue(ret: ReturnRef, event: CarrierEventInput, via: Via): void {
    const p = progressOf(ret);
    if (ret.status === 'received' || p.seen.has(event.eventId)) return;
    p.seen.add(event.eventId);
    p.inbox.push({ event, via });
  }

  // ── Requests ──────────────────────────────────────────────────────────────────────────────────────────

  setHandler(
    requestReturnUpdate,
    async (request) => {
      const existing = byExternalId(request.externalId);
      const ret = existing ?? (await openReturn(request, 'api'));
      return { returnId: ret.returnId, status: state.status };
    },
    {
      validator: (request) => {
        if (byExternalId(request.externalId)) return; // the same request again: answered with the same return
        const why = refusal(request);
        if (why) ctx.refuse(why);
      },
    },
  );

  setHandler(returnRequestedSignal, async (request) => {
    const known = byExternalId(request.externalId);
    if (known) {
      // A redelivery; a poll may have opened the return before the push that names the platform's refund id.
      if (request.platformRefundId) known.platformRefundId ??= request.platformRefundId;
      return;
    }
    if (refusedRequests.has(request.externalId)) return; // a redelivered push
    const lines = request.lines ?? remainingLines();
    const why = refusal({ lines, refusedByBuyer: request.refusedByBuyer });
    if (!why) {
      await openReturn({ ...request, lines }, 'channel');
      return;
    }
    refusedRequests.add(request.externalId);
    await ctx.act.openReviewTask({
      id: `${RETURN_REQUEST_REFUSED}-${orderId}-${request.externalId}`,
      kind: RETURN_REQUEST_REFUSED,
      orderId,
      reason: `platform return request ${request.externalId} not accepted: ${why}`,
      data: { externalId: request.externalId, reason: request.reason, lines, why },
    });
    await ctx.record('RETURN_REQUEST_REFUSED', undefined, { externalId: request.externalId, why });
  });

  // ── Receipt by the warehouse scan ─────────────────────────────────────────────────────────────────────

  setHandler(
    receiveReturnUpdate,
    async (input) => {
      const ret = state.returns.find((r) => r.returnId === input.returnId)!;
      const p = progressOf(ret);
      const already = p.receipt !== undefined;
      p.receipt ??= { by: 'warehouse', lines: input.lines, scannedBy: input.receivedBy };
      // Answer once the goods are back in stock, so the scanner sees the outcome (202 from the API if slower).
      await condition(() => ret.status === 'received', '10 seconds');
      if (already && ret.status === 'received') await scannedAfterReceipt(ret, input);
      return { return: ret, alreadyReceived: already };
    },
    {
      validator: (input) => {
        const ret = state.returns.find((r) => r.returnId === input.returnId);
        if (!ret) ctx.refuse(`return ${input.returnId} is not part of this order`);
        const why = receiptRefusal(ret.lines, input.lines);
        if (why) ctx.refuse(why);
      },
    },
  );

  /**
   * A scan after the return was already received (typically after the carrier's "signed for", which counts
   * every unit resaleable). Stock is never moved twice; if the scan reports damage, a person checks it.
   */
  async function scannedAfterReceipt(ret: ReturnRef, input: ReceiveReturnInput): Promise<void> {
    const applied = totals((ret.received ?? []).filter((l) => l.condition === 'damaged'));
    const scanned = totals(receivedLines(ret.lines, input.lines).filter((l) => l.condition === 'damaged'));
    const unseenDamage = [...scanned].filter(([sku, q]) => q > (applied.get(sku) ?? 0)).map(([sku, quantity]) => ({ sku, quantity }));
    await ctx.record('RETURN_SCANNED_AFTER_RECEIPT', undefined, {
      returnId: ret.returnId,
      receivedBy: ret.receivedBy,
      ...(unseenDamage.length ? { damaged: unseenDamage } : {}),
    });
    if (unseenDamage.length === 0) return;
    await ctx.act.openReviewTask({
      id: `${RETURN_CONDITION_CHECK}-${ret.returnId}`,
      kind: RETURN_CONDITION_CHECK,
      orderId,
      reason: `return ${ret.returnId}: the warehouse scan reports damaged units that were restocked as resaleable`,
      data: { returnId: ret.returnId, warehouseId: ret.warehouseId, damaged: unseenDamage, receivedBy: ret.receivedBy },
    });
  }

  // ── Logistics updates and review resolutions ──────────────────────────────────────────────────────────

  ctx.carrierEventListeners.push((event) => {
    const ret = state.returns.find((r) => r.waybillNo === event.waybillNo && r.carrier === event.carrier);
    if (ret) return enqueue(ret, event, 'push');
    const awaitingWaybill = state.returns.some((r) => r.status !== 'received' && r.waybillNo === undefined);
    const forward = state.shipments.some((s) => s.waybillNo === event.waybillNo && s.carrier === event.carrier);
    if (awaitingWaybill && !forward && strayEvents.length < 100) strayEvents.push(event);
  });

  ctx.reviewListeners.push((resolved) => {
    if (resolved.kind !== RETURN_STALLED) return;
    const ret = state.returns.find((r) => r.reviewTaskId === resolved.taskId && r.status !== 'received');
    if (!ret) return;
    const p = progressOf(ret);
    if (resolved.resolution.trim().toLowerCase() === 'received') p.receipt ??= { by: 'review', note: resolved.note };
    else p.review = resolved;
  });

  // ── Following one return ──────────────────────────────────────────────────────────────────────────────

  function restartWatch(ret: ReturnRef): number {
    const deadline = Date.now() + watchMs;
    ret.watchExpiresAt = new Date(deadline).toISOString();
    return deadline;
  }

  async function follow(ret: ReturnRef): Promise<void> {
    const p = progressOf(ret);
    await condition(() => p.ready);
    if (!ret.waybillNo && !p.receipt) await bookWaybill(ret);

    let watchDeadline = restartWatch(ret);
    let nextPoll = Date.now() + trackEveryMs;
    while (!p.receipt) {
      const wakeAt = ret.status === 'review' ? nextPoll : Math.min(nextPoll, watchDeadline);
      await condition(() => p.inbox.length > 0 || p.receipt !== undefined || p.review !== undefined, Math.max(1, wakeAt - Date.now()));
      if (p.receipt) break;
      if (p.inbox.length > 0) {
        await applyUpdates(ret, p.inbox.splice(0)); // a logistics update: the watch starts over
        watchDeadline = restartWatch(ret);
        continue;
      }
      if (p.review) {
        const resolved = p.review;
        p.review = undefined;
        await keepWaiting(ret, resolved);
        watchDeadline = restartWatch(ret);
        continue;
      }
      if (Date.now() >= nextPoll) {
        const events = await activities.trackShipment({ carrier: ret.carrier as CarrierName, waybillNo: ret.waybillNo! });
        nextPoll = Date.now() + trackEveryMs;
        for (const event of events) enqueue(ret, event, 'tracking');
        if (p.inbox.length > 0 || p.receipt) continue;
      }
      if (ret.status !== 'review' && Date.now() >= watchDeadline) await stall(ret);
    }
    await receive(ret, p.receipt);
  }

  async function bookWaybill(ret: ReturnRef): Promise<void> {
    const forward = state.shipments.find((s) => s.direction === 'forward');
    const booked = await activities.bookReturnWaybill({
      returnId: ret.returnId,
      orderId,
      warehouseId: ret.warehouseId,
      preferredCarrier: forward?.carrier,
      customer: state.customer,
      address: state.shippingAddress,
      lines: ret.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    });
    ret.carrier = booked.carrier;
    ret.waybillNo = booked.waybillNo;
    for (const event of strayEvents.splice(0)) {
      if (event.carrier === ret.carrier && event.waybillNo === ret.waybillNo) enqueue(ret, event, 'push');
    }
    await ctx.record('RETURN_WAYBILL_CREATED', undefined, { returnId: ret.returnId, carrier: booked.carrier, waybillNo: booked.waybillNo });
  }

  /** Applies new carrier events, oldest first: timeline, status, and receipt on "signed for by the warehouse". */
  async function applyUpdates(ret: ReturnRef, updates: { event: CarrierEventInput; via: Via }[]): Promise<void> {
    const p = progressOf(ret);
    for (const { event, via } of [...updates].sort((a, b) => a.event.at.localeCompare(b.event.at))) {
      if (p.newestEventAt === undefined || event.at >= p.newestEventAt) {
        p.newestEventAt = event.at;
        ret.carrierStatus = event.kind;
      }
      ret.lastUpdateAt = ctx.now();
      if (IN_TRANSIT_KINDS.has(event.kind) || event.kind === 'delivered') p.pickedUp = true;
      const wasInReview = ret.status === 'review';
      let status: OrderStatus | undefined;
      if (event.kind !== 'delivered' && (wasInReview || (p.pickedUp && ret.status === 'requested'))) {
        ret.status = p.pickedUp ? 'in_transit' : 'requested';
        status = p.pickedUp ? 'RETURN_IN_TRANSIT' : 'RETURN_REQUESTED';
      }
      if (wasInReview && ret.reviewTaskId) {
        await ctx.act.closeReviewTask({ taskId: ret.reviewTaskId, resolution: `superseded: the carrier reported ${event.kind}` });
      }
      await activities.recordReturnProgress({ returnId: ret.returnId, status: ret.status, carrierStatus: ret.carrierStatus, lastUpdateAt: event.at });
      await ctx.record('RETURN_CARRIER_UPDATE', status, {
        returnId: ret.returnId,
        waybillNo: ret.waybillNo,
        kind: event.kind,
        at: event.at,
        via,
        ...(event.remark ? { remark: event.remark } : {}),
      });
      if (event.kind === 'delivered') p.receipt ??= { by: 'carrier' };
    }
  }

  /** The watch expired: a person looks, the workflow keeps waiting (tracking goes on). */
  async function stall(ret: ReturnRef): Promise<void> {
    const p = progressOf(ret);
    p.stalls += 1;
    const taskId = `${RETURN_STALLED}-${ret.returnId}-${p.stalls}`;
    const lastCarrierStatus = ret.carrierStatus ?? 'none';
    const lastUpdateAt = ret.lastUpdateAt ?? ret.requestedAt;
    ret.status = 'review';
    ret.reviewTaskId = taskId;
    await ctx.act.openReviewTask({
      id: taskId,
      kind: RETURN_STALLED,
      orderId,
      reason: `return ${ret.returnId}: no logistics update for ${describe(watchMs)}; last carrier status: ${lastCarrierStatus}`,
      data: { returnId: ret.returnId, carrier: ret.carrier, waybillNo: ret.waybillNo, lastCarrierStatus, lastUpdateAt, watchTimeoutMs: watchMs },
    });
    await activities.recordReturnProgress({ returnId: ret.returnId, status: 'review' });
    await ctx.record('RETURN_WATCH_EXPIRED', 'RETURN_REVIEW', { returnId: ret.returnId, taskId, lastCarrierStatus, lastUpdateAt, watchTimeoutMs: watchMs });
  }

  /** The review task was resolved with anything but "received": back to following the carrier. */
  async function keepWaiting(ret: ReturnRef, resolved: ReviewResolvedInput): Promise<void> {
    const p = progressOf(ret);
    let status: OrderStatus | undefined;
    if (ret.status === 'review') {
      ret.status = p.pickedUp ? 'in_transit' : 'requested';
      status = p.pickedUp ? 'RETURN_IN_TRANSIT' : 'RETURN_REQUESTED';
      await activities.recordReturnProgress({ returnId: ret.returnId, status: ret.status });
    }
    await ctx.record('RETURN_REVIEW_RESOLVED', status, {
      returnId: ret.returnId,
      taskId: resolved.taskId,
      resolution: resolved.resolution,
      ...(resolved.note ? { note: resolved.note } : {}),
    });
  }

  /** Receipt: stock, quarantine, purchasing and refund (one idempotent activity), then backorders and the platform. */
  async function receive(ret: ReturnRef, receipt: Receipt): Promise<void> {
    const outcome = await activities.receiveReturnGoods({
      returnId: ret.returnId,
      orderId,
      channel: state.channel,
      warehouseId: ret.warehouseId,
      receivedBy: receipt.by,
      scannedBy: receipt.scannedBy,
      lines: receivedLines(ret.lines, receipt.lines),
      refundFen: ret.refundFen,
    });
    ret.received = outcome.lines;
    ret.receivedBy = receipt.by;
    ret.receivedAt = ctx.now();
    ret.refundFen = outcome.refundFen;
    const restocked = outcome.lines.filter((l) => l.condition === 'resaleable').map(({ sku, quantity }) => ({ sku, quantity }));
    const quarantined = outcome.lines.filter((l) => l.condition === 'damaged').map(({ sku, quantity }) => ({ sku, quantity }));
    await ctx.record('RETURN_RECEIVED', undefined, {
      returnId: ret.returnId,
      by: receipt.by,
      ...(receipt.scannedBy ? { scannedBy: receipt.scannedBy } : {}),
      ...(receipt.note ? { note: receipt.note } : {}),
    });

    // Backordered orders wanting these SKUs get the units first come, first served (workflows/restock.ts).
    await activities.requestRestock({ skus: [...new Set(restocked.map((l) => l.sku))] });
    await ctx.record('STOCK_RETURNED', undefined, { returnId: ret.returnId, warehouseId: ret.warehouseId, restocked, quarantined });
    await ctx.record('PURCHASING_NOTIFIED', undefined, { returnId: ret.returnId, skus: [...new Set(outcome.lines.map((l) => l.sku))] });
    await ctx.record('REFUND_RECORDED', undefined, { returnId: ret.returnId, amountFen: ret.refundFen });
    const writeBack = await activities.writeBackRefund({
      returnId: ret.returnId,
      orderId,
      channel: state.channel,
      channelOrderId: state.channelOrderId,
      storeId: state.storeId,
      platformRefundId: ret.platformRefundId,
      amountFen: ret.refundFen,
    });
    await ctx.record('REFUND_WRITE_BACK', undefined, { returnId: ret.returnId, outcome: writeBack.outcome, ...(writeBack.reference ? { reference: writeBack.reference } : {}) });
    // A stalled-return task nobody resolved yet has nothing left to check.
    if (ret.reviewTaskId) await ctx.act.closeReviewTask({ taskId: ret.reviewTaskId, resolution: `superseded: received (${receipt.by})` });
    ret.status = 'received';
    await ctx.record('RETURNED', 'RETURNED', { returnId: ret.returnId, refundFen: ret.refundFen });
  }

  return {
    /**
     * Runs the after-sale window (from delivery; none when the buyer refused the parcel), following each
     * return to its end. Returns the order's final status.
     */
    async run(): Promise<OrderStatus> {
      const delivered = deliveredAt();
      const closesAt = delivered ? Date.parse(delivered) + ctx.timings.afterSaleWindowMs : Date.now();
      for (;;) {
        const open = state.returns.find((r) => r.status !== 'received');
        if (open) {
          await follow(open);
          continue;
        }
        const left = closesAt - Date.now();
        if (left <= 0) break;
        await condition(() => state.returns.some((r) => r.status !== 'received'), left);
      }
      windowClosed = true;

      if (state.returns.length === 0) {
        await ctx.record('COMPLETED', 'COMPLETED');
      } else if (everythingReturned(ctx.stockLines(), state.returns.flatMap((r) => r.lines))) {
        await ctx.record('AFTER_SALE_CLOSED', undefined, { returns: state.returns.length });
      } else {
        await ctx.record('COMPLETED', 'COMPLETED', { returns: state.returns.length, partiallyReturned: true });
      }
      return state.status;
    },
  };
}

/** "72 h", "90 s": for the review task's reason. */
function describe(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round((ms / 60_000) * 10) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
