/**
 * Purchase-probability features of one customer × SKU at one moment. The ONLY place features are computed:
 * the scoring job (online, at "now") and the training job and benchmark (offline, at past cut-offs) call
 * `featuresOf` with the same kind of input, so a model never sees a feature computed two ways.
 *
 * Pure: no clock, no I/O. Everything strictly before `at` counts; nothing at or after it does (no leakage
 * of the outcome into its own features).
 */

export const BEHAVIOUR_TYPES = ['view', 'cart', 'favourite'] as const;
export type BehaviourType = (typeof BEHAVIOUR_TYPES)[number];

export interface BehaviourEvent {
  sku: string;
  type: BehaviourType;
  atMs: number;
  dwellSeconds: number;
}

/** One paid order line of the customer (any SKU). */
export interface PastPurchase {
  sku: string;
  /** The SKU's category, when known. */
  category: string | null;
  quantity: number;
  amountFen: number;
  atMs: number;
}

export interface FeatureInput {
  sku: string;
  category: string | null;
  /** The customer's behaviour events (any SKU; those on other SKUs are ignored). */
  events: readonly BehaviourEvent[];
  /** The customer's past purchases (any SKU). */
  purchases: readonly PastPurchase[];
  atMs: number;
}

/** Behaviour older than this says nothing about a purchase now. */
export const BEHAVIOUR_WINDOW_MS = 7 * 24 * 3600_000;
/** Purchase history looked at. */
export const HISTORY_WINDOW_MS = 365 * 24 * 3600_000;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** VIP tier from the last year's spend (fen): 0 none, 1 ≥ ¥500, 2 ≥ ¥2,000, 3 ≥ ¥10,000. */
export function vipTier(spendFen: number): 0 | 1 | 2 | 3 {
  if (spendFen >= 1_000_000) return 3;
  if (spendFen >= 200_000) return 2;
  if (spendFen >= 50_000) return 1;
  return 0;
}

export const FEATURE_NAMES = [
  'views',
  'cartAdds',
  'favourited',
  'dwell',
  'recency',
  'sessions',
  'purchases',
  'purchaseRecency',
  'skuBoughtBefore',
  'categoryAffinity',
  'vipTier',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

/**
 * - views, cartAdds: log(1 + count) of the SKU's views / cart adds in the behaviour window;
 * - favourited: 1 when favourited in the window;
 * - dwell: log(1 + total seconds on the SKU's page) in the window;
 * - recency: exp(−hours since the last event on the SKU / 24), 0 without one;
 * - sessions: distinct days (24 h buckets before `at`) with an event on the SKU, of 7;
 * - purchases: log(1 + paid orders) in the history window, any SKU;
 * - purchaseRecency: exp(−days since the last purchase / 30), 0 without one;
 * - skuBoughtBefore: log(1 + units of this SKU bought);
 * - categoryAffinity: share of the units bought that were of this SKU's category (0 when unknown);
 * - vipTier: `vipTier(spend)` / 3.
 */
export function featuresOf(input: FeatureInput): Features {
  const { sku, category, atMs } = input;
  let views = 0;
  let cartAdds = 0;
  let favourited = 0;
  let dwell = 0;
  let last = -Infinity;
  const days = new Set<number>();
  for (const e of input.events) {
    if (e.sku !== sku || e.atMs >= atMs || e.atMs < atMs - BEHAVIOUR_WINDOW_MS) continue;
    if (e.type === 'view') views++;
    else if (e.type === 'cart') cartAdds++;
    else favourited = 1;
    dwell += Math.max(0, e.dwellSeconds);
    if (e.atMs > last) last = e.atMs;
    days.add(Math.floor((atMs - e.atMs) / DAY));
  }
  const orderTimes = new Set<number>();
  let lastPurchase = -Infinity;
  let units = 0;
  let inCategory = 0;
  let skuUnits = 0;
  let spend = 0;
  for (const p of input.purchases) {
    if (p.atMs >= atMs || p.atMs < atMs - HISTORY_WINDOW_MS) continue;
    orderTimes.add(p.atMs);
    if (p.atMs > lastPurchase) lastPurchase = p.atMs;
    units += p.quantity;
    spend += p.amountFen;
    if (p.sku === sku) skuUnits += p.quantity;
    if (category !== null && p.category === category) inCategory += p.quantity;
  }
  return {
    views: Math.log1p(views),
    cartAdds: Math.log1p(cartAdds),
    favourited,
    dwell: Math.log1p(dwell),
    recency: Number.isFinite(last) ? Math.exp(-(atMs - last) / HOUR / 24) : 0,
    sessions: days.size / 7,
    purchases: Math.log1p(orderTimes.size),
    purchaseRecency: Number.isFinite(lastPurchase) ? Math.exp(-(atMs - lastPurchase) / DAY / 30) : 0,
    skuBoughtBefore: Math.log1p(skuUnits),
    categoryAffinity: units > 0 ? inCategory / units : 0,
    vipTier: vipTier(spend) / 3,
  };
}

export const featureVector = (f: Features): number[] => FEATURE_NAMES.map((n) => f[n]);
