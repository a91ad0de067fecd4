import { Hono } from 'hono';
import type { Carriers } from '../../carriers';
import { CARRIER_NAMES } from '../../carriers/types';
import type { Db } from '../../db/client';
import { loadCarrierRules, saveCarrierRules } from '../../db/queries/carrier-rules';
import { carrierRuleSetSchema } from '../../domain/carrier-rules';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

/**
 * `/v1/carrier-rules`: which carrier ships a parcel (SF or JD, by place, weight, urgency, cost), validated;
 * applies to the pick tasks opened from then on. Shown with the default carrier and the configured carriers,
 * since a rule naming a carrier without credentials falls back to the default.
 */
export function carrierRuleRoutes({ db, carriers }: { db: Db; carriers: Carriers }) {
  const setup = () => ({ defaultCarrier: carriers.defaultCarrier, configured: CARRIER_NAMES.filter((c) => carriers.has(c)) });
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('The carrier rule set in force (stored, or none: the default carrier ships); first enabled match wins', {
        200: '{rules, version, updatedAt, source: stored|default, defaultCarrier, configured}',
      }),
      requireScope('orders:read', 'ops', 'warehouse'),
      async (c) => {
        const { invalid: _invalid, ...ruleSet } = await loadCarrierRules(db);
        return c.json({ ...ruleSet, ...setup() });
      },
    )
    .put(
      '/',
      doc('Replace the carrier rule set (validated: known carriers and places, strict conditions, unique ids); applies to pick tasks opened from now on', {
        200: '{rules, version, updatedAt, source, defaultCarrier, configured}',
        400: 'invalid rule set, with field paths',
      }),
      requireScope('admin'),
      validate('json', carrierRuleSetSchema),
      async (c) => c.json({ ...(await saveCarrierRules(db, c.req.valid('json'))), ...setup() }),
    );
}
