/**
 * Listed prices per channel and the gap alerts over them: prices set by API or read from the stores' item APIs,
 * each changed SKU checked at once (open, update or close its alert), and new alerts told to the WeCom group once.
 */
import { adapterFor } from '../channels';
import type { StoreTokens } from '../channels/oauth-tokens';
import type { ChannelAdapter, Platform } from '../channels/types';
import type { Db, DbOrTx } from '../db/client';
import { closeGap, markGapsPushed, openGapOf, openOrUpdateGap, unpushedGaps, type PriceGapAlertRow } from '../db/queries/price-gap-alerts';
import { pricesOfSkus, skusListedOnSeveralChannels, upsertPrices } from '../db/queries/sku-prices';
import { listStores, skusSoldBy } from '../db/queries/stores';
import { decideGap, type GapThresholds } from '../domain/price-gap';
import { fenToYuan } from '../domain/finance';
import type { Logger } from '../infra/logger';
import { escapeMarkdown, fitLines, redactWebhook, sendWecom } from '../reports/wecom';

export interface GapCheck {
  opened: PriceGapAlertRow[];
  updated: number;
  closed: PriceGapAlertRow[];
}

/** Looks at the SKUs' prices now: opens, updates or closes their alerts. */
export async function checkPriceGaps(db: DbOrTx, skus: readonly string[], thresholds: GapThresholds, now = new Date()): Promise<GapCheck> {
  const out: GapCheck = { opened: [], updated: 0, closed: [] };
  const prices = await pricesOfSkus(db, skus);
  for (const sku of new Set(skus)) {
    const open = await openGapOf(db, sku);
    const decision = decideGap(prices.get(sku) ?? {}, thresholds, open !== undefined);
    if (decision.action === 'open-or-update') {
      const { alert, opened } = await openOrUpdateGap(db, sku, decision.gap, now);
      if (opened) out.opened.push(alert);
      else out.updated += 1;
    } else if (decision.action === 'close') {
      const closed = await closeGap(db, sku, prices.get(sku) ?? {}, now);
      if (closed) out.closed.push(closed);
    }
  }
  return out;
}

/** Sets prices by API (`PUT /v1/skus/:sku/prices`) and checks the SKU's gap. */
export async function setPricesByApi(db: Db, sku: string, prices: Readonly<Record<string, number>>, thresholds: GapThresholds): Promise<GapCheck> {
  return db.transaction(async (tx) => {
    await upsertPrices(tx, Object.entries(prices).map(([channel, priceFen]) => ({ sku, channel, priceFen, source: 'api' as const })));
    return checkPriceGaps(tx, [sku], thresholds);
  });
}

export interface PriceReadDeps {
  db: Db;
  tokens: StoreTokens;
  logger: Logger;
  adapterFor?: (platform: Platform) => ChannelAdapter;
}

/**
 * Reads the listed price of every SKU each connected store sells from the store's item API (stores whose
 * platform has none, or that cannot be authorized, are skipped and said so), stores the changes, then checks
 * every SKU listed on several channels.
 */
export async function readListedPrices(
  deps: PriceReadDeps,
  thresholds: GapThresholds,
  onProgress: () => void = () => undefined,
  onlyStores?: readonly string[],
): Promise<{ read: number; changed: number; skipped: { storeId: string; error: string }[]; gaps: GapCheck }> {
  const { db, tokens, logger } = deps;
  let read = 0;
  const changed = new Set<string>();
  const skipped: { storeId: string; error: string }[] = [];
  for (const store of await listStores(db)) {
    if (onlyStores && !onlyStores.includes(store.id)) continue;
    const platform = store.platform as Platform;
    const adapter = (deps.adapterFor ?? adapterFor)(platform);
    if (!adapter.itemPrice) continue;
    const skus = await skusSoldBy(db, store.id);
    if (skus.length === 0) continue;
    try {
      const entries = await tokens.withCredentials(store.id, async (credentials) => {
        const found: { sku: string; channel: string; priceFen: number; source: 'platform'; storeId: string }[] = [];
        for (const sku of skus) {
          const priceFen = await adapter.itemPrice!(credentials, sku);
          onProgress();
          if (priceFen !== undefined) found.push({ sku, channel: platform, priceFen, source: 'platform', storeId: store.id });
        }
        return found;
      });
      read += entries.length;
      for (const sku of await upsertPrices(db, entries)) changed.add(sku);
    } catch (err) {
      skipped.push({ storeId: store.id, error: (err as Error).message });
      logger.warn({ storeId: store.id, err: (err as Error).message }, 'listed prices not read');
    }
  }
  // Every SKU on several channels, not only the changed ones: thresholds may have changed since the last run.
  const gaps = await checkPriceGaps(db, [...new Set([...changed, ...(await skusListedOnSeveralChannels(db))])], thresholds);
  return { read, changed: changed.size, skipped, gaps };
}

/** The WeCom message for one new gap. */
export function gapMarkdown(alert: PriceGapAlertRow): string {
  const prices = Object.entries(alert.prices as Record<string, number>)
    .map(([channel, fen]) => `${escapeMarkdown(channel)} ¥${fenToYuan(fen)}`)
    .join(' · ');
  return fitLines([
    `## <font color="warning">跨渠道价差</font> ${escapeMarkdown(alert.sku)}`,
    `> 最低 ${escapeMarkdown(alert.lowChannel)} **¥${fenToYuan(alert.lowFen)}** · 最高 ${escapeMarkdown(alert.highChannel)} **¥${fenToYuan(alert.highFen)}**`,
    `> 相差 **¥${fenToYuan(alert.gapFen)}**（${Number.isFinite(alert.gapPct) ? alert.gapPct.toFixed(1) : '∞'}%）`,
    `> ${prices}`,
    `发现于 ${alert.openedAt.toISOString()}，价格一致后自动关闭`,
  ]);
}

/**
 * Tells the WeCom group about each open gap it has not been told about, oldest first, one message each, and
 * marks it told. A refusal stops the round (the rest wait for the next one, so nothing is told twice).
 */
export async function pushNewGaps(db: Db, webhookUrl: string, logger: Logger, options: { fetch?: typeof fetch } = {}): Promise<number[]> {
  const pushed: number[] = [];
  for (const alert of await unpushedGaps(db)) {
    await sendWecom(webhookUrl, { msgtype: 'markdown', markdown: { content: gapMarkdown(alert) } }, options.fetch ? { fetch: options.fetch } : {});
    await markGapsPushed(db, [alert.id], new Date());
    pushed.push(alert.id);
    logger.info({ sku: alert.sku, alertId: alert.id, robot: redactWebhook(webhookUrl) }, 'price gap sent to WeCom');
  }
  return pushed;
}
