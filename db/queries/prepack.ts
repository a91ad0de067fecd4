/**
 * Kept only for bench/prepack.ts, which imports saveModel from here: the pre-pack queries live in
 * behaviour-events.ts, prepack-history.ts, prepack-models.ts and prepacks.ts. Remove once the benchmark imports
 * prepack-models.ts.
 */
export { saveModel } from './prepack-models';
