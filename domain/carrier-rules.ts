/**
 * Which carrier ships a parcel, SF or JD: chosen by rules that are DATA — by the receiver's province or city,
 * the parcel's weight, urgency and freight cost — an ordered list, first match wins, stored in PostgreSQL and
 * edited through PUT /v1/carrier-rules, so `carrierRuleSetSchema` is the contract. A rule names a carrier or
 * asks for the cheapest by the cost models (domain/freight.ts). When no rule matches, the configured default
 * carrier (DEFAULT_CARRIER) ships. Pure: the activity that opens the pick task brings the facts.
 */
import { z } from 'zod';
import { ruleSetSchema } from './rule-set';
import type { CarrierName } from '../carriers/types';
import { chargeableKg, FREIGHT_CARRIERS, freightFen, freightZone, provinceOf, type FreightZone, type Place } from './freight';
import { canonicalProvince, findCity } from './geo';

// ---------------------------------------------------------------------------------------------------------
// Rules (data)

const grams = z.number().int().min(0).max(1_000_000);
const placeNames = (max: number) => z.array(z.string().trim().min(1).max(64)).min(1).max(max);

const whenSchema = z
  .object({
    /** The receiver is in one of these provinces, however written (新疆, 新疆维吾尔自治区, Xinjiang) … */
    provinces: placeNames(40).optional(),
    /** … or in one of these cities (a name no two provinces share: 深圳, 恩施州). Either list matching is enough. */
    cities: placeNames(400).optional(),
    /** The parcel weighs at least / at most this much (Σ unit weight × quantity), both inclusive. */
    minWeightGrams: grams.optional(),
    maxWeightGrams: grams.optional(),
    /** Only urgent (true) or only ordinary (false) orders. */
    urgent: z.boolean().optional(),
    /** The carrier the rule picks costs at most this for the parcel, by its cost model; otherwise the next rule is tried. */
    maxCostFen: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict()
  .superRefine((when, ctx) => {
    // A place nobody can ship to would make the rule silently dead: refuse it with the entry's path.
    when.provinces?.forEach((name, i) => {
      if (!canonicalProvince(name)) ctx.addIssue({ code: 'custom', path: ['provinces', i], message: `unknown province "${name}"` });
    });
    when.cities?.forEach((name, i) => {
      if (!findCity({ city: name })) ctx.addIssue({ code: 'custom', path: ['cities', i], message: `unknown city "${name}", or one several provinces share` });
    });
    if (when.minWeightGrams !== undefined && when.maxWeightGrams !== undefined && when.maxWeightGrams < when.minWeightGrams) {
      ctx.addIssue({ code: 'custom', path: ['maxWeightGrams'], message: 'maxWeightGrams is below minWeightGrams' });
    }
  });

/** A named carrier, or the one whose cost model prices the parcel lowest among the configured carriers. */
export const CARRIER_PICKS = [...FREIGHT_CARRIERS, 'cheapest'] as const;
export type CarrierPick = (typeof CARRIER_PICKS)[number];

export const carrierRuleSchema = z
  .object({
    /** Stable name, recorded on the task and the shipment as `carrierRuleId`; unique within a set. */
    id: z.string().trim().min(1).max(64),
    enabled: z.boolean().default(true),
    /** Every condition given must hold; none given matches every parcel (a catch-all). */
    when: whenSchema.prefault({}),
    carrier: z.enum(CARRIER_PICKS),
  })
  .strict();

export const carrierRuleSetSchema = ruleSetSchema(carrierRuleSchema, { max: 64 });

export type CarrierRule = z.output<typeof carrierRuleSchema>;
export type CarrierRuleSet = z.output<typeof carrierRuleSetSchema>;
/** What PUT /v1/carrier-rules accepts: `enabled` and `when` may be left out. */
export type CarrierRuleSetInput = z.input<typeof carrierRuleSetSchema>;

/** No rules: every parcel goes with the default carrier, as before carrier rules existed. */
export const DEFAULT_CARRIER_RULES: CarrierRuleSet = { rules: [] };

// ---------------------------------------------------------------------------------------------------------
// Choosing

/** What the rules look at: one parcel, from the warehouse that ships it to the receiver. */
export interface ParcelFacts {
  readonly from: Place;
  readonly to: Place;
  readonly weightGrams: number;
  readonly urgent: boolean;
}

export interface CarrierSetup {
  /** DEFAULT_CARRIER: ships when no rule matches. Always configured. */
  readonly defaultCarrier: CarrierName;
  /** The carriers this deployment has credentials for; `cheapest` chooses among them. */
  readonly configured: readonly CarrierName[];
}

export interface CarrierChoice {
  readonly carrier: CarrierName;
  /** The rule that chose the carrier; null when the default carrier ships (no rule matched, or the rule's carrier is not configured). */
  readonly ruleId: string | null;
  /** The parcel's freight with that carrier, by its cost model. */
  readonly costFen: number;
  readonly zone: FreightZone;
  /** Why, in words for the log and the ops screen. */
  readonly reason: string;
  /** Set when the matching rule names a carrier this deployment cannot book, so the default stood in. */
  readonly unconfigured?: { readonly ruleId: string; readonly carrier: CarrierName };
}

export function chooseCarrier(facts: ParcelFacts, ruleSet: CarrierRuleSet, setup: CarrierSetup): CarrierChoice {
  const zone = freightZone(facts.from, facts.to);
  const cost = (carrier: CarrierName) => freightFen(carrier, zone, facts.weightGrams);
  const parcel = `${zone}, ${chargeableKg(facts.weightGrams)} kg`;
  const destination = placeKeys(facts.to);
  const fallback = setup.defaultCarrier;

  for (const rule of ruleSet.rules) {
    if (!rule.enabled || !matches(rule.when, destination, facts)) continue;
    const carrier = rule.carrier === 'cheapest' ? cheapest(setup, cost) : rule.carrier;
    const costFen = cost(carrier);
    if (rule.when.maxCostFen !== undefined && costFen > rule.when.maxCostFen) continue;
    if (!setup.configured.includes(carrier)) {
      return {
        carrier: fallback,
        ruleId: null,
        costFen: cost(fallback),
        zone,
        reason: `rule ${rule.id} picks ${carrier}, which is not configured; the default carrier ${fallback} ships (${parcel}, ${yuan(cost(fallback))})`,
        unconfigured: { ruleId: rule.id, carrier },
      };
    }
    const how = rule.carrier === 'cheapest' ? `the cheapest, ${carrier}` : carrier;
    return { carrier, ruleId: rule.id, costFen, zone, reason: `rule ${rule.id}: ${how} (${parcel}, ${yuan(costFen)})` };
  }
  return { carrier: fallback, ruleId: null, costFen: cost(fallback), zone, reason: `no carrier rule matched; the default carrier ${fallback} (${parcel}, ${yuan(cost(fallback))})` };
}

/** Lowest cost among the configured carriers; a tie goes to the default carrier (no reason to switch), then by name order. */
function cheapest(setup: CarrierSetup, cost: (c: CarrierName) => number): CarrierName {
  const candidates = FREIGHT_CARRIERS.filter((c) => setup.configured.includes(c));
  const ranked = [setup.defaultCarrier, ...candidates.filter((c) => c !== setup.defaultCarrier)];
  return ranked.reduce((best, c) => (cost(c) < cost(best) ? c : best));
}

interface PlaceKeys {
  readonly province: string | undefined;
  /** `province/city`, official names. */
  readonly city: string | undefined;
}

function placeKeys(place: Place): PlaceKeys {
  const city = findCity(place);
  return { province: provinceOf(place), city: city ? `${city.province}/${city.city}` : undefined };
}

function matches(when: CarrierRule['when'], to: PlaceKeys, facts: ParcelFacts): boolean {
  if (when.provinces || when.cities) {
    const inProvince = when.provinces?.some((p) => to.province !== undefined && canonicalProvince(p) === to.province) ?? false;
    const inCity = when.cities?.some((name) => to.city !== undefined && placeKeys({ city: name }).city === to.city) ?? false;
    if (!inProvince && !inCity) return false;
  }
  if (when.minWeightGrams !== undefined && facts.weightGrams < when.minWeightGrams) return false;
  if (when.maxWeightGrams !== undefined && facts.weightGrams > when.maxWeightGrams) return false;
  if (when.urgent !== undefined && facts.urgent !== when.urgent) return false;
  return true;
}

function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}
