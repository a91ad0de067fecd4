import { Hono } from 'hono';
import { z } from 'zod';
import { ChannelApiError } from '../../channels';
import { PLATFORMS } from '../../channels/types';
import type { Db } from '../../db/client';
import { findDeadLetter, listDeadLetters, type DeadLetterRow } from '../../db/queries/ingest';
import type { Ingest } from '../../ingest';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, conflict, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const deadLetterQuery = z.object({
  status: z.enum(['open', 'replayed', 'all']).default('open'),
  platform: z.enum(PLATFORMS).optional(),
  storeId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParam = z.object({ id: z.coerce.number().int().positive() });

function presentDeadLetter(row: DeadLetterRow, withPayload = false) {
  return {
    id: row.id,
    platform: row.platform,
    storeId: row.storeId,
    channelOrderId: row.channelOrderId,
    source: row.source,
    reason: row.reason,
    message: row.message,
    issues: row.issues,
    attempts: row.attempts,
    failures: row.failures,
    status: row.status,
    orderId: row.orderId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    replayedAt: row.replayedAt,
    ...(withPayload ? { entry: row.entry, payload: row.payload } : {}),
  };
}

/** `/v1/ingest`: the dead-letter list (what could not become an order, and why), replays, and the buffer backlog. */
export function ingestRoutes({ db, ingest }: { db: Db; ingest: Ingest }) {
  return new Hono<ApiEnv>()
    .get(
      '/dead-letters',
      doc('Entries that could not become orders (?status=open|replayed|all&platform=&storeId=&limit=), with reason (mapping, status, unknown-store, poison, unreadable), message and mapping issues', {
        200: '[{id, platform, storeId, channelOrderId, source, reason, message, issues, attempts, failures, status, orderId, createdAt, updatedAt, replayedAt}]',
      }),
      requireScope('ops'),
      validate('query', deadLetterQuery),
      async (c) => {
        const { status, ...filter } = c.req.valid('query');
        const rows = await listDeadLetters(db, { ...filter, status: status === 'all' ? undefined : status });
        return c.json(rows.map((row) => presentDeadLetter(row)));
      },
    )
    .get(
      '/dead-letters/:id',
      doc('One dead letter with its entry and the platform payload that failed', { 200: 'dead letter with entry and payload', 404: 'unknown dead letter' }),
      requireScope('ops'),
      validate('param', idParam),
      async (c) => {
        const row = await findDeadLetter(db, c.req.valid('param').id);
        if (!row) throw notFound('dead letter');
        return c.json(presentDeadLetter(row, true));
      },
    )
    .post(
      '/dead-letters/:id/replay',
      doc('Process the dead letter again with the mapping in force (the stored payload, or a fresh fetch)', {
        200: '{deadLetter, outcome: {outcome: delivered|ignored, orderId, …}}',
        404: 'unknown dead letter',
        409: 'already replayed, or unreadable',
        422: 'STILL_FAILING, with the mapping issues',
        502: 'the platform API could not be reached',
      }),
      requireScope('ops'),
      validate('param', idParam),
      async (c) => {
        const result = await ingest.replay(c.req.valid('param').id).catch((err: unknown) => {
          if (err instanceof ChannelApiError) throw new ApiError(502, 'CHANNEL_UNAVAILABLE', err.message);
          throw err;
        });
        if (!result.found) throw notFound('dead letter');
        if (!result.replayable) throw conflict(result.why);
        const { outcome } = result;
        if (outcome.outcome === 'dead-lettered') {
          throw new ApiError(422, 'STILL_FAILING', `replay failed again: ${outcome.message}`, outcome.issues?.map((i) => ({ path: i.path, ...(i.source ? { source: i.source } : {}), message: i.message })));
        }
        return c.json({ deadLetter: presentDeadLetter(result.letter), outcome });
      },
    )
    .get(
      '/backlog',
      doc('What is behind during a burst: buffered pushes, rates, workflows behind and an ETA', {
        200: '{buffered, oldestAgeMs, acceptedPerSec, persistedPerSec, workflowsBehind, catchUpPerSec, etaSeconds, mode, length, pending}',
      }),
      requireScope('ops'),
      async (c) => {
        return c.json(await ingest.report());
      },
    );
}
