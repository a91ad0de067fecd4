import { Hono } from 'hono';
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../../channels/types';
import { applyMapping, mappingRuleSetSchema } from '../../domain/mapping';
import type { Ingest } from '../../ingest';
import { checkAgainstSample, samplePayload } from '../../ingest/samples';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError, notFound } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const mappingBody = z.object({ rules: mappingRuleSetSchema }).strict();

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
  return new Hono<ApiEnv>()
    .get(
      '/:platform/mapping',
      doc('Field mapping rules in force for a platform (stored, or the built-in default)', { 200: '{platform, rules, version, updatedAt, source: stored|default}', 404: 'unknown platform' }),
      requireScope('ops'),
      validate('param', platformParam),
      async (c) => {
        return c.json(await ingest.mappings.rulesFor(platformOf(c.req.valid('param').platform)));
      },
    )
    .put(
      '/:platform/mapping',
      doc("Replace a platform's mapping rules; refused unless they map the platform's sample order to a valid canonical order of that platform", {
        200: '{platform, rules, version, updatedAt, source}',
        400: 'malformed rules (json.rules.N.field) or MAPPING_REJECTED with the failing canonical field and its source path',
        404: 'unknown platform',
      }),
      requireScope('admin'),
      validate('param', platformParam),
      validate('json', mappingBody),
      async (c) => {
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
      },
    )
    .get(
      '/:platform/sample',
      doc('The platform sample order mapping PUTs are checked against, and what the rules in force make of it', { 200: '{platform, payload, mappingVersion, mapped}' }),
      requireScope('ops'),
      validate('param', platformParam),
      async (c) => {
        const platform = platformOf(c.req.valid('param').platform);
        const { rules, version } = await ingest.mappings.rulesFor(platform);
        const payload = samplePayload(platform);
        return c.json({ platform, payload, mappingVersion: version, mapped: applyMapping(rules, payload) });
      },
    );
}
