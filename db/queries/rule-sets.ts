/**
 * A rule set kept as data in a one-row table (`default`): allocation rules, carrier rules. Reading falls back
 * to the built-in default when none was ever stored, or when the stored one no longer parses (then `invalid`
 * says why, for the log); each save adds one to the version.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../client';
import { allocationRules, carrierRules } from '../schema';

const RULES_ID = 'default';

/** The rule-set tables share their columns (id, rules, version, updatedAt). */
type RuleSetTable = typeof allocationRules | typeof carrierRules;

export interface StoredRules<R> {
  rules: R;
  /** 0 while the built-in default applies; each save adds one. */
  version: number;
  updatedAt: Date | null;
  source: 'default' | 'stored';
}

export function ruleSetStore<S extends z.ZodType<{ rules: unknown[] }>>(ruleTable: RuleSetTable, schema: S, defaults: z.output<S>, what: string) {
  type Rules = z.output<S>['rules'];
  // Same columns, so one of the two types serves for both (drizzle cannot query a union of tables).
  const table = ruleTable as typeof allocationRules;
  return {
    /** The rule set in force: the stored one, or the default when none was ever stored (or it no longer parses). */
    async load(db: DbOrTx): Promise<StoredRules<Rules> & { invalid?: string }> {
      const [row] = await db.select().from(table).where(eq(table.id, RULES_ID));
      if (!row) return { rules: defaults.rules, version: 0, updatedAt: null, source: 'default' };
      const parsed = schema.safeParse(row.rules);
      if (!parsed.success) {
        return { rules: defaults.rules, version: row.version, updatedAt: row.updatedAt, source: 'default', invalid: z.prettifyError(parsed.error) };
      }
      return { rules: parsed.data.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
    },

    async save(db: DbOrTx, ruleSet: z.output<S>): Promise<StoredRules<Rules>> {
      const [row] = await db
        .insert(table)
        .values({ id: RULES_ID, rules: ruleSet, version: 1 })
        .onConflictDoUpdate({ target: table.id, set: { rules: ruleSet, version: sql`${table.version} + 1`, updatedAt: sql`now()` } })
        .returning();
      if (!row) throw new Error(`${what} upsert returned no row`);
      return { rules: ruleSet.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
    },
  };
}
