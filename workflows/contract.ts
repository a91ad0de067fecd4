/**
 * The workflows' public contract: signal, query and update definitions and their payloads, workflow ids,
 * task queues, search attributes, the payloads of activities other processes share, and review-task kinds.
 * The API, the ingest consumer, the client, the workflows and the activities all import this one module; it
 * imports only domain types and Temporal definitions.
 * Temporal stores signal, query and update names in histories: never rename one casually.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Address, CanonicalOrder, Channel, OrderLine, OrderStatus } from '../domain/order';
import type { WavePickListLine, WaveRoute } from '../domain/pick-route';
import type { ConditionedLine, PricedLine, ReturnStatus } from '../domain/returns';
import type { FailedOffer } from '../domain/purchasing';
import type { ShipmentStatus } from '../domain/shipments';
import type { PendingStockChanges, PurchaseLine, StockChange, StockLine } from '../domain/stock';

export const DEFAULT_TASK_QUEUE = 'oms-orders';
/** Channel stock sync runs on a queue of its own, so a backlog of orders never delays a sold-out push. */
export const stockSyncTaskQueue = (taskQueue: string) => `${taskQueue}-stock-sync`;

// ── Workflow ids: one per order, per SKU, per store ─────────────────────────────────────────────────────

/** One order = one workflow: the same platform order always lands on the same workflow. */
export const orderWorkflowId = (orderId: string) => `order-${orderId}`;
/** The per-SKU run offering returned or received stock to backordered orders (restockWorkflow). */
export const restockWorkflowId = (sku: string) => `restock-${sku}`;
/** The per-SKU channel stock sync (stockSyncWorkflow). */
export const stockSyncWorkflowId = (sku: string) => `stock-sync-${sku}`;
/** The Temporal Schedule polling one store (it starts pollStoreWorkflow). */
export const pollScheduleId = (storeId: string) => `poll-${storeId}`;
/** The write-back of an order's tracking to its platform (trackingWriteBackWorkflow). */
export const trackingWriteBackWorkflowId = (orderId: string) => `tracking-writeback-${orderId}`;
/** One pre-pack (prepackWorkflow); the order that takes its unit signals it here (prepackBoughtSignal). */
export const prepackWorkflowId = (prepackId: string) => `prepack-${prepackId}`;
/** The Temporal Schedule scoring customers for pre-packs (it starts prepackScoringWorkflow); one per task queue. */
export const prepackScoreScheduleId = (taskQueue: string) => `prepack-score-${taskQueue}`;
/** The Temporal Schedule retraining the pre-pack model (it starts prepackTrainingWorkflow); one per task queue. */
export const prepackTrainScheduleId = (taskQueue: string) => `prepack-train-${taskQueue}`;
/** The Temporal Schedule reading listed prices (it starts pricePollWorkflow under the same id); one per task queue. */
export const pricePollScheduleId = (taskQueue: string) => `price-poll-${taskQueue}`;
/** A price-poll round asked for on demand (`POST /v1/alerts/price-gaps/poll`), beside the schedule; `nonce` keeps each one apart. */
export const pricePollNowWorkflowId = (nonce: string) => `price-poll-now-${nonce}`;

// ── Review tasks: work a person must do ─────────────────────────────────────────────────────────────────

/**
 * Every kind of review task, as stored in `review_tasks.kind` and filtered on by ops
 * (`GET /v1/ops/review-tasks?kind=`). Stored values: never rename one without a data migration
 * (`tracking_writeback` is snake_case for that reason).
 */
export const REVIEW_TASK_KINDS = {
  /** Allocation needs a person (no rule fits); resolving it makes the order try again. */
  allocation: 'allocation',
  transferLate: 'transfer-late',
  purchaseFailed: 'purchase-failed',
  purchasePartial: 'purchase-partial',
  /** Resolving it with "received" completes the return. */
  returnStalled: 'return-stalled',
  returnRequestRefused: 'return-request-refused',
  returnConditionCheck: 'return-condition-check',
  refundWriteBack: 'refund-writeback',
  trackingWriteBack: 'tracking_writeback',
  duplicatePayment: 'duplicate-payment',
  duplicatePrimaryCancelled: 'duplicate-primary-cancelled',
  /** The daily report could not be pushed to the WeCom group after every retry; `data` says which part and why. */
  dailyReportPush: 'daily-report-push',
} as const;
export type ReviewTaskKind = (typeof REVIEW_TASK_KINDS)[keyof typeof REVIEW_TASK_KINDS];

