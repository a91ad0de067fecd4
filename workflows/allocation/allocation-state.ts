/** What the allocation phase remembers between attempts, and the one step every path ends with: allocated. */
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { DEFAULT_TRANSFER_GRACE_MS } from '../../domain/transfer-timing';
import { WarehouseIdKey, type Allocation, type Parcel } from '../contract';
import { ONE_STEP_PICK_PATCH } from '../fulfilment';
import type { OrderContext } from '../order-context';

export class Allocating {
  /** Something changed that may let a backordered order allocate: stock, a supplier, a resolved review. */
  wake = false;
  /** Parked as a backorder, waiting for `wake`. */
  waiting = false;
  /** The allocation loop runs and may try again (false before it starts and once a decision holds). */
  allocating = false;
  /** Allocation attempts finished so far (the retry update answers once the next one has). */
  attempts = 0;
  /** Transfers and purchases reported received. */
  readonly arrived = new Set<string>();
  /** A person resolved the allocation review task: if the problem remains, a new task opens. */
  reviewResolved = false;

  constructor(readonly ctx: OrderContext) {}

  /** How long past its ETA a transfer may be before a review task opens; also how often a late one is re-checked. */
  graceMs(): number {
    return this.ctx.timings.transferGraceMs ?? DEFAULT_TRANSFER_GRACE_MS;
  }
}

/** The order holds its stock: records it and hands the parcels to fulfilment. */
export async function allocated(a: Allocating, rule: string, reason: string, parcels: Parcel[], extra: Partial<Allocation> = {}): Promise<Parcel[]> {
  const { ctx } = a;
  const warehouseId = parcels[0]!.warehouseId;
  const split = parcels.length > 1;
  ctx.state.allocation = { rule, warehouseId, ...extra, ...(split ? { parcels } : {}) };
  const events = [
    { type: 'STOCK_RESERVED', status: 'RESERVED' as const, detail: split ? { parcels } : { warehouseId } },
    { type: 'ALLOCATED', status: 'ALLOCATED' as const, detail: { rule, warehouseId, reason, ...extra, ...(split ? { parcels } : {}) }, patch: { warehouseId } },
  ];
  // Picking (or a cancel) follows at once: it projects these with its own step, and upserts their search
  // attributes with its own (one history event, one visibility update, instead of four).
  if (patched(ONE_STEP_PICK_PATCH)) {
    ctx.defer(events, [{ key: WarehouseIdKey, value: warehouseId }]);
  } else {
    await ctx.recordAll(events);
    upsertSearchAttributes([{ key: WarehouseIdKey, value: warehouseId }]);
  }
  a.attempts++;
  return parcels;
}

/** The order waits for goods on their way to `warehouseId`: the allocation so far, on the timeline and in the search attributes. */
export async function awaitingInbound(a: Allocating, allocation: Allocation, type: string, status: 'AWAITING_TRANSFER' | 'AWAITING_PURCHASE', detail: Record<string, unknown>): Promise<void> {
  const { ctx } = a;
  ctx.state.allocation = allocation;
  await ctx.record(type, status, detail, { warehouseId: allocation.warehouseId });
  upsertSearchAttributes([{ key: WarehouseIdKey, value: allocation.warehouseId }]);
  a.attempts++;
}
