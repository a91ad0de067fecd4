/**
 * What a parcel costs to send with SF Express or JD Logistics: a first-weight price plus a price per additional
 * kilogram (or part of one), by zone — same province, neighbouring province, far, remote — from the shipping
 * warehouse's province to the receiver's. Integer fen throughout.
 *
 * The tariffs are data (`TARIFFS`), shaped like the contract price sheets the two carriers hand e-commerce
 * shippers (首重 + 续重 per zone). The figures are typical mid-volume contract prices, not any one shipper's
 * contract: replace them with yours. See docs/carriers.md ("Cost model").
 */
import { z } from 'zod';
import type { CarrierName } from '../carriers/types';
import { canonicalProvince, findCity } from './geo';
import type { StockLine } from './stock';

/** The carriers that have a tariff, in the order ties are broken after the default carrier. */
export const FREIGHT_CARRIERS = ['sf', 'jd'] as const satisfies readonly CarrierName[];

/**
 * `same-province` 省内 · `neighbouring` 邻省 (the provinces share a border) · `far` 省外 (the rest of the mainland)
 * · `remote` 偏远 (either end in Xinjiang or Tibet, or a cross-border parcel to or from Hong Kong or Macao).
 */
export const FREIGHT_ZONES = ['same-province', 'neighbouring', 'far', 'remote'] as const;
export type FreightZone = (typeof FREIGHT_ZONES)[number];

export interface Tariff {
  /** 首重: the first kilogram (every parcel pays at least this). */
  readonly firstKgFen: number;
  /** 续重: each further kilogram or part of one. */
  readonly additionalKgFen: number;
}

/**
 * SF 顺丰标快 costs more for the first kilogram and less for each further one than JD 京东标快, as on the
 * carriers' sheets: JD is the cheaper for light parcels, SF for heavy ones; they cost the same at 3 kg on the
 * mainland and at 2 kg to the remote provinces (ties go to the default carrier).
 */
export const TARIFFS: Readonly<Record<CarrierName, Readonly<Record<FreightZone, Tariff>>>> = {
  sf: {
    'same-province': { firstKgFen: 1000, additionalKgFen: 200 },
    neighbouring: { firstKgFen: 1200, additionalKgFen: 400 },
    far: { firstKgFen: 1600, additionalKgFen: 800 },
    remote: { firstKgFen: 2500, additionalKgFen: 1500 },
  },
  jd: {
    'same-province': { firstKgFen: 800, additionalKgFen: 300 },
    neighbouring: { firstKgFen: 1000, additionalKgFen: 500 },
    far: { firstKgFen: 1400, additionalKgFen: 900 },
    remote: { firstKgFen: 2200, additionalKgFen: 1800 },
  },
};

/** Weight of one unit of a SKU whose master data has none (`skus.weight_grams` null, or no SKU row). */
export const DEFAULT_UNIT_WEIGHT_GRAMS = 500;

/** `PUT /v1/skus/:sku` `weightGrams`: one unit with its packaging, 1 g to 100 kg (beyond that it is freight, not a parcel). */
export const unitWeightGramsSchema = z.number().int().min(1).max(100_000);

/** Chargeable weight: whole kilograms, any part of one counts as one, at least one (a 0 g parcel still pays 首重). */
export function chargeableKg(weightGrams: number): number {
  return Math.max(1, Math.ceil(Math.max(0, weightGrams) / 1000));
}

/** The freight of a parcel of `weightGrams` in `zone` with `carrier`, in fen. Monotone in weight and in zone. */
export function freightFen(carrier: CarrierName, zone: FreightZone, weightGrams: number): number {
  const t = TARIFFS[carrier][zone];
  return t.firstKgFen + (chargeableKg(weightGrams) - 1) * t.additionalKgFen;
}

/**
 * A parcel's weight: Σ unit weight × quantity. A SKU without a known weight (no row, null, or not a positive
 * integer) counts `DEFAULT_UNIT_WEIGHT_GRAMS` a unit, so an unweighed catalogue still gets a sensible quote.
 */