/**
 * The review task opened when an order's tracking cannot be written back to its platform: one per order, so a
 * retry updates it rather than opening a second. (A review-task id, not the write-back workflow's, though the
 * two strings are the same.)
 */
export const trackingWriteBackTaskId = (orderId: string) => `tracking-writeback-${orderId}`;

export const ALLOCATION_REVIEW = REVIEW_TASK_KINDS.allocation;
export const TRANSFER_LATE = REVIEW_TASK_KINDS.transferLate;
export const PURCHASE_FAILED = REVIEW_TASK_KINDS.purchaseFailed;
export const PURCHASE_PARTIAL = REVIEW_TASK_KINDS.purchasePartial;
export const RETURN_STALLED = REVIEW_TASK_KINDS.returnStalled;
export const RETURN_REQUEST_REFUSED = REVIEW_TASK_KINDS.returnRequestRefused;
export const RETURN_CONDITION_CHECK = REVIEW_TASK_KINDS.returnConditionCheck;
export const REFUND_WRITEBACK_TASK = REVIEW_TASK_KINDS.refundWriteBack;
export const TRACKING_WRITEBACK_TASK = REVIEW_TASK_KINDS.trackingWriteBack;
export const DUPLICATE_PAYMENT = REVIEW_TASK_KINDS.duplicatePayment;
export const DUPLICATE_PRIMARY_CANCELLED = REVIEW_TASK_KINDS.duplicatePrimaryCancelled;
export const DAILY_REPORT_PUSH_FAILED = REVIEW_TASK_KINDS.dailyReportPush;

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const ChannelKey = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const WarehouseIdKey = defineSearchAttributeKey('WarehouseId', SearchAttributeType.KEYWORD);
export const UrgentKey = defineSearchAttributeKey('Urgent', SearchAttributeType.BOOL);
export const StatusSinceKey = defineSearchAttributeKey('StatusSince', SearchAttributeType.DATETIME);
export const MergedIntoKey = defineSearchAttributeKey('MergedInto', SearchAttributeType.KEYWORD);
/** A pre-pack's state: open | bought | expired | skipped-<why> (workflows/prepack.ts). */
export const PrepackStatusKey = defineSearchAttributeKey('PrepackStatus', SearchAttributeType.KEYWORD);

/** Every custom search attribute, registered on the Temporal server at start-up. */
export const SEARCH_ATTRIBUTES = [OrderStatusKey, ChannelKey, WarehouseIdKey, UrgentKey, StatusSinceKey, MergedIntoKey, PrepackStatusKey];

/** Business durations in milliseconds, passed in at start so each order keeps the rules it began with. */
export interface OrderTimings {
  paymentTimeoutMs: number;
  afterSaleWindowMs: number;
  returnWatchTimeoutMs: number;
  trackingIntervalMs: number;
  /** How often an open return's waybill is tracked; orders started without it use trackingIntervalMs. */
  returnTrackingIntervalMs?: number;
  /** One transfer day (TRANSFER_ETA): a T+1 transfer is due this long after it is created. Default 1 day. */
  transferEtaMs?: number;
  /** How long past its ETA a transfer may be before a review task opens (TRANSFER_GRACE). Default 12 h. */
  transferGraceMs?: number;
  /** Suspected duplicates: same phone and SKU set created within this much of each other (DEDUP_WINDOW). Default 3 min. */
  dedupWindowMs?: number;
  /** Shipment merge: an order may join a buyer's parcel opened this long ago at most (SHIPMENT_MERGE_WINDOW). Default 30 min. */
  shipmentMergeWindowMs?: number;
}

export interface OrderWorkflowInput {
  orderId: string;
  order: CanonicalOrder;
  timings: OrderTimings;
  /** Orders accepted through the intake: already recorded (and held, when paid) before the workflow started. */
  intake?: OrderIntake;
}

