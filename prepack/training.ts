/**
 * From history to a judged model: examples are customer × SKU pairs with behaviour in the week before a
 * cut-off, their features computed by `featuresOf` at the cut-off (the same call the scoring job makes at
 * "now"), labelled by whether the customer paid for that SKU within the horizon after it. The model learns
 * on cut-offs whose horizon closed before `trainTo` and is judged on a later, held-back window it never saw.
 */
import { evaluate, type Evaluation } from '../domain/prepack';
import { featuresOf, featureVector, type BehaviourEvent, type PastPurchase } from '../domain/prepack-features';
import { PurchaseModel } from './model';

export interface History {
  events: readonly (BehaviourEvent & { customerKey: string })[];
  purchases: ReadonlyMap<string, readonly PastPurchase[]>;
  categories: ReadonlyMap<string, string | null>;
}

export interface Example {
  customerKey: string;
  sku: string;
  atMs: number;
  features: number[];
  label: 0 | 1;
}

/**
 * Only pairs active shortly before the cut-off are examples: the scoring job only looks at pairs with new
 * behaviour, so the model learns on the population it will score.
 */
export const ACTIVE_WINDOW_MS = 6 * 3600_000;

/** Examples at one cut-off: every pair with behaviour in the ACTIVE_WINDOW_MS before it (features still read the whole week). */
export function examplesAt(history: History, byCustomer: ReadonlyMap<string, BehaviourEvent[]>, atMs: number, horizonMs: number): Example[] {
  const out: Example[] = [];
  for (const [customerKey, events] of byCustomer) {
    const skus = new Set(events.filter((e) => e.atMs < atMs && e.atMs >= atMs - ACTIVE_WINDOW_MS).map((e) => e.sku));
    if (skus.size === 0) continue;
    const purchases = history.purchases.get(customerKey) ?? [];
    for (const sku of skus) {
      const features = featuresOf({ sku, category: history.categories.get(sku) ?? null, events, purchases, atMs });
      const label = purchases.some((p) => p.sku === sku && p.atMs >= atMs && p.atMs < atMs + horizonMs) ? 1 : 0;
      out.push({ customerKey, sku, atMs, features: featureVector(features), label });
    }
  }
  return out;
}

export function groupEvents(history: History): Map<string, BehaviourEvent[]> {
  const byCustomer = new Map<string, BehaviourEvent[]>();
  for (const e of history.events) {
    const list = byCustomer.get(e.customerKey) ?? [];
    list.push(e);
    byCustomer.set(e.customerKey, list);
  }
  return byCustomer;
}

export interface TrainingWindow {
  trainFromMs: number;
  /** Train cut-offs end so that their horizon closes by here; the test window starts here. */
  trainToMs: number;
  testToMs: number;
  /** Distance between cut-offs. */
  stepMs: number;
  /** A purchase within this long after a cut-off is a "bought". */
  horizonMs: number;
  threshold: number;
  steps?: number;
}

export interface TrainingResult {
  model: PurchaseModel;
  evaluation: Evaluation;
  trainExamples: number;
  test: (Example & { probability: number })[];
}

export function trainAndEvaluate(history: History, w: TrainingWindow): TrainingResult {
  const byCustomer = groupEvents(history);
  const collect = (from: number, to: number) => {
    const out: Example[] = [];
    for (let at = from; at + w.horizonMs <= to; at += w.stepMs) out.push(...examplesAt(history, byCustomer, at, w.horizonMs));
    return out;
  };
  const train = collect(w.trainFromMs, w.trainToMs);
  const test = collect(w.trainToMs, w.testToMs);
  const model = PurchaseModel.train(
    train.map((e) => e.features),
    train.map((e) => e.label),
    w.steps !== undefined ? { steps: w.steps } : {},
  );
  const probabilities = model.predict(test.map((e) => e.features));
  const scored = test.map((e, i) => ({ ...e, probability: probabilities[i]! }));
  return { model, evaluation: evaluate(scored, w.threshold), trainExamples: train.length, test: scored };
}
