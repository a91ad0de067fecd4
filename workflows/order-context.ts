/**
 * The state one order workflow carries, and the few operations every phase needs: record a timeline event
 * (projected to PostgreSQL, mirrored into search attributes), refuse a request, and know whether a cancel is
 * pending. Phases (payment, allocation, fulfilment, after sale) receive this object.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ApplicationFailure, condition, log, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { canMove, orderTotalFen, type OrderStatus } from '../domain/order';
import type { StockLine } from '../domain/stock';
import { activities, localActivities } from './activities';
import {
  ILLEGAL_TRANSITION,
  OrderStatusKey,
  StatusSinceKey,
  type CarrierEventInput,
  type OrderState,
  type OrderWorkflowInput,
  type ReviewResolvedInput,
  type TimelineEntry,
  type TransitionRecord,
} from './contract';

/**
 * Orders started from this version on: short database steps are local activities and timeline events recorded
 * together are projected to PostgreSQL in one step. Orders already running keep one remote activity per step.
 */
export const LOCAL_STEPS_PATCH = 'local-steps-and-batched-projection';

/** A timeline event to record: its type, the status it moves the order to, its detail, the row columns it changes. */
export interface TimelineEvent {
  type: string;
  status?: OrderStatus;
  detail?: Record<string, unknown>;
  patch?: TransitionRecord['patch'];
}

export class OrderContext {
  readonly orderId: string;
  readonly state: OrderState;
  /** Started with (or after) LOCAL_STEPS_PATCH: see there. */
  readonly v2: boolean;
  /** The database steps' activities: local ones for orders started from v2 on, remote ones before. */
  readonly act: typeof activities;
  /** Handlers that write to the timeline wait until the order itself is recorded. */
  received = false;
  /** The intake recorded the order's first events (see adoptIntake). */
  adopted = false;
  /** Set once the waybill is being booked: from then on cancel and address change are refused. */
  shipping = false;
  /** The buyer refused the parcel at the door: delivery will never be reported, the return takes over. */
  deliveryRefused = false;
  /** Every carrier event the order receives, for phases following waybills of their own (returns). */
  readonly carrierEventListeners: ((event: CarrierEventInput) => void)[] = [];
  /** Every resolved review task of the order; each phase picks the kinds it opened. */
  readonly reviewListeners: ((input: ReviewResolvedInput) => void)[] = [];
  private cancelRequest: { reason: string } | undefined;
  /** Timeline events appended but not projected yet (`defer`): they go to PostgreSQL with the next step. */
  private unprojected: TransitionRecord[] = [];
  /** Search attributes of deferred events: upserted with the next event's, one upsert (one history event) for all. */
  private unsetAttributes = new Map<string, SearchAttributeUpdatePair>();
  /** Undo steps pushed after each step that must be undone on cancel (saga), run in reverse. */
  private readonly compensations: (() => Promise<void>)[] = [];
  /** How a pending cancel request ended: the order cancelled, or it had already shipped. */
  private cancelOutcome: 'cancelled' | 'too-late' | undefined;

  constructor(readonly input: OrderWorkflowInput) {
    const { order } = input;
    this.orderId = input.orderId;
    this.v2 = patched(LOCAL_STEPS_PATCH);
    this.act = this.v2 ? localActivities : activities;
    this.state = {
      orderId: input.orderId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      ...(order.storeId ? { storeId: order.storeId } : {}),
      status: 'PENDING_PAYMENT',
      statusSince: new Date().toISOString(),
      urgent: order.urgent,
      createdAt: order.createdAt,
      paidAt: order.paidAt ?? null,
      customer: order.customer,
      shippingAddress: order.shippingAddress,
      lines: order.lines,
      totalFen: orderTotalFen(order.lines),
      allocation: null,
      tasks: [],
      shipments: [],
      returns: [],
      mergedInto: null,
      merged: [],
      timeline: [],
    };
  }

  /** Resolves once the order row exists, so handlers never write to the timeline before it. */
  async whenReceived(): Promise<void> {
    await condition(() => this.received);
  }

  get timings() {
    return this.input.timings;
  }

  now(): string {
    return new Date().toISOString();
  }

  /** The lines as stock sees them. */
  stockLines(): StockLine[] {
    return this.state.lines.map(({ sku, quantity }) => ({ sku, quantity }));
  }

  /** Appends to the timeline, projects it to PostgreSQL and updates the search attributes ops filter on. */
  async record(type: string, status?: OrderStatus, detail?: Record<string, unknown>, patch?: TransitionRecord['patch']): Promise<void> {
    const t = this.append({ type, ...(status ? { status } : {}), ...(detail ? { detail } : {}), ...(patch ? { patch } : {}) });
    if (!this.v2) return activities.recordTransition(t);
    return this.act.recordTransitions({ transitions: [...this.takeUnprojected(), t] });
  }

