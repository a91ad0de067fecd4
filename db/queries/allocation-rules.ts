/** The allocation rule set: one stored row (`default`), or the built-in default when none was ever stored. */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { allocationRuleSetSchema, DEFAULT_ALLOCATION_RULES, type AllocationRuleSet } from '../../domain/allocation';
import type { DbOrTx } from '../client';
import { allocationRules } from '../schema';

const RULES_ID = 'default';

export interface StoredRuleSet {
  rules: AllocationRuleSet['rules'];
  /** 0 while the built-in default applies; each PUT adds one. */
  version: number;
  updatedAt: Date | null;
  source: 'default' | 'stored';
}

/** The rule set in force: the stored one, or the default when none was ever stored (or it no longer parses). */
export async function loadRuleSet(db: DbOrTx): Promise<StoredRuleSet & { invalid?: string }> {
  const [row] = await db.select().from(allocationRules).where(eq(allocationRules.id, RULES_ID));
  if (!row) return { ...DEFAULT_ALLOCATION_RULES, version: 0, updatedAt: null, source: 'default' };
  const parsed = allocationRuleSetSchema.safeParse(row.rules);
  if (!parsed.success) {
    return { ...DEFAULT_ALLOCATION_RULES, version: row.version, updatedAt: row.updatedAt, source: 'default', invalid: z.prettifyError(parsed.error) };
  }
  return { rules: parsed.data.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
}

export async function saveRuleSet(db: DbOrTx, ruleSet: AllocationRuleSet): Promise<StoredRuleSet> {
  const [row] = await db
    .insert(allocationRules)
    .values({ id: RULES_ID, rules: ruleSet, version: 1 })
    .onConflictDoUpdate({
      target: allocationRules.id,
      set: { rules: ruleSet, version: sql`${allocationRules.version} + 1`, updatedAt: sql`now()` },
    })
    .returning();
  if (!row) throw new Error('rule set upsert returned no row');
  return { rules: ruleSet.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
}