/** What the intake did with the order before its workflow started (see ingest/intake.ts). */
export interface OrderIntake {
  /** When the OMS accepted the order. */
  acceptedAt: string;
  /** The timeline events the intake recorded: ORDER_RECEIVED, then PAYMENT_CONFIRMED and STOCK_HELD when they apply. */
  timeline: TimelineEntry[];
  /** Units were held for the order: the workflow converts them into a reservation or releases them. */
  held: boolean;
  /**
   * The order's duplicate claim, made by the order starter for its whole round (workflows/dedup.ts). Absent when
   * its fingerprint cannot match (masked phone), or the workflow was started another way (`POST /v1/orders`
   * starts it at once) or before claims were made there: the workflow claims then.
   */
  claim?: ClaimOutcome;
  /**
   * Paid: whether an open pre-pack of one of its SKUs waited for its customer when the order starter started
   * it (only then does the workflow try to take one). Absent: the workflow looks.
   */
  prepack?: boolean;
}

/** A duplicate claim's decision: the order is a primary, or a suspected duplicate of the one named. */
export type ClaimOutcome = { role: 'primary' } | { role: 'duplicate'; primaryOrderId: string };

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  status?: OrderStatus;
  detail?: Record<string, unknown>;
}

/** A timeline event as projected to the read model, with the columns of the order row it changes. */
export interface TransitionRecord extends TimelineEntry {
  orderId: string;
  patch?: { warehouseId?: string | null; paidAt?: string | null; shippingAddress?: unknown; mergedInto?: string | null } | undefined;
}

export interface Allocation {
  rule: string;
  warehouseId: string;
  transferId?: string;
  purchaseOrderId?: string;
  /** Split orders: one parcel per warehouse (`warehouseId` is the first parcel's). */
  parcels?: Parcel[];
}

// ── Allocation (the allocateOrder activity's answer) ─────────────────────────────────────────────────────

export interface TransferRef {
  transferId: string;
  fromWarehouseId: string;
  toWarehouseId: string;
  lines: StockLine[];
  distanceKm: number | null;
  /** ISO time the goods are due at the destination. */
  eta: string;
  status: string;
}

export interface PurchaseRef {
  purchaseOrderId: string;
  warehouseId: string;
  lines: PurchaseLine[];
  status: string;
}

export interface AllocationDecided {
  rule: string;
  reason: string;
}

/** What allocating came to. Only `backorder` and `review` leave nothing to undo. */
export type AllocationOutcome =
  | (AllocationDecided & { action: 'ship'; parcels: Parcel[] })
  | (AllocationDecided & { action: 'split'; parcels: Parcel[]; costFen: number | null })
  | (AllocationDecided & { action: 'transfer'; warehouseId: string; transfer: TransferRef })
  | (AllocationDecided & { action: 'purchase'; warehouseId: string; purchase: PurchaseRef })
  | (AllocationDecided & { action: 'backorder' | 'review' });

/** What placing a purchase on 1688 came to (the placePurchaseOrder activity's answer). */
export type PlaceOutcome =
  | { outcome: 'ordered'; supplierOrderId: string; totalFen: number; failedOffers: FailedOffer[] }
  | { outcome: 'received' | 'cancelled' }
  | { outcome: 'failed' | 'unknown'; code: string; message: string };


/** What one warehouse ships of the order. `parcelNo` is set only when the order is split (1, 2, …). */
export interface Parcel {
  warehouseId: string;
  lines: StockLine[];
  parcelNo?: number;
}

export interface WarehouseTaskRef {
  taskId: string;
  kind: 'pick';
  warehouseId: string;
  status: 'open' | 'completed' | 'cancelled';
  /** The wave the task is picked in, once the order has been told (waveAssignedSignal). */
  waveId?: string;
}

export interface ShipmentRef {
  direction: 'forward' | 'return';
  carrier: string;
  waybillNo: string;
  status: ShipmentStatus;
  lastEventAt?: string;
}

