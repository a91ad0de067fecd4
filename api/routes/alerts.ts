import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listPriceGaps, type PriceGapAlertRow } from '../../db/queries/price-gap-alerts';
import type { GapThresholds } from '../../domain/price-gap';
import { requireScope, type ApiEnv } from '../auth';
import { unavailable } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

export interface PriceRouteDeps {
  db: Db;
  thresholds: GapThresholds;
  /** Reads the stores' listed prices now (a pricePollWorkflow); without it the poll answers 503. */
  pollPrices?: (() => Promise<{ workflowId: string }>) | undefined;
}

/** A price-gap alert as the API answers it (here, and with a SKU's prices: `PUT /v1/skus/:sku/prices`). */
export function priceGapView(a: PriceGapAlertRow) {
  return {
    id: a.id,
    sku: a.sku,
    status: a.status,
    lowChannel: a.lowChannel,
    lowFen: a.lowFen,
    highChannel: a.highChannel,
    highFen: a.highFen,
    gapFen: a.gapFen,
    gapPct: Number.isFinite(a.gapPct) ? a.gapPct : null,
    prices: a.prices,
    openedAt: a.openedAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    closedAt: a.closedAt?.toISOString() ?? null,
    pushedAt: a.pushedAt?.toISOString() ?? null,
  };
}

/** `/v1/alerts`: cross-channel price gaps (`/price-gaps`), newest first, and a price poll on demand. */
export function alertRoutes({ db, thresholds, pollPrices }: PriceRouteDeps) {
  return new Hono<ApiEnv>()
    .get(
      '/price-gaps',
      doc('SKUs listed at prices that differ across channels beyond PRICE_GAP_FEN or PRICE_GAP_PCT, newest first (?status=open|closed|all, default open)', {
        200: '{thresholds, items: [{id, sku, status, lowChannel, lowFen, highChannel, highFen, gapFen, gapPct, prices, openedAt, closedAt, pushedAt}]}',
      }),
      requireScope('ops', 'orders:read'),
      validate('query', z.object({ status: z.enum(['open', 'closed', 'all']).default('open'), sku: z.string().trim().min(1).max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) })),
      async (c) => {
        const q = c.req.valid('query');
        const items = await listPriceGaps(db, { status: q.status === 'all' ? undefined : q.status, sku: q.sku, limit: q.limit });
        return c.json({ thresholds: { priceGapFen: thresholds.fen, priceGapPct: thresholds.pct }, items: items.map(priceGapView) });
      },
    )
    .post(
      '/price-gaps/poll',
      doc('Read every store’s listed prices now (and push new gaps to WeCom), beside the PRICE_POLL_INTERVAL schedule', { 202: '{workflowId}', 503: 'no worker client in this process' }),
      requireScope('ops'),
      async (c) => {
        if (!pollPrices) throw unavailable('price polling');
        return c.json(await pollPrices(), 202);
      },
    );
}
