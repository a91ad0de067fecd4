/**
 * Generated shoppers with a known ground truth, for the benchmark and the demo. Each customer has a taste
 * (a favourite category), a spend level (their VIP tier) and a purchase rhythm. Interest comes in episodes:
 * the customer looks at one SKU for a while with a hidden intent; the intent shapes the behaviour (more
 * views, longer dwell, cart adds, favourites) and decides, with a known probability, whether they pay for it
 * within a day. The model only sees the behaviour and the paid orders; the truth is kept beside them.
 */
import type { BehaviourType, PastPurchase } from '../domain/prepack-features';
import { seededRandom } from '../domain/random';

export interface GeneratedEvent {
  eventId: string;
  phone: string;
  sku: string;
  type: BehaviourType;
  atMs: number;
  dwellSeconds: number;
}

export interface GeneratedPurchase extends PastPurchase {
  phone: string;
}

export interface GeneratedHistory {
  events: GeneratedEvent[];
  purchases: GeneratedPurchase[];
  categories: Map<string, string>;
  /** Per episode: its customer, SKU, start and the true probability it ended in a purchase. */
  episodes: { phone: string; sku: string; startMs: number; probability: number; bought: boolean }[];
}

export interface GenerateOptions {
  seed: number;
  customers: number;
  skus: number;
  categories: number;
  startMs: number;
  days: number;
  /** Interest episodes per customer per day (on average). */
  episodesPerDay?: number;
}

/** A seeded generator, so a run can be repeated exactly. */
export const seeded: (seed: number) => () => number = seededRandom;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function generateHistory(o: GenerateOptions): GeneratedHistory {
  const rnd = seeded(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const poisson = (mean: number) => {
    let k = 0;
    for (let p = Math.exp(-mean), s = rnd(); s > p; s *= rnd()) k++;
    return k;
  };
  const skuIds = Array.from({ length: o.skus }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
  const categories = new Map(skuIds.map((s, i) => [s, `cat-${(i % o.categories) + 1}`]));
  const priceFen = new Map(skuIds.map((s, i) => [s, 9_900 + (i % 7) * 20_000]));
  const events: GeneratedEvent[] = [];
  const purchases: GeneratedPurchase[] = [];
  const episodes: GeneratedHistory['episodes'] = [];
  let eventNo = 0;

  for (let c = 0; c < o.customers; c++) {
    const phone = `139${String(10_000_000 + c * 7919).slice(-8)}`;
    const taste = `cat-${1 + Math.floor(rnd() * o.categories)}`;
    const spender = rnd(); // > 0.8: big spender (high VIP tier)
    const loyal = rnd(); // how often they buy at all
    const inTaste = skuIds.filter((s) => categories.get(s) === taste);
    // Earlier purchases (the year before): their rhythm, spend and taste.
    const pastOrders = Math.floor(loyal * 8 + (spender > 0.8 ? 6 : 0));
    for (let k = 0; k < pastOrders; k++) {
      const sku = rnd() < 0.7 && inTaste.length ? inTaste[Math.floor(rnd() * inTaste.length)]! : skuIds[Math.floor(rnd() * skuIds.length)]!;
      const quantity = spender > 0.8 ? 1 + Math.floor(rnd() * 4) : 1;
      purchases.push({ phone, sku, category: categories.get(sku)!, quantity, amountFen: quantity * priceFen.get(sku)!, atMs: o.startMs - Math.floor(rnd() * 300) * DAY - DAY });
    }
    const customerBoost = (spender > 0.8 ? 0.8 : 0) + (loyal - 0.5);
    const perDay = o.episodesPerDay ?? 0.3;
    for (let t = o.startMs + rnd() * (DAY / perDay); t < o.startMs + o.days * DAY; t += (-Math.log(1 - rnd()) * DAY) / perDay) {
      const sku = rnd() < 0.6 && inTaste.length ? inTaste[Math.floor(rnd() * inTaste.length)]! : skuIds[Math.floor(rnd() * skuIds.length)]!;
      const affinity = categories.get(sku) === taste ? 0.6 : -0.3;
      const intent = normal() + customerBoost + affinity - 1;
      const level = sigmoid(intent);
      // Behaviour follows the intent, noisily.
      const views = 1 + poisson(1 + 5 * level);
      const carts = poisson(3 * level * level);
      const favourite = rnd() < 0.4 * level;
      const span = HOUR * (0.2 + 5 * rnd());
      for (let v = 0; v < views; v++) {
        const at = t + rnd() * span;
        events.push({ eventId: `ev-${o.seed}-${eventNo++}`, phone, sku, type: 'view', atMs: Math.floor(at), dwellSeconds: Math.round(5 + (20 + 160 * level) * -Math.log(1 - rnd())) });
      }
      for (let v = 0; v < carts; v++) events.push({ eventId: `ev-${o.seed}-${eventNo++}`, phone, sku, type: 'cart', atMs: Math.floor(t + rnd() * span), dwellSeconds: 0 });
      if (favourite) events.push({ eventId: `ev-${o.seed}-${eventNo++}`, phone, sku, type: 'favourite', atMs: Math.floor(t + rnd() * span), dwellSeconds: 0 });
      // The known truth: this episode ends in a purchase with this probability.
      const probability = sigmoid(-6 + 8 * level + 1.5 * Math.min(carts, 3) + (favourite ? 1 : 0) + (spender > 0.8 ? 0.8 : 0));
      const bought = rnd() < probability;
      episodes.push({ phone, sku, startMs: Math.floor(t), probability, bought });
      if (bought) {
        const atMs = Math.floor(t + span + rnd() * 10 * HOUR);
        purchases.push({ phone, sku, category: categories.get(sku)!, quantity: 1, amountFen: priceFen.get(sku)!, atMs });
      }
    }
  }
  events.sort((a, b) => a.atMs - b.atMs);
  return { events, purchases, categories, episodes };
}