export interface OrderState {
  orderId: string;
  channel: CanonicalOrder['channel'];
  channelOrderId: string;
  storeId?: string;
  status: OrderStatus;
  statusSince: string;
  urgent: boolean;
  createdAt: string;
  paidAt: string | null;
  customer: CanonicalOrder['customer'];
  shippingAddress: Address;
  lines: OrderLine[];
  totalFen: number;
  allocation: Allocation | null;
  tasks: WarehouseTaskRef[];
  shipments: ShipmentRef[];
  returns: ReturnRef[];
  mergedInto: string | null;
  merged: string[];
  cancelReason?: string;
  /** The wave the order's pick was last assigned to (a split order's tasks each carry their own: `tasks[].waveId`). */
  waveId?: string;
  timeline: TimelineEntry[];
}

export interface PaymentInput {
  paidAt?: string;
  reference?: string;
}
export interface CancelInput {
  reason: string;
}
export interface TaskCompletedInput {
  taskId: string;
  completedBy?: string;
}
export interface CarrierEventInput {
  carrier: string;
  waybillNo: string;
  eventId: string;
  kind: 'created' | 'picked_up' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception';
  at: string;
  remark?: string;
}

/** Synchronous API calls are Updates: the caller learns at once whether the order accepted them. */
export const confirmPaymentUpdate = defineUpdate<OrderState, [PaymentInput]>('confirmPayment');
export const cancelOrderUpdate = defineUpdate<OrderState, [CancelInput]>('cancelOrder');
export const changeAddressUpdate = defineUpdate<OrderState, [Address]>('changeAddress');

/** Facts reported by warehouses, carriers and channels are Signals: they happened, the order reacts. */
export const paymentReceivedSignal = defineSignal<[PaymentInput]>('paymentReceived');
export const channelCancelledSignal = defineSignal<[CancelInput]>('channelCancelled');
export const taskCompletedSignal = defineSignal<[TaskCompletedInput]>('taskCompleted');
export const carrierEventSignal = defineSignal<[CarrierEventInput]>('carrierEvent');
/** Stock arrived somewhere: a backordered order tries to allocate again. */
export const stockReplenishedSignal = defineSignal<[{ skus: string[] }]>('stockReplenished');
/**
 * Stock arrived: a backordered order tries to allocate again and answers once it has (still BACKORDERED, or
 * moved on), so stock is offered to waiting orders one at a time, oldest first. Answers at once when the
 * order is not waiting for stock.
 */
export const retryAllocationUpdate = defineUpdate<OrderState, []>('retryAllocation');
/** The transfer the order waits for was received at its local warehouse (stock already moved and reserved). */
export const transferReceivedSignal = defineSignal<[{ transferId: string }]>('transferReceived');
/** The purchase the order waits for was booked into its local warehouse (stock already reserved). */
export const purchaseReceivedSignal = defineSignal<[{ purchaseOrderId: string }]>('purchaseReceived');

/** A person resolved a review task about this order (`resolution` is free text or a kind-specific verb). */
export interface ReviewResolvedInput {
  taskId: string;
  kind: string;
  resolution: string;
  note?: string;
}
export const reviewResolvedSignal = defineSignal<[ReviewResolvedInput]>('reviewResolved');

/** A later order with the same fingerprint merged into this one (sent by the duplicate's workflow). */
export interface DuplicateMergedInput {
  orderId: string;
  channel: CanonicalOrder['channel'];
  channelOrderId: string;
  paid: boolean;
}
export const duplicateMergedSignal = defineSignal<[DuplicateMergedInput]>('duplicateMerged');

export const getOrderQuery = defineQuery<OrderState>('getOrder');

/** More stock of these SKUs became sellable while a restock run was already offering stock. */
export const moreStockSignal = defineSignal<[{ skus: string[] }]>('moreStock');

/** Failure types the API maps to HTTP statuses. */
export const ILLEGAL_TRANSITION = 'IllegalTransition';

// ── Returns (after sale) ─────────────────────────────────────────────────────────────────────────────────

