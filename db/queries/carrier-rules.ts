/**
 * The carrier rule set — one stored row (`default`), or no rules (the default carrier ships everything) when
 * none was ever stored — and the carrier chosen for each pick task when it opened.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { carrierRuleSetSchema, DEFAULT_CARRIER_RULES, type CarrierRuleSet } from '../../domain/carrier-rules';
import type { DbOrTx } from '../client';
import { carrierRules, warehouseTasks } from '../schema';

const RULES_ID = 'default';

export interface StoredCarrierRules {
  rules: CarrierRuleSet['rules'];
  /** 0 while no set was ever stored; each PUT adds one. */
  version: number;
  updatedAt: Date | null;
  source: 'default' | 'stored';
}

/** The rule set in force: the stored one, or none (default carrier) when none was stored or it no longer parses. */
export async function loadCarrierRules(db: DbOrTx): Promise<StoredCarrierRules & { invalid?: string }> {
  const [row] = await db.select().from(carrierRules).where(eq(carrierRules.id, RULES_ID));
  if (!row) return { ...DEFAULT_CARRIER_RULES, version: 0, updatedAt: null, source: 'default' };
  const parsed = carrierRuleSetSchema.safeParse(row.rules);
  if (!parsed.success) {
    return { ...DEFAULT_CARRIER_RULES, version: row.version, updatedAt: row.updatedAt, source: 'default', invalid: z.prettifyError(parsed.error) };
  }
  return { rules: parsed.data.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
}

export async function saveCarrierRules(db: DbOrTx, ruleSet: CarrierRuleSet): Promise<StoredCarrierRules> {
  const [row] = await db
    .insert(carrierRules)
    .values({ id: RULES_ID, rules: ruleSet, version: 1 })
    .onConflictDoUpdate({
      target: carrierRules.id,
      set: { rules: ruleSet, version: sql`${carrierRules.version} + 1`, updatedAt: sql`now()` },
    })
    .returning();
  if (!row) throw new Error('carrier rule set upsert returned no row');
  return { rules: ruleSet.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
}

/** The carrier recorded on a pick task (null on tasks opened before carrier rules); undefined when there is no such task. */
export async function taskCarrier(db: DbOrTx, taskId: string): Promise<{ carrier: string | null; carrierRuleId: string | null } | undefined> {
  const [row] = await db
    .select({ carrier: warehouseTasks.carrier, carrierRuleId: warehouseTasks.carrierRuleId })
    .from(warehouseTasks)
    .where(eq(warehouseTasks.id, taskId));
  return row;
}

/**
 * Locks the task row for the rest of the transaction and tells whether it still needs its carrier: true only
 * for a task just opened (an activity retried after the first attempt committed finds the carrier there, so the
 * choice and its announcement happen once).
 */
export async function claimTaskCarrier(tx: DbOrTx, taskId: string): Promise<boolean> {
  const [row] = await tx.select({ carrier: warehouseTasks.carrier }).from(warehouseTasks).where(eq(warehouseTasks.id, taskId)).for('update');
  return row !== undefined && row.carrier === null;
}

export async function setTaskCarrier(tx: DbOrTx, taskId: string, carrier: string, carrierRuleId: string | null): Promise<void> {
  await tx.update(warehouseTasks).set({ carrier, carrierRuleId }).where(eq(warehouseTasks.id, taskId));
}
