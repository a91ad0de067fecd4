/**
 * What happens to one ingest entry, whichever way it arrived (a consumer of the Redis or PostgreSQL buffer, a
 * dead-letter replay): fetch the platform order unless the entry carries it, read the platform status, map it
 * with the rules in force, and hand it to the order's workflow — signal-with-start by the deterministic
 * workflow id, so the same order delivered any number of times is one workflow.
 *
 * A payload that cannot become an order (does not map, unknown status, store gone) is parked in the
 * dead-letter list with the reason and is never dropped. Anything else that fails (the platform API is down,
 * Temporal is unreachable) is thrown, so the caller retries: the entry stays in the buffer.
 */
import { adapterFor } from '../channels';
import type { PlatformStatus, RawOrder } from '../channels/types';
import type { Db } from '../db/client';
import { closeDeadLettersOf, parkDeadLetter, type DeadLetterRow } from '../db/queries/ingest';
import { applyMapping, type MappingIssue } from '../domain/mapping';
import type { CanonicalOrder } from '../domain/order';
import { createBatcher } from '../infra/batcher';
import type { Logger } from '../infra/logger';
import type { DeliverResult, OrderClient } from '../temporal/order-client';
import { channelCancelledSignal, paymentReceivedSignal, returnRequestedSignal } from '../workflows/contract';
import type { MappingStore } from './mappings';
import type { StoreDirectory } from './stores';
import type { IngestEntry } from './types';

export type ProcessOutcome =
  /** The order's workflow has it (started now, or signalled). */
  | { outcome: 'delivered'; orderId: string; workflowId: string; status: PlatformStatus }
  /** Nothing to do: the workflow has finished, or the platform reports shipped/completed an order the OMS never saw. */
  | { outcome: 'ignored'; orderId: string; status: PlatformStatus; why: string }
  | { outcome: 'dead-lettered'; deadLetterId: number; reason: string; message: string; issues?: MappingIssue[] };

export interface ParkRequest {
  reason: 'mapping' | 'status' | 'unknown-store' | 'poison' | 'unreadable';
  message: string;
  issues?: MappingIssue[] | undefined;
  payload?: RawOrder | undefined;
  attempts?: number | undefined;
}

export interface IngestStats {
  delivered: number;
  ignored: number;
  deadLettered: number;
}

export interface IngestProcessor {
  process(entry: IngestEntry): Promise<ProcessOutcome>;
  /** Parks an entry that keeps failing (poison) or cannot be read at all; `key` overrides the per-order key. */
  park(entry: Partial<IngestEntry>, request: ParkRequest, key?: string): Promise<DeadLetterRow>;
  readonly stats: Readonly<IngestStats>;
}

export interface ProcessorDeps {
  db: Db;
  orders: OrderClient;
  stores: StoreDirectory;
  mappings: MappingStore;
  logger: Logger;
}

/** One dead letter per platform order. */
export const deadLetterKey = (storeId: string, channelOrderId: string) => `${storeId}:${channelOrderId}`;