/** One return of (part of) the order: requested, carried back by a reverse waybill, received, refunded. */
export interface ReturnRef {
  returnId: string;
  /** Who asked: a person through the API, or the sales channel (a platform refund/return request). */
  source: 'api' | 'channel';
  /** The caller's Idempotency-Key or the platform's refund id: the same one never opens a second return. */
  externalId?: string;
  /** The platform's refund / after-sale id the refund is agreed with (channel requests that named one). */
  platformRefundId?: string;
  reason: string;
  /** The buyer refused the parcel at the door (the order was SHIPPED, never delivered). */
  refusedByBuyer: boolean;
  /** requested → in_transit (carrier picked up) → received; `review` while a person checks a stalled return. */
  status: ReturnStatus;
  /** The units coming back, with the unit prices paid. */
  lines: PricedLine[];
  /** The warehouse that shipped the order receives the return. */
  warehouseId: string;
  requestedAt: string;
  carrier?: string;
  waybillNo?: string;
  /** Last carrier event kind seen (by push or tracking), and when the workflow last learned anything new. */
  carrierStatus?: CarrierEventInput['kind'];
  lastUpdateAt?: string;
  /** When the watch expires unless a logistics update arrives first (restarted by every update). */
  watchExpiresAt?: string;
  /** The review task opened when the watch last expired. */
  reviewTaskId?: string;
  receivedAt?: string;
  receivedBy?: 'carrier' | 'warehouse' | 'review';
  /** What came back, per SKU and condition. */
  received?: ConditionedLine[];
  /** What the buyer gets back, in fen (recorded when the goods are received). */
  refundFen: number;
}

/** `POST /v1/orders/:orderId/returns`. */
export interface ReturnRequestInput {
  lines: StockLine[];
  reason: string;
  /** The buyer refused the parcel at the door: accepted while SHIPPED, for every shipped unit. */
  refusedByBuyer?: boolean;
  /** Idempotency-Key: asking again with the same key answers with the same return. */
  externalId?: string;
}
export interface ReturnAccepted {
  returnId: string;
  status: OrderStatus;
}

/**
 * A platform refund/return request arriving through a channel push. `externalId` is the platform's refund id
 * (redeliveries are ignored); without `lines` every unit not yet returned comes back. A request the order
 * cannot accept is recorded on the timeline and opens a `return-request-refused` review task.
 */
export interface ChannelReturnRequest {
  externalId: string;
  reason: string;
  /** The platform's refund / after-sale id, when the push or the polled order named it. */
  platformRefundId?: string;
  lines?: StockLine[];
  refusedByBuyer?: boolean;
}

/** The warehouse scanned the returned parcel (`POST /v1/returns/:returnId/received`). */
export interface ReceiveReturnInput {
  returnId: string;
  /** Per-line condition; units not listed are resaleable. Without lines, everything is resaleable. */
  lines?: ConditionedLine[];
  receivedBy?: string;
}
export interface ReturnReceipt {
  return: ReturnRef;
  /** The return had already been received (by the carrier's "signed for" or an earlier scan): nothing changed. */
  alreadyReceived: boolean;
}

export const requestReturnUpdate = defineUpdate<ReturnAccepted, [ReturnRequestInput]>('requestReturn');
export const receiveReturnUpdate = defineUpdate<ReturnReceipt, [ReceiveReturnInput]>('receiveReturn');
export const returnRequestedSignal = defineSignal<[ChannelReturnRequest]>('returnRequested');


// ── Channel stock sync (stockSyncWorkflow, one per SKU) ─────────────────────────────────────────────────

/** The SKU's available stock changed. Name stored by Temporal: never rename. */
export const stockChangedSignal = defineSignal<[StockChange]>('stockChanged');

export interface StockSyncInput {
  sku: string;
  /** At most one push round per this many milliseconds; changes in between are coalesced. */
  intervalMs: number;
  /** End the run after this long without a change. */
  idleMs: number;
  /** Changes not pushed yet, carried over continue-as-new. */
  pending?: PendingStockChanges;
}

/** How pushing a SKU's available count to one store went. */
export type StockPushOutcome = 'pushed' | 'not_listed' | 'not_authorized' | 'refused' | 'failed';

export interface StoreStockOutcome {
  storeId: string;
  outcome: StockPushOutcome;
  error?: string;
}

