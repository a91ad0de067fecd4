/**
 * What the after-sale phase knows about the order's returns beyond their public state (rebuilt identically
 * on replay), and the questions its steps ask of it: which return, which warehouse, may one be opened.
 */
import type { StockLine } from '../../domain/stock';
import type { OrderContext } from '../order-context';
import type { CarrierEventInput, ReturnRef, ReviewResolvedInput } from '../contract';
import { returnRequestRefusal, totals, type ConditionedLine, type ReturnRequest } from '../../domain/returns';

export type Via = 'push' | 'tracking';

export interface Receipt {
  by: NonNullable<ReturnRef['receivedBy']>;
  /** Warehouse scan: per-line condition. */
  lines?: ConditionedLine[] | undefined;
  scannedBy?: string | undefined;
  note?: string | undefined;
}

/** What the workflow knows about one return beyond its public state. */
export interface Progress {
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

export class Returns {
  readonly progress = new Map<string, Progress>();
  /** Events for a return waybill that arrived before the workflow learned the waybill number. */
  readonly strayEvents: CarrierEventInput[] = [];
  /** Platform requests refused once: a redelivered push is not refused (nor reviewed) again. */
  readonly refusedRequests = new Set<string>();
  /** Set once the after-sale window has closed: no return is accepted after. */
  windowClosed = false;

  constructor(readonly ctx: OrderContext) {}

  get watchMs(): number {
    return this.ctx.timings.returnWatchTimeoutMs;
  }

  get trackEveryMs(): number {
    return this.ctx.timings.returnTrackingIntervalMs ?? this.ctx.timings.trackingIntervalMs;
  }

  /** When the order (its last parcel, if split) was delivered. */
  deliveredAt(): string | undefined {
    return this.ctx.state.timeline.find((e) => e.status === 'DELIVERED')?.at;
  }

  progressOf(ret: ReturnRef): Progress {
    return this.progress.get(ret.returnId)!;
  }

  byExternalId(id: string | undefined): ReturnRef | undefined {
    return id === undefined ? undefined : this.ctx.state.returns.find((r) => r.externalId === id);
  }

  byId(returnId: string): ReturnRef | undefined {
    return this.ctx.state.returns.find((r) => r.returnId === returnId);
  }

  /** Why this return cannot be opened now, or undefined when it can. */
  refusal(request: ReturnRequest): string | undefined {
    const { state, timings } = this.ctx;
    return returnRequestRefusal(
      {
        status: state.status,
        shipped: this.ctx.stockLines(),
        returns: state.returns.map((r) => ({ returnId: r.returnId, open: r.status !== 'received', lines: r.lines })),
        deliveredAt: this.deliveredAt(),
        afterSaleWindowMs: timings.afterSaleWindowMs,
        windowClosed: this.windowClosed,
        now: Date.now(),
      },
      request,
    );
  }

  /** Units shipped and not yet asked back: what a channel request without lines returns. */
  remainingLines(): StockLine[] {
    const back = totals(this.ctx.state.returns.flatMap((r) => r.lines));
    return this.ctx
      .stockLines()
      .map((l) => ({ sku: l.sku, quantity: l.quantity - (back.get(l.sku) ?? 0) }))
      .filter((l) => l.quantity > 0);
  }

  /**
   * The warehouse that shipped the returned units receives them. A split order's return goes to the parcel's
   * warehouse that shipped most of the returned units (one reverse waybill, one receiving warehouse).
   */
  receivingWarehouse(lines: readonly StockLine[]): string {
    const { state } = this.ctx;
    const parcels = state.allocation?.parcels ?? [];
    const wanted = totals(lines);
    let best: { warehouseId: string; units: number } | undefined;
    for (const parcel of parcels) {
      const units = parcel.lines.reduce((sum, l) => sum + Math.min(l.quantity, wanted.get(l.sku) ?? 0), 0);
      if (units > (best?.units ?? 0)) best = { warehouseId: parcel.warehouseId, units };
    }
    return best?.warehouseId ?? state.allocation?.warehouseId ?? state.tasks[0]?.warehouseId ?? '';
  }

  /** A carrier event for the return, once: into its inbox for the main flow to apply. */
  enqueue(ret: ReturnRef, event: CarrierEventInput, via: Via): void {
    const p = this.progressOf(ret);
    if (ret.status === 'received' || p.seen.has(event.eventId)) return;
    p.seen.add(event.eventId);
    p.inbox.push({ event, via });
  }
}