  /**
   * Records several events in a row; from v2 on they reach PostgreSQL in one step. (Batching is explicit: a
   * batch formed by timing — whatever was recorded before the next await — would depend on how activations
   * are cut, which differs between a live run and its replay.)
   */
  async recordAll(events: readonly TimelineEvent[]): Promise<void> {
    if (!this.v2) {
      for (const e of events) await this.record(e.type, e.status, e.detail, e.patch);
      return;
    }
    await this.act.recordTransitions({ transitions: [...this.takeUnprojected(), ...events.map((e) => this.append(e))] });
  }

  /**
   * Appends events to the timeline now and leaves their projection to the step that follows at once, which
   * takes them (`takeUnprojected`) into its own activity; any later `record` takes them too. Only for events
   * followed by such a step without waiting: the read model must never lag behind a wait.
   */
  defer(events: readonly TimelineEvent[], attributes: readonly SearchAttributeUpdatePair[] = []): void {
    this.unprojected.push(...events.map((e) => this.append(e, { defer: true })));
    for (const pair of attributes) this.unsetAttributes.set(pair.key.name, pair);
  }

  /** The deferred events, for the activity that projects them (each is taken once). */
  takeUnprojected(): TransitionRecord[] {
    const taken = this.unprojected;
    this.unprojected = [];
    return taken;
  }

  /** Where the next timeline event goes: its seq and time (for an activity that writes the event itself). */
  nextEntry(): { seq: number; at: string } {
    return { seq: this.state.timeline.length + 1, at: this.now() };
  }

  /** Takes onto the timeline an event an activity has written at `nextEntry()` (and moves the status). */
  adoptRecorded(entry: TimelineEntry): void {
    this.moveTo(entry);
  }

  /** Appends to the timeline and moves the status (with its search attributes); returns the record to project. */
  private append(e: TimelineEvent, opts: { defer?: boolean } = {}): TransitionRecord {
    const entry: TimelineEntry = { seq: this.state.timeline.length + 1, at: this.now(), type: e.type };
    if (e.status) entry.status = e.status;
    if (e.detail) entry.detail = e.detail;
    this.moveTo(entry, opts);
    return { orderId: this.orderId, ...entry, patch: e.patch };
  }

  /** Puts the entry on the timeline and moves the status (with its search attributes, unless deferred). */
  private moveTo(e: TimelineEntry, { defer = false }: { defer?: boolean } = {}): void {
    this.state.timeline.push(e);
    if (e.status && e.status !== this.state.status) {
      // The lifecycle table is the reference; a move outside it is a defect to look at, not a reason to stop an order.
      if (!canMove(this.state.status, e.status)) log.warn('order status moved outside the lifecycle table', { orderId: this.orderId, from: this.state.status, to: e.status, event: e.type });
      this.state.status = e.status;
      this.state.statusSince = e.at;
      this.unsetAttributes.set(OrderStatusKey.name, { key: OrderStatusKey, value: e.status });
      this.unsetAttributes.set(StatusSinceKey.name, { key: StatusSinceKey, value: new Date(e.at) });
    }
    if (defer || this.unsetAttributes.size === 0) return;
    upsertSearchAttributes([...this.unsetAttributes.values()]);
    this.unsetAttributes.clear();
  }

  /** The intake recorded the order (and its payment and holds) before the workflow started: take its timeline. */
  adoptIntake(): boolean {
    const intake = this.input.intake;
    if (!intake || !this.v2) return false;
    this.state.timeline.push(...intake.timeline);
    this.state.statusSince = intake.acceptedAt;
    this.adopted = true;
    return true;
  }

  /** A business refusal: the Update is rejected and the API answers 409 with this message. */
  refuse(message: string): never {
    throw ApplicationFailure.nonRetryable(message, ILLEGAL_TRANSITION);
  }

  // ── Cancellation: requested by a handler, carried out by the main flow at its next step ───────────────

  get cancelRequested(): boolean {
    return this.cancelRequest !== undefined;
  }

  get cancelReason(): string | undefined {
    return this.cancelRequest?.reason;
  }

  requestCancel(reason: string): void {
    this.cancelRequest ??= { reason };
  }

  /** Waits until the main flow has acted on the cancel request; throws if the order shipped first. */
  async awaitCancelOutcome(): Promise<void> {
    await condition(() => this.cancelOutcome !== undefined);
    if (this.cancelOutcome === 'too-late') this.refuse('order has already shipped; request a return instead');
  }

  /** Registers how to undo the step just taken, should the order be cancelled before shipping. */
  addCompensation(undo: () => Promise<void>): void {
    this.compensations.push(undo);
  }

  /** Once shipped there is nothing to undo: returns take over. */
  clearCompensations(): void {
    this.compensations.length = 0;
  }

  async compensate(): Promise<void> {
    while (this.compensations.length) await this.compensations.pop()!();
  }

  settleCancel(outcome: 'cancelled' | 'too-late'): void {
    if (this.cancelRequest || outcome === 'cancelled') this.cancelOutcome = outcome;
    if (outcome === 'too-late') this.cancelRequest = undefined;
  }
}
