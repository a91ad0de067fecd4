/**
 * The carrier rule set — one stored row (`default`), or no rules (the default carrier ships everything) when
 * none was ever stored — and the carrier chosen for each pick task when it opened.
 */
import { eq } from 'drizzle-orm';
import { carrierRuleSetSchema, DEFAULT_CARRIER_RULES, type CarrierRuleSet } from '../../domain/carrier-rules';
import type { DbOrTx } from '../client';
import { carrierRules, warehouseTasks } from '../schema';
import { ruleSetStore, type StoredRules } from './rule-sets';

export type StoredCarrierRules = StoredRules<CarrierRuleSet['rules']>;

const store = ruleSetStore(carrierRules, carrierRuleSetSchema, DEFAULT_CARRIER_RULES, 'carrier rule set');

/** The rule set in force: the stored one, or none (default carrier) when none was stored or it no longer parses. */
export const loadCarrierRules = store.load;
export const saveCarrierRules = store.save;

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
