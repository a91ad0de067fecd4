import { Hono } from 'hono';
import type { Db } from '../../db/client';
import { loadRuleSet, saveRuleSet } from '../../db/queries/allocation-rules';
import { allocationRuleSetSchema } from '../../domain/allocation';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

/** `/v1/allocation/rules`: the allocation rule set, validated; applies to the next allocation. */
export function allocationRuleRoutes({ db }: { db: Db }) {
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('The allocation rule set in force (stored, or the built-in default); first enabled match wins', { 200: '{rules, version, updatedAt, source: stored|default}' }),
      requireScope('orders:read', 'ops'),
      async (c) => {
        const { invalid: _invalid, ...ruleSet } = await loadRuleSet(db);
        return c.json(ruleSet);
      },
    )
    .put(
      '/',
      doc('Replace the allocation rule set (validated: known kinds, strict params, unique ids); applies to the next allocation', {
        200: '{rules, version, updatedAt, source}',
        400: 'invalid rule set, with field paths',
      }),
      requireScope('admin'),
      validate('json', allocationRuleSetSchema),
      async (c) => c.json(await saveRuleSet(db, c.req.valid('json'))),
    );
}
