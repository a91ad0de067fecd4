/** The two-class classifier of ml-logistic-regression (mljs ships no types): the part the pre-pack model uses. */
declare module 'ml-logistic-regression/src/logreg_2classes.js' {
  import type { Matrix } from 'ml-matrix';
  export default class LogisticRegressionTwoClasses {
    constructor(options?: { numSteps?: number; learningRate?: number; weights?: number[][] | Matrix | null });
    weights: Matrix | null;
    train(features: Matrix, target: Matrix): void;
    testScores(features: Matrix): number[];
    toJSON(): unknown;
    static load(model: unknown): LogisticRegressionTwoClasses;
  }
}