/** One push round of a SKU's stock (the syncSkuStock activity's answer). */
export interface SyncRoundResult {
  roundId: number;
  available: number;
  stores: StoreStockOutcome[];
}

// ── Store polling (pollStoreWorkflow, started by the store's schedule) ──────────────────────────────────

export interface PollStoreInput {
  storeId: string;
}

export interface PollStoreResult {
  storeId: string;
  orders: number;
  chunks: number;
  /** Where the cursor stands now (ISO). */
  cursor: string;
  /** False when the chunk limit stopped this run; the next one carries on. */
  caughtUp: boolean;
}

/** Error types of a poll that retrying will not fix; the next scheduled poll tries again. */
export const POLL_NON_RETRYABLE = ['StoreNotFound', 'StoreNotAuthorized', 'IngestNotConfigured'];

// ── Channel write-backs (activity payloads) ─────────────────────────────────────────────────────────────

/** The trackingWriteBackWorkflow's input and the writeTrackingBack activity's payload. */
export interface TrackingWriteBackInput {
  orderId: string;
  storeId: string;
  channelOrderId: string;
  carrier: 'sf' | 'jd';
  waybillNo: string;
}

export interface RefundWriteBackInput {
  returnId: string;
  orderId: string;
  channel: Channel;
  channelOrderId: string;
  storeId?: string | undefined;
  /** The platform's refund / after-sale id, when the platform asked for the return. */
  platformRefundId?: string | undefined;
  amountFen: number;
}

/**
 * written_back: the platform agreed the refund · not_applicable: a manual order, no platform · manual: the
 * platform has no refund to agree (the return was opened in the OMS, or the store is not connected), so a
 * person refunds in the platform's back office (review task) · refused: the platform said no (review task).
 */
export type RefundWriteBackOutcome = 'written_back' | 'not_applicable' | 'manual' | 'refused';

// ── Waves (波次: a warehouse's open pick tasks picked together on one batch pick list) ───────────────────

/** The workflow that opens one wave, tells its orders and marks it packed (waveWorkflow). */
export const waveWorkflowId = (waveId: string) => `wave-${waveId}`;
/** The Temporal Schedule opening waves every WAVE_INTERVAL (it starts waveScheduleWorkflow); one per task queue. */
export const waveScheduleId = (taskQueue: string) => `waves-${taskQueue}`;
/**
 * A wave's id: warehouse, UTC minute and a random suffix, e.g. `W-HZ1-202611251000-3f9a1c`, so a picker can
 * read it off the list and two waves opened in the same minute never collide.
 */
export const waveIdOf = (warehouseId: string, at: Date, nonce: string) =>
  `W-${warehouseId}-${at.toISOString().slice(0, 16).replace(/\D/g, '')}-${nonce.replace(/[^0-9a-z]/gi, '').slice(0, 6).toLowerCase()}`;

/** Orders (pick tasks) in one wave: by default, and at most (a cart's worth, and a pick list a PDA can show). */
export const WAVE_DEFAULT_MAX_ORDERS = 50;
export const WAVE_MAX_ORDERS_LIMIT = 500;

/** Who opened a wave, as stored in `waves.created_by`. */
export type WaveCreatedBy = 'on-demand' | 'schedule';

/** The waveWorkflow's input and the openWave activity's payload. */
export interface WaveInput {
  waveId: string;
  warehouseId: string;
  /** At most this many orders (pick tasks), oldest first. */
  maxOrders: number;
  /** Only tasks whose carrier (chosen when the task opened) is this one. */
  carrier?: string | undefined;
  /** Only tasks opened at or before this ISO time. */
  cutoff?: string | undefined;
  createdBy: WaveCreatedBy;
  /**
   * How long the wave waits for an order to report a closed task before it looks at its tasks anyway
   * (a safety net: orders report every close). Default 1 hour.
   */
  recheckMs?: number | undefined;
}

/** One line of the batch pick list: what to take from one location, and how to sort it into the orders. */
export type WavePickLine = WavePickListLine;