export function parcelWeightGrams(
  lines: readonly StockLine[],
  unitWeights: Readonly<Record<string, number | null | undefined>>,
): number {
  return lines.reduce((sum, l) => {
    const w = Object.hasOwn(unitWeights, l.sku) ? unitWeights[l.sku] : undefined;
    return sum + (typeof w === 'number' && Number.isInteger(w) && w > 0 ? w : DEFAULT_UNIT_WEIGHT_GRAMS) * l.quantity;
  }, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Zones

export interface Place {
  readonly province?: string | null | undefined;
  readonly city?: string | null | undefined;
}

/** The official province name of an address (from its city when the province field is missing or odd). */
export function provinceOf(place: Place): string | undefined {
  return findCity(place)?.province ?? canonicalProvince(place.province);
}

/** 偏远: the carriers' remote surcharge zone, and the two SARs (a customs declaration, priced like it). */
const REMOTE = new Set(['新疆', '西藏', '香港', '澳门'].map((p) => canonicalProvince(p)!));

/** Provinces that share a land border (and 广东–海南, 20 km across the Qiongzhou Strait, one ferry apart). */
const BORDERS: readonly (readonly [string, string])[] = [
  ['北京', '天津'], ['北京', '河北'], ['天津', '河北'],
  ['河北', '山西'], ['河北', '内蒙古'], ['河北', '辽宁'], ['河北', '山东'], ['河北', '河南'],
  ['山西', '内蒙古'], ['山西', '陕西'], ['山西', '河南'],
  ['内蒙古', '黑龙江'], ['内蒙古', '吉林'], ['内蒙古', '辽宁'], ['内蒙古', '陕西'], ['内蒙古', '宁夏'], ['内蒙古', '甘肃'],
  ['辽宁', '吉林'], ['吉林', '黑龙江'],
  ['上海', '江苏'], ['上海', '浙江'],
  ['江苏', '浙江'], ['江苏', '安徽'], ['江苏', '山东'],
  ['浙江', '安徽'], ['浙江', '江西'], ['浙江', '福建'],
  ['安徽', '江西'], ['安徽', '湖北'], ['安徽', '河南'], ['安徽', '山东'],
  ['福建', '江西'], ['福建', '广东'],
  ['江西', '湖北'], ['江西', '湖南'], ['江西', '广东'],
  ['山东', '河南'],
  ['河南', '陕西'], ['河南', '湖北'],
  ['湖北', '湖南'], ['湖北', '重庆'], ['湖北', '陕西'],
  ['湖南', '广东'], ['湖南', '广西'], ['湖南', '贵州'], ['湖南', '重庆'],
  ['广东', '广西'], ['广东', '海南'], ['广东', '香港'], ['广东', '澳门'],
  ['广西', '贵州'], ['广西', '云南'],
  ['重庆', '四川'], ['重庆', '贵州'], ['重庆', '陕西'],
  ['四川', '贵州'], ['四川', '云南'], ['四川', '西藏'], ['四川', '青海'], ['四川', '甘肃'], ['四川', '陕西'],
  ['贵州', '云南'], ['云南', '西藏'],
  ['西藏', '新疆'], ['西藏', '青海'],
  ['陕西', '宁夏'], ['陕西', '甘肃'],
  ['甘肃', '宁夏'], ['甘肃', '新疆'], ['甘肃', '青海'],
  ['青海', '新疆'],
];

const NEIGHBOURS = new Map<string, Set<string>>();
for (const [a, b] of BORDERS) {
  const [x, y] = [canonicalProvince(a)!, canonicalProvince(b)!];
  NEIGHBOURS.set(x, (NEIGHBOURS.get(x) ?? new Set()).add(y));
  NEIGHBOURS.set(y, (NEIGHBOURS.get(y) ?? new Set()).add(x));
}

/** The provinces bordering one, by official name (`neighbouring` zone). */
export function neighboursOf(province: string): readonly string[] {
  return [...(NEIGHBOURS.get(canonicalProvince(province) ?? province) ?? [])];
}

/**
 * The zone between the shipping warehouse and the receiver. Within one province is `same-province` even in
 * Xinjiang (the carriers price 省内 alike); otherwise a remote end makes it `remote`. An end whose province is
 * unknown is priced `far`: the middle of the sheet, neither a bargain nor a surcharge nobody can justify.
 */
export function freightZone(from: Place, to: Place): FreightZone {
  const a = provinceOf(from);
  const b = provinceOf(to);
  if (a !== undefined && a === b) return 'same-province';
  if ((a && REMOTE.has(a)) || (b && REMOTE.has(b))) return 'remote';
  if (a && b && NEIGHBOURS.get(a)?.has(b)) return 'neighbouring';
  return 'far';
}
