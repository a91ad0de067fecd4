import { Hono } from 'hono';
import { z } from 'zod';
import { ChannelApiError } from '../../channels';
import { PLATFORMS, type Platform } from '../../channels/types';
import type { Db } from '../../db/client';
import { findDeadLetter, listDeadLetters, type DeadLetterRow } from '../../db/queries/ingest';
import { applyMapping, mappingRuleSetSchema } from '../../domain/mapping';
import type { Ingest } from '../../ingest';
import { checkAgainstSample, samplePayload } from '../../ingest/samples';
import { requireScope, type Caller } from '../auth';
import { ApiError, conflict, notFound } from '../errors';
import { validate } from '../validate';

type Env = { Variables: { caller: Caller } };

export const mappingBody = z.object({ rules: mappingRuleSetSchema }).strict();

const platformParam = z.object({ platform: z.string() });

function platformOf(name: string): Platform {
  if (!(PLATFORMS as readonly string[]).includes(name)) throw notFound(`platform ${name}`);
  return name as Platform;
}

/**
 * `/v1/channels/:platform/mapping`: the field mapping rules of a platform, as data. A PUT is refused (400)
 * unless the rules turn the platform's sample order into a valid canonical order of that platform; the issues
 * name the failing canonical field and where it was read from. `…/sample` shows the sample and what the rules
 * in force make of it.
 */
export function channelRoutes({ ingest }: { ingest: Ingest }) {
  return new Hono<Env>()
    .get('/:platform/mapping', requireScope('ops'), validate('param', platformParam), async (c) => {
      return c.json(await ingest.mappings.rulesFor(platformOf(c.req.valid('param').platform)));
    })
    .put('/:platform/mapping', requireScope('admin'), validate('param', platformParam), validate('json', mappingBody), async (c) => {
      const platform = platformOf(c.req.valid('param').platform);
      const { rules } = c.req.valid('json');
      const check = checkAgainstSample(platform, rules);
      if (!check.ok) {
        const issues = check.issues.map((i) => ({ path: i.path, ...(i.source ? { source: i.source } : {}), message: i.message }));
        const first = issues[0];
        const where = first ? `${first.path}${first.source ? ` (from ${first.source})` : ''}: ${first.message}` : 'invalid';
        throw new ApiError(400, 'MAPPING_REJECTED', `these rules cannot map the ${platform} sample order: ${where}`, issues);
      }
      return c.json(await ingest.mappings.save(platform, rules));
    })
    .get('/:platform/sample', requireScope('ops'), validate('param', platformParam), async (c) => {
      const platform = platformOf(c.req.valid('param').platform);
      const { rules, version } = await ingest.mappings.rulesFor(platform);
      const payload = samplePayload(platform);
      return c.json({ platform, payload, mappingVersion: version, mapped: applyMapping(rules, payload) });
    });
}

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
  return new Hono<Env>()
    .get('/dead-letters', requireScope('ops'), validate('query', deadLetterQuery), async (c) => {
      const { status, ...filter } = c.req.valid('query');
      const rows = await listDeadLetters(db, { ...filter, status: status === 'all' ? undefined : status });
      return c.json(rows.map((row) => presentDeadLetter(row)));
    })
    .get('/dead-letters/:id', requireScope('ops'), validate('param', idParam), async (c) => {
      const row = await findDeadLetter(db, c.req.valid('param').id);
      if (!row) throw notFound('dead letter');
      return c.json(presentDeadLetter(row, true));
    })
    .post('/dead-letters/:id/replay', requireScope('ops'), validate('param', idParam), async (c) => {
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
    })
    .get('/backlog', requireScope('ops'), async (c) => {
      return c.json(await ingest.report());
    });
}
