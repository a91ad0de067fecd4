/**
 * The purchase-probability model: logistic regression (ml-logistic-regression, mljs) over the standardised
 * features of domain/prepack-features.ts, with an intercept. Trained by batch gradient descent in-process —
 * no network, no native code — and stored as JSON (means, scales and the classifier's weights).
 */
// The package's two-class classifier (its default export wraps it one-vs-all, training a redundant second one).
import LogisticRegression from 'ml-logistic-regression/src/logreg_2classes.js';
import { Matrix } from 'ml-matrix';
import { FEATURE_NAMES } from '../domain/prepack-features';

export interface StoredModel {
  featureNames: string[];
  means: number[];
  scales: number[];
  classifier: unknown;
}

export interface TrainOptions {
  /** Gradient steps (default 1500). */
  steps?: number;
}

export class PurchaseModel {
  private constructor(
    readonly stored: StoredModel,
    private readonly regression: LogisticRegression,
  ) {}

  /** Trains on feature vectors (FEATURE_NAMES order) and 0/1 labels; both classes must be present. */
  static train(rows: readonly number[][], labels: readonly (0 | 1)[], opts: TrainOptions = {}): PurchaseModel {
    if (rows.length === 0 || !labels.includes(0) || !labels.includes(1)) throw new Error('training needs examples of both buyers and non-buyers');
    const k = rows[0]!.length;
    const means = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
    const scales = Array.from({ length: k }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - means[j]!) ** 2, 0) / rows.length) || 1);
    const X = design(rows, means, scales);
    // The library's gradient is a sum over the examples: the step is scaled by 1/n so it converges whatever n.
    const regression = new LogisticRegression({ numSteps: opts.steps ?? 1500, learningRate: 1.5 / rows.length });
    regression.train(X, Matrix.columnVector([...labels]));
    return new PurchaseModel({ featureNames: [...FEATURE_NAMES], means, scales, classifier: regression.toJSON() }, regression);
  }

  static load(stored: StoredModel): PurchaseModel {
    if (stored.featureNames.join() !== FEATURE_NAMES.join()) throw new Error(`model features ${stored.featureNames.join()} are not ${FEATURE_NAMES.join()}`);
    return new PurchaseModel(stored, LogisticRegression.load(stored.classifier));
  }

  /** Probability of a purchase for each feature vector. */
  predict(rows: readonly number[][]): number[] {
    if (rows.length === 0) return [];
    return this.regression.testScores(design(rows, this.stored.means, this.stored.scales));
  }
}

function design(rows: readonly number[][], means: readonly number[], scales: readonly number[]): Matrix {
  return new Matrix(rows.map((r) => [1, ...r.map((v, j) => (v - means[j]!) / scales[j]!)]));
}
