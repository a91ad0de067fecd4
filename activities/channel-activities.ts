/**
 * Side effects of the channel sync: poll a store for changed orders (into the ingest pipeline, cursor moved
 * only after), push a SKU's available count to every store selling it, write tracking and refunds back to the
 * platform.
 * Platform calls go through the token keeper, which refreshes tokens ahead of expiry and once more when a
 * platform refuses one. Idempotent: polled orders are ingested once however often they are handed over, a
 * stock push sets the full count, a tracking write-back that already happened is refused by the platform
 * and ends in a review task rather than a second shipment.
 */
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import { adapterFor } from '../channels';
import { ChannelApiError } from '../channels/errors';
import { StoreNotAuthorizedError, type StoreTokens } from '../channels/oauth-tokens';
import type { ChannelAdapter, Platform, RawOrder } from '../channels/types';
import type { Db } from '../db/client';
import { setRefundWriteBack } from '../db/queries/returns';
import { openReviewTask } from '../db/queries/review-tasks';
import { channelAvailable, insertStockSyncRound, recordSyncedOrders, underSkuRoundLock } from '../db/queries/stock-sync';
import { advancePollCursor, findStore, recordPollError, storesSellingSku, type StoreRow } from '../db/queries/stores';
import type { Logger } from '../infra/logger';
import type { IngestEntry, IngestPipeline } from '../ingest/types';
import {
  REFUND_WRITEBACK_TASK,
  TRACKING_WRITEBACK_TASK,
  trackingWriteBackTaskId,
  type RefundWriteBackInput,
  type RefundWriteBackOutcome,
  type StockPushOutcome,
  type StoreStockOutcome,
  type SyncRoundResult,
  type TrackingWriteBackInput,
} from '../workflows/contract';

export interface PollSettings {
  /** Each poll starts this far before the cursor: late-indexed orders are still caught. */
  overlapMs: number;
  /** A store never polled before starts this far back. */
  lookbackMs: number;
  /** One activity covers at most this much time; a longer backlog takes several. */
  chunkMs: number;
}

export interface ChannelRuntime {
  tokens: StoreTokens;
  /** Where polled orders go (the ingest buffer). */
  ingest?: IngestPipeline | undefined;
  poll: PollSettings;
  /** Stores pushed to at once in one stock round. Default 8. */
  pushConcurrency?: number;
  /** Overrides the platform adapters (tests). */
  adapterFor?: (platform: Platform) => ChannelAdapter;
}

export interface ChannelActivityDeps {
  db: Db;
  logger: Logger;
  channels?: ChannelRuntime | undefined;
}

const ENQUEUE_BATCH = 100;
/**
 * Stock rounds of this process holding their SKU's lock (and a database connection) at once: the worker's
 * rounds and the sell-outs pushed in place share it (temporal/stock-sync.ts makes its own activities).
 */
const lockedRounds = pLimit(4);

