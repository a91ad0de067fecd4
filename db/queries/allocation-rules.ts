/** The allocation rule set: one stored row (`default`), or the built-in default when none was ever stored. */
import { allocationRuleSetSchema, DEFAULT_ALLOCATION_RULES, type AllocationRuleSet } from '../../domain/allocation';
import { allocationRules } from '../schema';
import { ruleSetStore, type StoredRules } from './rule-sets';

export type StoredRuleSet = StoredRules<AllocationRuleSet['rules']>;

const store = ruleSetStore(allocationRules, allocationRuleSetSchema, DEFAULT_ALLOCATION_RULES, 'allocation rule set');

/** The rule set in force: the stored one, or the default when none was ever stored (or it no longer parses). */
export const loadRuleSet = store.load;
export const saveRuleSet = store.save;
