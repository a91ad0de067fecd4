/**
 * The field mapping in force per platform: the rule set stored in PostgreSQL (`PUT /v1/channels/:platform/mapping`)
 * or, until one is stored, the adapter's built-in default. Cached briefly so the consumer does not read
 * PostgreSQL for every order; a save in this process takes effect at once, in other processes within `ttlMs`.
 */
import { adapterFor } from '../channels';
import type { Platform } from '../channels/types';
import type { Db } from '../db/client';
import { loadFieldMapping, saveFieldMapping } from '../db/queries/ingest';
import type { MappingRuleSet } from '../domain/mapping';

export interface MappingInForce {
  platform: Platform;
  rules: MappingRuleSet;
  /** 0 for the built-in default. */
  version: number;
  updatedAt: Date | null;
  source: 'stored' | 'default';
}

export interface MappingStore {
  rulesFor(platform: Platform): Promise<MappingInForce>;
  /** Saves without checking: callers validate against the sample first (`checkAgainstSample`). */
  save(platform: Platform, rules: MappingRuleSet): Promise<MappingInForce>;
}

export function createMappingStore(db: Db, { ttlMs = 2_000 }: { ttlMs?: number } = {}): MappingStore {
  const cache = new Map<Platform, { value: MappingInForce; until: number }>();

  return {
    async rulesFor(platform) {
      const hit = cache.get(platform);
      if (hit && hit.until > Date.now()) return hit.value;
      const row = await loadFieldMapping(db, platform);
      const value: MappingInForce = row
        ? { platform, rules: row.rules as MappingRuleSet, version: row.version, updatedAt: row.updatedAt, source: 'stored' }
        : { platform, rules: adapterFor(platform).mapping, version: 0, updatedAt: null, source: 'default' };
      cache.set(platform, { value, until: Date.now() + ttlMs });
      return value;
    },

    async save(platform, rules) {
      const row = await saveFieldMapping(db, platform, rules);
      const value: MappingInForce = { platform, rules: row.rules as MappingRuleSet, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
      cache.set(platform, { value, until: Date.now() + ttlMs });
      return value;
    },
  };
}