/** A wave as the API, the PDAs and the waveWorkflow see it. */
export interface WaveRef {
  waveId: string;
  warehouseId: string;
  /** open → packed (every task in it closed: completed or cancelled). */
  status: 'open' | 'packed';
  carrier: string | null;
  cutoff: string | null;
  orderIds: string[];
  taskIds: string[];
  /** In walking order. */
  pickList: WavePickLine[];
  routing: WaveRoute['routing'];
  walkMeters: number;
  /** The walk picking the same orders one by one would take. */
  naiveWalkMeters: number;
  createdBy: WaveCreatedBy;
  createdAt: string;
  packedAt: string | null;
}

/** The wave just opened, and which order workflows to tell about which task (a merged parcel's task has several). */
export interface OpenedWave {
  wave: WaveRef;
  assignments: { orderId: string; taskId: string }[];
}

/** The waveWorkflow's result. `empty`: no open task qualified, no wave was opened. */
export interface WaveOutcome {
  waveId: string;
  status: 'empty' | 'packed';
}

/** The input of the scheduled run (WAVE_INTERVAL) opening a wave per warehouse with open tasks not in a wave. */
export interface WaveScheduleInput {
  maxOrders?: number;
  /** Only these warehouses (default: every warehouse). */
  warehouseIds?: string[];
}

/** Sent by the wave workflow to each order in it: which of the order's tasks is picked in which wave. */
export interface WaveAssignedInput {
  waveId: string;
  taskId: string;
}
export const waveAssignedSignal = defineSignal<[WaveAssignedInput]>('waveAssigned');

/** Sent by an order to its task's wave when it closed the task (completed or cancelled): the wave looks whether it is packed. */
export interface WaveTaskClosedInput {
  taskId: string;
  orderId: string;
  status: 'completed' | 'cancelled';
}
export const waveTaskClosedSignal = defineSignal<[WaveTaskClosedInput]>('waveTaskClosed');

/**
 * Asked together with the wave workflow's start (update-with-start): answers once the wave is opened, with
 * the wave, or null when no open task qualified.
 */
export const waveOpenedUpdate = defineUpdate<WaveRef | null, []>('waveOpened');

// ── Daily report (the WeCom group push, docs/reports.md) ────────────────────────────────────────────────

/** One push of the daily report (dailyReportWorkflow): the day, and a nonce, so a push asked for again runs again. */
export const dailyReportWorkflowId = (date: string, nonce: string) => `daily-report-${date}-${nonce}`;
/** The Temporal Schedule pushing the daily report at DAILY_REPORT_AT (it starts dailyReportWorkflow); one per task queue. */
export const dailyReportScheduleId = (taskQueue: string) => `daily-report-${taskQueue}`;

/** The two messages of a push, each sent (and retried) on its own so a retry never repeats one the group has. */
export type DailyReportPart = 'markdown' | 'image';

export interface DailyReportInput {
  /** The Shanghai day `YYYY-MM-DD`; default: the day before the run's start, in Shanghai (the scheduled run). */
  date?: string;
  /** Retries of each message before a review task opens (default: first retry after 30 s, 6 attempts, doubling). */
  retry?: { initialIntervalMs: number; maximumAttempts: number };
}

export interface DailyReportOutcome {
  date: string;
  sent: DailyReportPart[];
  failed: DailyReportPart[];
  /** Opened when a part failed after every retry. */
  reviewTaskId?: string;
}

// ── Predictive pre-pack (prepackWorkflow, one per likely buyer × SKU; docs/prepack.md) ──────────────────

/** The order that took the pre-packed unit tells the pre-pack. Name stored by Temporal: never rename. */
export const prepackBoughtSignal = defineSignal<[{ orderId: string }]>('prepackBought');

/** A customer × SKU likely to be bought soon (the scorePrepackCandidates activity's answer, the openPrepack activity's payload). */
export interface PrepackCandidate {
  prepackId: string;
  customerKey: string;
  customerLabel: string;
  sku: string;
  probability: number;
  modelId: number | null;
  lastEventAtMs: number;
}

export interface PrepackInput {
  candidate: PrepackCandidate;
  ttlMs: number;
}

/** The pre-pack a paid order took (the claimPrepack activity's answer). */
export interface ClaimedPrepack {
  prepackId: string;
  warehouseId: string;
  taskId: string;
  waybillNo: string;
}