export function createChannelActivities(deps: ChannelActivityDeps) {
  const { db, logger } = deps;

  function runtime(): ChannelRuntime {
    if (!deps.channels) throw ApplicationFailure.nonRetryable('channel sync is not configured in this worker', 'ChannelsNotConfigured');
    return deps.channels;
  }
  const adapter = (platform: Platform) => (deps.channels?.adapterFor ?? adapterFor)(platform);

  return {
    /**
     * Polls one chunk of the store's backlog: orders modified in [cursor - overlap, min(cursor + chunk, now)),
     * handed to the ingest pipeline in batches; the cursor moves to the window's end only after all of them
     * are accepted.
     */
    async pollStoreChunk(p: { storeId: string }): Promise<{ orders: number; cursor: string; caughtUp: boolean }> {
      const { tokens, ingest, poll } = runtime();
      const row = await findStore(db, p.storeId);
      if (!row) throw ApplicationFailure.nonRetryable(`store ${p.storeId} not found`, 'StoreNotFound');
      if (!ingest) throw ApplicationFailure.nonRetryable('no ingest pipeline in this worker', 'IngestNotConfigured');
      const platform = row.platform as Platform;
      const now = Date.now();
      const cursor = row.pollCursor?.getTime() ?? now - poll.lookbackMs;
      const from = new Date(Math.min(cursor, now) - poll.overlapMs);
      const to = new Date(Math.min(cursor + poll.chunkMs, now));
      const caughtUp = to.getTime() >= now;

      let handedOver: number;
      try {
        handedOver = await tokens.withCredentials(p.storeId, async (store) => {
          let count = 0;
          let batch: IngestEntry[] = [];
          const flush = async () => {
            if (batch.length === 0) return;
            await ingest.enqueue(batch);
            count += batch.length;
            batch = [];
            heartbeat({ orders: count });
          };
          for await (const raw of adapter(platform).listChangedOrders(store, { from, to })) {
            const channelOrderId = channelOrderIdOf(adapter(platform), raw);
            if (!channelOrderId) {
              logger.warn({ storeId: p.storeId, platform }, 'polled order without a readable order id: skipped');
              continue;
            }
            batch.push({ source: 'poll', platform, storeId: p.storeId, channelOrderId, raw, receivedAt: new Date().toISOString() });
            heartbeat({ orders: count + batch.length }); // some platforms fetch orders one by one: stay alive
            if (batch.length >= ENQUEUE_BATCH) await flush();
          }
          await flush();
          return count;
        });
      } catch (err) {
        await recordPollError(db, p.storeId, (err as Error).message);
        if (err instanceof StoreNotAuthorizedError) throw ApplicationFailure.nonRetryable(err.message, 'StoreNotAuthorized');
        if (err instanceof ChannelApiError && !err.retryable) logger.warn({ storeId: p.storeId, code: err.code }, 'poll refused by the platform');
        throw err;
      }
      // Everything up to `to` is in the buffer now.
      await advancePollCursor(db, p.storeId, to);
      if (handedOver > 0) logger.info({ storeId: p.storeId, orders: handedOver, from, to }, 'store polled');
      return { orders: handedOver, cursor: to.toISOString(), caughtUp };
    },

    /**
     * One stock-sync round of a SKU: reads the available count across warehouses and sets it on every store
     * selling the SKU. Stores that do not list it or cannot be authorized are skipped (recorded); a platform
     * that fails transiently makes the round fail and be retried, reading the count afresh.
     */
    async syncSkuStock(p: { sku: string; firstChangeAt?: string | undefined; changes: number; orderIds?: string[] | undefined }): Promise<SyncRoundResult> {
      const { tokens } = runtime();
      const pushOne = async (row: StoreRow, available: number): Promise<StoreStockOutcome> => {
        try {
          await tokens.withCredentials(row.id, (store) => adapter(row.platform as Platform).pushStock(store, { sku: p.sku, available }));
          return { storeId: row.id, outcome: 'pushed' };
        } catch (err) {
          const error = (err as Error).message;
          if (err instanceof StoreNotAuthorizedError) return { storeId: row.id, outcome: 'not_authorized', error };
          if (err instanceof ChannelApiError && err.code === 'SKU_NOT_LISTED') return { storeId: row.id, outcome: 'not_listed' };
          if (err instanceof ChannelApiError && !err.retryable) return { storeId: row.id, outcome: 'refused', error };
          return { storeId: row.id, outcome: 'failed', error };
        }
      };
      // Read and pushed under the SKU's round lock (db/queries/stock-sync.ts). The lock holds a connection for the
      // round; the pushes' own lookups need others, so few rounds of this process hold one at a time.
      const { available, readAt, outcomes } = await lockedRounds(() =>
        underSkuRoundLock(db, p.sku, async (tx) => {
          const { available, readAt } = await channelAvailable(tx, p.sku);
          const selling = await storesSellingSku(tx, p.sku);
          const limit = pLimit(deps.channels?.pushConcurrency ?? 8);
          return { available, readAt, outcomes: await limit.map(selling, (row) => pushOne(row, available)) };
        }),
      );
      if (outcomes.length === 0) return { roundId: 0, available, stores: [] }; // no channel sells it: nothing to record
      const count = (...kinds: StockPushOutcome[]) => outcomes.filter((o) => kinds.includes(o.outcome)).length;
      const failed = count('failed');
      const round = await insertStockSyncRound(db, {
        sku: p.sku,
        available,
        changes: p.changes,
        firstChangeAt: p.firstChangeAt ? new Date(p.firstChangeAt) : null,
        readAt,
        stores: outcomes.length,
        pushed: count('pushed'),
        skipped: count('not_listed', 'not_authorized', 'refused'),
        failed,
        outcomes,
      });
      for (const o of outcomes) {
        if (o.outcome === 'refused' || o.outcome === 'not_authorized') logger.warn({ sku: p.sku, storeId: o.storeId, outcome: o.outcome, error: o.error }, 'stock push skipped');
      }
      if (failed > 0) {
        logger.warn({ sku: p.sku, failed }, 'stock push failed for some stores: retrying the round');
        throw ApplicationFailure.retryable(`stock push of ${p.sku} failed for ${failed} store(s): ${outcomes.find((o) => o.outcome === 'failed')?.error ?? ''}`, 'StockPushFailed');
      }
      if (round && p.orderIds?.length) {
        await recordSyncedOrders(db, { sku: p.sku, round, orderIds: p.orderIds });
      }
      logger.debug({ sku: p.sku, available, stores: outcomes.length, changes: p.changes }, 'stock synced to channels');
      return { roundId: round?.id ?? 0, available, stores: outcomes };
    },

    /**
     * Writes the waybill back to the platform. A refusal that retrying will not fix (the order was already
     * shipped on the platform, cancelled there, …) opens a review task instead of failing for three days; a
     * store that lost its authorization opens one too, and keeps retrying until it is authorized again.
     */
    async writeTrackingBack(p: TrackingWriteBackInput): Promise<{ outcome: 'written' | 'refused' | 'no_store' }> {
      const { tokens } = runtime();
      const row = await findStore(db, p.storeId);
      if (!row) {
        logger.warn({ orderId: p.orderId, storeId: p.storeId }, 'tracking not written back: the store is not connected');
        return { outcome: 'no_store' };
      }
      const task = (reason: string) =>
        openReviewTask(db, {
          id: trackingWriteBackTaskId(p.orderId),
          kind: TRACKING_WRITEBACK_TASK,
          orderId: p.orderId,
          reason,
          data: { storeId: p.storeId, channelOrderId: p.channelOrderId, carrier: p.carrier, waybillNo: p.waybillNo },
        });
      try {
        await tokens.withCredentials(p.storeId, (store) =>
          adapter(row.platform as Platform).writeTracking(store, { channelOrderId: p.channelOrderId, carrier: p.carrier, waybillNo: p.waybillNo }),
        );
      } catch (err) {
        if (err instanceof StoreNotAuthorizedError) {
          await task(`tracking write-back waits for the store to be authorized again: ${err.message}`);
          throw err;
        }
        if (err instanceof ChannelApiError && !err.retryable) {
          await task(`the platform refused the tracking write-back: ${err.message}`);
          logger.warn({ orderId: p.orderId, storeId: p.storeId, code: err.code }, 'tracking write-back refused');
          return { outcome: 'refused' };
        }
        throw err;
      }
      logger.info({ orderId: p.orderId, storeId: p.storeId, carrier: p.carrier, waybillNo: p.waybillNo }, 'tracking written back to the platform');
      return { outcome: 'written' };
    },

    /**
     * Agrees the platform's refund once the returned goods are received, so the platform pays the buyer back.
     * Where there is nothing to agree on the platform (no connected store, no platform refund id) or the
     * platform refuses, a review task asks a person to refund in the platform's back office; the outcome is
     * recorded on the refund row either way. Agreeing twice is refused by the platform, never paid twice.
     */
    async writeBackRefund(p: RefundWriteBackInput): Promise<{ outcome: RefundWriteBackOutcome; reference?: string }> {
      const log = { orderId: p.orderId, returnId: p.returnId, channel: p.channel, amountFen: p.amountFen };
      /** Not written back: a person refunds in the platform's back office. */
      const byHand = async (outcome: 'manual' | 'refused', why: string) => {
        await openReviewTask(db, {
          id: `${REFUND_WRITEBACK_TASK}-${p.returnId}`,
          kind: REFUND_WRITEBACK_TASK,
          orderId: p.orderId,
          reason: `refund ${p.amountFen} fen for return ${p.returnId} on ${p.channel} by hand: ${why}`,
          data: { returnId: p.returnId, channel: p.channel, channelOrderId: p.channelOrderId, storeId: p.storeId ?? null, platformRefundId: p.platformRefundId ?? null, amountFen: p.amountFen },
        });
        logger.warn({ ...log, why }, 'refund not written back to the platform: review task opened');
        await setRefundWriteBack(db, { returnId: p.returnId, status: outcome });
        return { outcome };
      };

      if (p.channel === 'manual') {
        logger.info(log, 'refund recorded; manual order, no platform to write back to');
        await setRefundWriteBack(db, { returnId: p.returnId, status: 'not_applicable' });
        return { outcome: 'not_applicable' };
      }
      const row = p.storeId && deps.channels ? await findStore(db, p.storeId) : undefined;
      if (!row) return byHand('manual', 'the order came from no connected store');
      if (!p.platformRefundId) return byHand('manual', 'the platform never asked for this refund (the return was opened in the OMS)');
      const refundId = p.platformRefundId;

      let reference: string;
      try {
        ({ reference } = await runtime().tokens.withCredentials(row.id, (store) =>
          adapter(row.platform as Platform).writeRefund(store, { channelOrderId: p.channelOrderId, refundId, amountFen: p.amountFen }),
        ));
      } catch (err) {
        if (err instanceof ChannelApiError && !err.retryable) return byHand('refused', `the platform refused it: ${err.message}`);
        throw err; // unreachable platform, store waiting for authorization: retried
      }
      await setRefundWriteBack(db, { returnId: p.returnId, status: 'written_back', reference });
      logger.info({ ...log, reference }, 'refund written back to the platform');
      return { outcome: 'written_back', reference };
    },
  };
}

export type ChannelActivities = ReturnType<typeof createChannelActivities>;

/** The platform order id, read where the platform's default mapping reads `channelOrderId` from. */
export function channelOrderIdOf(adapter: ChannelAdapter, raw: RawOrder): string | undefined {
  const rule = adapter.mapping.find((r) => r.target === 'channelOrderId');
  const paths = [rule?.source, 'tid_str', 'tid', 'order_sn', 'order_id'].filter((p): p is string => typeof p === 'string');
  for (const path of paths) {
    let value: unknown = raw;
    for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
  }
  return undefined;
}
