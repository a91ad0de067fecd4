/**
 * Listed prices on a schedule (docs/finance.md): read every connected store's prices through its item API,
 * open or close the gap alerts, and tell the WeCom group about each new gap once.
 */
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ChannelAdapter, Platform } from '../channels/types';
import type { StoreTokens } from '../channels/oauth-tokens';
import type { Db } from '../db/client';
import type { GapThresholds } from '../domain/price-gap';
import { pushNewGaps, readListedPrices } from '../finance/price-gaps';
import type { Logger } from '../infra/logger';

export interface FinanceActivityDeps {
  db: Db;
  logger: Logger;
  channels?: { tokens: StoreTokens; adapterFor?: (platform: Platform) => ChannelAdapter } | undefined;
  finance?: { priceGap: GapThresholds; wecomWebhookUrl?: string | undefined; fetch?: typeof fetch } | undefined;
}

const DEFAULT_THRESHOLDS: GapThresholds = { fen: 1000, pct: 10 };

export function createFinanceActivities({ db, logger, channels, finance }: FinanceActivityDeps) {
  return {
    async readListedPrices(input: { storeIds?: string[] } = {}): Promise<{ read: number; changed: number; opened: number; closed: number; skippedStores: number }> {
      if (!channels) throw ApplicationFailure.nonRetryable('channel sync is not configured in this worker', 'ChannelsNotConfigured');
      let calls = 0;
      const result = await readListedPrices(
        { db, logger, tokens: channels.tokens, ...(channels.adapterFor ? { adapterFor: channels.adapterFor } : {}) },
        finance?.priceGap ?? DEFAULT_THRESHOLDS,
        () => heartbeat({ calls: (calls += 1) }),
        input.storeIds,
      );
      if (result.gaps.opened.length || result.gaps.closed.length) {
        logger.info({ opened: result.gaps.opened.map((g) => g.sku), closed: result.gaps.closed.map((g) => g.sku) }, 'price gaps changed');
      }
      return { read: result.read, changed: result.changed, opened: result.gaps.opened.length, closed: result.gaps.closed.length, skippedStores: result.skipped.length };
    },

    /** Each open gap the group was not told about, one message each; without a robot nothing is sent. */
    async pushPriceGaps(): Promise<{ pushed: number }> {
      const url = finance?.wecomWebhookUrl;
      if (!url) return { pushed: 0 };
      const pushed = await pushNewGaps(db, url, logger, finance.fetch ? { fetch: finance.fetch } : {});
      return { pushed: pushed.length };
    },
  };
}