export function createIngestProcessor({ db, orders, stores, mappings, logger }: ProcessorDeps): IngestProcessor {
  const stats: IngestStats = { delivered: 0, ignored: 0, deadLettered: 0 };

  const park: IngestProcessor['park'] = async (entry, request, key) => {
    const { raw: _raw, ...rest } = entry;
    const row = await parkDeadLetter(db, {
      key: key ?? deadLetterKey(entry.storeId ?? '?', entry.channelOrderId ?? '?'),
      platform: entry.platform,
      storeId: entry.storeId,
      channelOrderId: entry.channelOrderId,
      source: entry.source ?? 'unknown',
      reason: request.reason,
      message: request.message,
      issues: request.issues,
      entry: rest,
      payload: request.payload ?? entry.raw,
      attempts: request.attempts ?? 1,
    });
    stats.deadLettered += 1;
    logger.warn(
      { deadLetterId: row.id, platform: entry.platform, storeId: entry.storeId, channelOrderId: entry.channelOrderId, reason: request.reason, why: request.message },
      'ingest entry parked in the dead-letter list',
    );
    return row;
  };

  const parked = async (entry: IngestEntry, request: ParkRequest): Promise<ProcessOutcome> => {
    const row = await park(entry, request);
    return {
      outcome: 'dead-lettered',
      deadLetterId: row.id,
      reason: request.reason,
      message: request.message,
      ...(request.issues ? { issues: request.issues } : {}),
    };
  };

  /**
   * An earlier failure of this order is settled now; off the entry's path (a retry would do it again), and
   * batched: at a live-stream peak, one statement for the orders of many entries, not one each.
   */
  const settled = createBatcher<{ key: string; orderId: string }, void>(async (items) => closeDeadLettersOf(db, items).then(() => items.map(() => undefined)), { maxBatch: 500 });
  const closeDeadLetter = (entry: IngestEntry, orderId: string) =>
    void settled.submit({ key: deadLetterKey(entry.storeId, entry.channelOrderId), orderId }).catch((err: unknown) =>
      logger.warn({ err, storeId: entry.storeId, channelOrderId: entry.channelOrderId }, 'could not close the dead letter of a delivered order'),
    );

  return {
    stats,
    park,

    async process(entry) {
      const adapter = adapterFor(entry.platform);
      const store = await stores.credentials(entry.storeId);
      if (!store || store.platform !== entry.platform) {
        return parked(entry, { reason: 'unknown-store', message: `no ${entry.platform} store ${entry.storeId} is connected` });
      }
      const raw = entry.raw ?? (await adapter.fetchOrder(store, entry.channelOrderId));

      let status: PlatformStatus;
      try {
        status = adapter.statusOf(raw);
      } catch (err) {
        const message = (err as Error).message;
        return parked(entry, { reason: 'status', message, issues: [{ path: 'status', message }], payload: raw });
      }

      const { rules, version } = await mappings.rulesFor(entry.platform);
      const mapped = applyMapping(rules, raw);
      const issues = mapped.ok ? consistencyIssues(mapped.order, entry) : mapped.issues;
      if (!mapped.ok || issues.length > 0) {
        const first = issues[0];
        const message = `does not map to a canonical order (mapping version ${version})${first ? `: ${first.path}: ${first.message}` : ''}`;
        return parked(entry, { reason: 'mapping', message, issues, payload: raw });
      }

      const order: CanonicalOrder = { ...mapped.order, storeId: entry.storeId };
      const refundId = status === 'refund_requested' ? (entry.refundId ?? adapter.refundIdOf(raw)) : undefined;
      const result = await handOver(orders, order, status, entry, refundId);
      if (result.outcome === 'closed' || result.outcome === 'not-started') {
        stats.ignored += 1;
        const why = result.outcome === 'closed' ? 'the order has finished' : `${status} on the platform before the OMS saw it; not fulfilled here`;
        closeDeadLetter(entry, result.orderId);
        return { outcome: 'ignored', orderId: result.orderId, status, why };
      }
      stats.delivered += 1;
      closeDeadLetter(entry, result.orderId);
      return { outcome: 'delivered', orderId: result.orderId, workflowId: result.workflowId, status };
    },
  };
}

/** The mapped order must be the order the entry is about, on its platform; otherwise the rules read the wrong fields. */
function consistencyIssues(order: CanonicalOrder, entry: IngestEntry): MappingIssue[] {
  const issues: MappingIssue[] = [];
  if (order.channel !== entry.platform) {
    issues.push({ path: 'channel', message: `maps to "${order.channel}"; orders of this platform must be "${entry.platform}"` });
  }
  if (order.channelOrderId !== entry.channelOrderId) {
    issues.push({ path: 'channelOrderId', message: `maps to "${order.channelOrderId}", not the platform's order id "${entry.channelOrderId}"` });
  }
  return issues;
}

/**
 * The platform status decides the signal (pushes arrive late, twice and out of order, so the push kind does
 * not): paid → paymentReceived, cancelled → channelCancelled, refund requested → returnRequested. An order the
 * OMS has never seen is accepted first (a paid one with its stock held at once); one the platform already
 * reports shipped or completed is not (it was fulfilled elsewhere: accepting it would ship it a second time).
 */
async function handOver(orders: OrderClient, order: CanonicalOrder, status: PlatformStatus, entry: IngestEntry, refundId: string | undefined): Promise<DeliverResult> {
  const reference = `${entry.platform}:${entry.channelOrderId}`;
  const paid = { paidAt: order.paidAt ?? entry.receivedAt, reference };
  if (status === 'shipped' || status === 'completed') return orders.deliver(order, paymentReceivedSignal, paid, { start: false });

  // A new order is accepted (recorded; held when paid) and its workflow started behind; a known one is told.
  const accepted = await orders.accept(status === 'paid' ? { ...order, paidAt: paid.paidAt } : order, { hold: status === 'paid' });
  const handed: DeliverResult = { orderId: accepted.orderId, workflowId: accepted.workflowId, outcome: 'signalled' };
  switch (status) {
    case 'unpaid':
      return handed;
    case 'paid':
      return accepted.created ? handed : orders.deliver(order, paymentReceivedSignal, paid);
    case 'cancelled':
      return orders.deliver(order, channelCancelledSignal, { reason: `cancelled on ${entry.platform}` });
    case 'refund_requested':
      // One platform refund per order: polls and redeliveries repeat it, the workflow ignores a known externalId.
      // The platform's refund id, when known, is what the refund is agreed with once the goods are back.
      return orders.deliver(order, returnRequestedSignal, {
        externalId: `${entry.platform}-refund-${entry.channelOrderId}`,
        reason: `refund requested on ${entry.platform}`,
        ...(refundId ? { platformRefundId: refundId } : {}),
      });
  }
}
