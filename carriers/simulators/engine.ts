/**
 * The carrier-neutral heart of the simulators: which waybills exist, what happens to them when, and
 * which events have been pushed. SF and JD wrap it in their own wire format (./sf.ts, ./jd.ts).
 *
 * A waybill's route is a pure function of its creation time, its timing and any forced events, so it can
 * be recomputed at any moment, including after a restart. Persistence works two ways:
 *  - the waybill number encodes creation time and direction (`SF1732512345678` + `0`|`1`), so route
 *    queries keep working after a restart even without a state file (with the default timing);
 *  - with `stateFile`, everything (idempotency keys, overrides, forced events, pushes done) is kept in a
 *    JSON file that is rewritten on each change.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CarrierEventKind, CarrierName } from '../types';

export type Direction = 'forward' | 'return';

/** Delays from creation; `null` means "never" (a parcel nobody picks up, or one that goes silent). */
export interface Timing {
  pickupAfterMs: number | null;
  deliverAfterMs: number | null;
}

export interface SimEvent {
  kind: CarrierEventKind;
  /** Epoch ms. */
  at: number;
}

/** What the simulator remembers per waybill (and writes to the state file). No phone numbers or addresses. */
export interface SimWaybill extends Timing {
  waybillNo: string;
  /** orderId / returnId it was created for; '' when reconstructed from the waybill number alone. */
  orderId: string;
  direction: Direction;
  createdAt: number;
  fromCity: string;
  toCity: string;
  forced: SimEvent[];
  cancelledAt: number | null;
  /** Keys (eventKey) of events the callback URL acknowledged. */
  pushed: string[];
}

export interface WaybillView {
  waybillNo: string;
  orderId: string;
  direction: Direction;
  createdAt: string;
  cancelled: boolean;
  /** Events whose time has come, oldest first. */
  events: Array<{ kind: CarrierEventKind; at: string }>;
  /** Events still in the future. */
  upcoming: Array<{ kind: CarrierEventKind; at: string }>;
}

export interface SimLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SimulatorOptions {
  /** Forward waybills: picked up this long after creation (default 10 s). */
  pickupAfterMs?: number;
  /** Forward waybills: delivered this long after creation (default 60 s). */
  deliverAfterMs?: number;
  /** Return waybills: picked up at the customer (default: pickupAfterMs). */
  returnPickupAfterMs?: number;
  /** Return waybills: signed for at the warehouse (default: deliverAfterMs). */
  returnDeliverAfterMs?: number;
  /** JSON file keeping the simulator's state across restarts; in memory only when absent. */
  stateFile?: string;
  /** Where route pushes go (our `POST /v1/webhooks/carriers/:carrier`). No pushes without it. */
  callbackUrl?: string;
  /** Master switch for timed pushes (default true); pushEvent() works regardless. */
  callbacks?: boolean;
  /** How often due events are pushed (default 1 s). */
  tickMs?: number;
  /** Clock, for tests that want to jump in time. */
  now?: () => number;
  logger?: SimLogger;
}

/** The carrier-specific half: number format and push wire format. */
export interface SimCodec {
  carrier: CarrierName;
  waybillPrefix: string;
  /** JD reports "order placed" as a route event; SF's routes start at pickup. */
  emitsCreated: boolean;
  pushRequest(waybill: SimWaybill, events: SimEvent[], now: number): { body: string; headers: Record<string, string> };
}

export type CreateOutcome = { ok: true; waybill: SimWaybill; existed: boolean } | { ok: false; reason: 'direction_conflict' };
export type CancelOutcome = 'cancelled' | 'not_found' | 'already_picked_up';

export interface PushResult {
  status: number;
  body: unknown;
}

interface PersistedState {
  version: 1;
  lastIssued: number;
  waybills: SimWaybill[];
  plans: Record<string, Partial<Timing>>;
}

const KIND_ORDER: readonly CarrierEventKind[] = ['created', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'exception'];

/**
 * The full route (past and future) of a waybill. Forced events replace the scheduled event of the same
 * kind; a forced delivery ends the route; cancellation drops everything scheduled after it.
 */
export function routeOf(w: SimWaybill, emitsCreated: boolean): SimEvent[] {
  const planned: SimEvent[] = [];
  if (emitsCreated) planned.push({ kind: 'created', at: w.createdAt });
  if (w.pickupAfterMs !== null) {
    const pickupAt = w.createdAt + w.pickupAfterMs;
    planned.push({ kind: 'picked_up', at: pickupAt });
    if (w.deliverAfterMs !== null) {
      const deliverAt = w.createdAt + Math.max(w.deliverAfterMs, w.pickupAfterMs);
      if (deliverAt > pickupAt) planned.push({ kind: 'in_transit', at: Math.round((pickupAt + deliverAt) / 2) });
      planned.push({ kind: 'delivered', at: deliverAt });
    }
  }
  const forcedKinds = new Set(w.forced.map((e) => e.kind));
  const forcedDelivery = w.forced.find((e) => e.kind === 'delivered')?.at ?? Infinity;
  const cancelledAt = w.cancelledAt ?? Infinity;
  const scheduled = planned.filter(
    (e) => !forcedKinds.has(e.kind) && e.at <= forcedDelivery && (e.kind === 'created' || e.at <= cancelledAt),
  );
  return [...scheduled, ...w.forced].sort((a, b) => a.at - b.at || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

export function eventKey(e: SimEvent): string {
  return `${e.kind}@${e.at}`;
}

export class SimulatorEngine {
  private readonly now: () => number;
  private readonly defaults: Record<Direction, Timing>;
  private readonly byNumber = new Map<string, SimWaybill>();
  private plans: Record<string, Partial<Timing>> = {};
  private lastIssued = 0;
  private callbacksOn: boolean;
  private callbackUrl: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly numberPattern: RegExp;

  constructor(
    private readonly codec: SimCodec,
    private readonly opts: SimulatorOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    const pickup = opts.pickupAfterMs ?? 10_000;
    const deliver = opts.deliverAfterMs ?? 60_000;
    this.defaults = {
      forward: { pickupAfterMs: pickup, deliverAfterMs: deliver },
      return: { pickupAfterMs: opts.returnPickupAfterMs ?? pickup, deliverAfterMs: opts.returnDeliverAfterMs ?? deliver },
    };
    this.callbacksOn = opts.callbacks ?? true;
    this.callbackUrl = opts.callbackUrl;
    this.numberPattern = new RegExp(`^${codec.waybillPrefix}(\\d{13})([01])$`);
    this.load();
  }

  get carrier(): CarrierName {
    return this.codec.carrier;
  }

  // ------------------------------------------------------------------------------------------ waybills

  /** Idempotent per orderId. Reusing an orderId for the other direction is refused, as a real carrier would. */
  create(orderId: string, direction: Direction, cities: { from: string; to: string }): CreateOutcome {
    const existing = this.findByOrder(orderId);
    if (existing) {
      return existing.direction === direction ? { ok: true, waybill: existing, existed: true } : { ok: false, reason: 'direction_conflict' };
    }
    // One number per millisecond: the number is the creation time, so bump it past the last one issued.
    const createdAt = Math.max(this.now(), this.lastIssued + 1);
    this.lastIssued = createdAt;
    const timing = { ...this.defaults[direction], ...this.plans[orderId] };
    const waybill: SimWaybill = {
      waybillNo: `${this.codec.waybillPrefix}${String(createdAt).padStart(13, '0')}${direction === 'forward' ? 0 : 1}`,
      orderId,
      direction,
      createdAt,
      ...timing,
      fromCity: cities.from,
      toCity: cities.to,
      forced: [],
      cancelledAt: null,
      pushed: [],
    };
    this.byNumber.set(waybill.waybillNo, waybill);
    this.save();
    this.opts.logger?.info({ carrier: this.carrier, waybillNo: waybill.waybillNo, orderId, direction }, 'simulator created waybill');
    return { ok: true, waybill, existed: false };
  }

  /** A waybill we issued: from state, or reconstructed from its number (default timing) after a stateless restart. */
  find(waybillNo: string): SimWaybill | undefined {
    const known = this.byNumber.get(waybillNo);
    if (known) return known;
    const m = this.numberPattern.exec(waybillNo);
    if (!m) return undefined;
    const createdAt = Number(m[1]);
    const direction: Direction = m[2] === '0' ? 'forward' : 'return';
    if (createdAt > this.now()) return undefined;
    return {
      waybillNo,
      orderId: '',
      direction,
      createdAt,
      ...this.defaults[direction],
      fromCity: '',
      toCity: '',
      forced: [],
      cancelledAt: null,
      pushed: [],
    };
  }

  findByOrder(orderId: string): SimWaybill | undefined {
    for (const w of this.byNumber.values()) if (w.orderId === orderId) return w;
    return undefined;
  }

  /** Events whose time has come. */
  due(w: SimWaybill): SimEvent[] {
    const now = this.now();
    return routeOf(w, this.codec.emitsCreated).filter((e) => e.at <= now);
  }

  cancel(waybillNo: string): CancelOutcome {
    const w = this.find(waybillNo);
    if (!w) return 'not_found';
    if (this.due(w).some((e) => e.kind === 'picked_up')) return 'already_picked_up';
    if (w.cancelledAt === null) {
      w.cancelledAt = this.now();
      this.store(w);
    }
    return 'cancelled';
  }

  // -------------------------------------------------------------------------------------- test hooks

  waybills(): WaybillView[] {
    const now = this.now();
    const iso = (e: SimEvent) => ({ kind: e.kind, at: new Date(e.at).toISOString() });
    return [...this.byNumber.values()].map((w) => {
      const route = routeOf(w, this.codec.emitsCreated);
      return {
        waybillNo: w.waybillNo,
        orderId: w.orderId,
        direction: w.direction,
        createdAt: new Date(w.createdAt).toISOString(),
        cancelled: w.cancelledAt !== null,
        events: route.filter((e) => e.at <= now).map(iso),
        upcoming: route.filter((e) => e.at > now).map(iso),
      };
    });
  }

  /** Timing for the waybill that will be created for `orderId` (or is already), e.g. `{ deliverAfterMs: null }`. */
  planFor(orderId: string, timing: Partial<Timing>): void {
    this.plans[orderId] = { ...this.plans[orderId], ...timing };
    const existing = this.findByOrder(orderId);
    if (existing) Object.assign(existing, timing);
    this.save();
  }

  /** Changes the timing of an existing waybill; delays still count from its creation. */
  reschedule(waybillNo: string, timing: Partial<Timing>): void {
    const w = this.require(waybillNo);
    Object.assign(w, timing);
    this.store(w);
  }

  /** Makes `kind` happen now (replacing its scheduled occurrence). Returns the event. */
  advance(waybillNo: string, kind: CarrierEventKind): SimEvent {
    if (kind === 'created' && !this.codec.emitsCreated) throw new Error(`${this.carrier} routes have no "created" event`);
    const w = this.require(waybillNo);
    const event = { kind, at: this.now() };
    w.forced = [...w.forced.filter((e) => e.kind !== kind), event];
    this.store(w);
    return event;
  }

  /**
   * Sends a signed push for `kind` right away, regardless of the callbacks switch. If the event already
   * happened it is pushed again unchanged (same eventId: a duplicate), otherwise it is advanced first.
   */
  async pushEvent(waybillNo: string, kind: CarrierEventKind): Promise<PushResult> {
    if (!this.callbackUrl) throw new Error('pushEvent needs a callbackUrl');
    const event = this.due(this.require(waybillNo)).find((e) => e.kind === kind) ?? this.advance(waybillNo, kind);
    // Look the waybill up again: advancing may have adopted a reconstructed one into the state.
    return this.push(this.require(waybillNo), [event]);
  }

  setCallbacks(enabled: boolean): void {
    this.callbacksOn = enabled;
  }

  setCallbackUrl(url: string | undefined): void {
    this.callbackUrl = url;
  }

  // ---------------------------------------------------------------------------------------- callbacks

  /** Pushes every due event the callback URL has not acknowledged yet. Runs on the timer; tests may call it. */
  async tick(): Promise<void> {
    if (this.ticking || !this.callbacksOn || !this.callbackUrl) return;
    this.ticking = true;
    try {
      for (const w of this.byNumber.values()) {
        const pending = this.due(w).filter((e) => !w.pushed.includes(eventKey(e)));
        if (pending.length > 0 && this.callbacksOn) await this.push(w, pending);
      }
    } finally {
      this.ticking = false;
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.timer.unref(); // a forgotten simulator must not keep a test process alive
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async push(w: SimWaybill, events: SimEvent[]): Promise<PushResult> {
    const url = this.callbackUrl!;
    const { body, headers } = this.codec.pushRequest(w, events, this.now());
    let result: PushResult;
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      result = { status: res.status, body: parseMaybeJson(text) };
    } catch (err) {
      // Like a carrier: log, keep the events pending, try again on the next tick.
      this.opts.logger?.warn({ carrier: this.carrier, waybillNo: w.waybillNo, err: String(err) }, 'simulator push failed');
      return { status: 0, body: String(err) };
    }
    if (result.status >= 200 && result.status < 300) {
      w.pushed = [...new Set([...w.pushed, ...events.map(eventKey)])];
      this.store(w);
    } else {
      this.opts.logger?.warn({ carrier: this.carrier, waybillNo: w.waybillNo, status: result.status }, 'simulator push rejected');
    }
    return result;
  }

  // -------------------------------------------------------------------------------------- persistence

  private require(waybillNo: string): SimWaybill {
    const w = this.find(waybillNo);
    if (!w) throw new Error(`unknown waybill ${waybillNo}`);
    return w;
  }

  /** Saves a waybill, adopting a reconstructed one into the state the first time it changes. */
  private store(w: SimWaybill): void {
    this.byNumber.set(w.waybillNo, w);
    this.save();
  }

  private load(): void {
    const file = this.opts.stateFile;
    if (!file) return;
    let state: PersistedState;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as PersistedState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot read simulator state ${file}: ${(err as Error).message}`, { cause: err });
    }
    this.lastIssued = state.lastIssued;
    this.plans = state.plans ?? {};
    for (const w of state.waybills) this.byNumber.set(w.waybillNo, w);
  }

  private save(): void {
    const file = this.opts.stateFile;
    if (!file) return;
    const state: PersistedState = {
      version: 1,
      lastIssued: this.lastIssued,
      waybills: [...this.byNumber.values()],
      plans: this.plans,
    };
    mkdirSync(dirname(file), { recursive: true });
    // Write-then-rename, so a crash mid-write never leaves half a file behind.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2));
    renameSync(tmp, file);
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
