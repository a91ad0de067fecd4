/**
 * Pre-pack rules, pure: how a model is judged on a held-back window, and which
 * scored candidates get a pre-pack (threshold, one open per customer × SKU, not reopened after an expiry
 * until new behaviour, a daily cap per warehouse).
 */

export interface Scored {
  probability: number;
  label: 0 | 1;
}

export interface CalibrationBin {
  /** Bin [from, to) of predicted probability (the last bin includes 1). */
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface Evaluation {
  examples: number;
  positives: number;
  threshold: number;
  /** Predicted ≥ threshold. */
  flagged: number;
  /** Of those flagged, the share that bought (null when none is flagged). */
  precision: number | null;
  /** Of those who bought, the share flagged (null without buyers). */
  recall: number | null;
  /** Area under the ROC curve (ties count half); null when one class is missing. */
  auc: number | null;
  /** Mean squared error of the probabilities. */
  brier: number;
  /** Expected calibration error: the count-weighted mean |predicted − observed| over the bins. */
  ece: number;
  calibration: CalibrationBin[];
}

export function evaluate(scored: readonly Scored[], threshold: number, bins = 10): Evaluation {
  const positives = scored.filter((s) => s.label === 1).length;
  const flaggedRows = scored.filter((s) => s.probability >= threshold);
  const truePositives = flaggedRows.filter((s) => s.label === 1).length;
  const calibration: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    const inBin = scored.filter((s) => s.probability >= from && (b === bins - 1 ? s.probability <= to : s.probability < to));
    if (inBin.length === 0) continue;
    const meanPredicted = inBin.reduce((sum, s) => sum + s.probability, 0) / inBin.length;
    const observedRate = inBin.filter((s) => s.label === 1).length / inBin.length;
    calibration.push({ from, to, count: inBin.length, meanPredicted, observedRate });
    ece += (inBin.length / scored.length) * Math.abs(meanPredicted - observedRate);
  }
  return {
    examples: scored.length,
    positives,
    threshold,
    flagged: flaggedRows.length,
    precision: flaggedRows.length > 0 ? truePositives / flaggedRows.length : null,
    recall: positives > 0 ? truePositives / positives : null,
    auc: auc(scored),
    brier: scored.length > 0 ? scored.reduce((sum, s) => sum + (s.probability - s.label) ** 2, 0) / scored.length : 0,
    ece,
    calibration,
  };
}

/** ROC AUC by ranks (Mann–Whitney U), ties averaged. */
export function auc(scored: readonly Scored[]): number | null {
  const pos = scored.filter((s) => s.label === 1).length;
  const neg = scored.length - pos;
  if (pos === 0 || neg === 0) return null;
  const sorted = [...scored].sort((a, b) => a.probability - b.probability);
  let rankSumPos = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.probability === sorted[i]!.probability) j++;
    const meanRank = (i + 1 + j) / 2; // ranks i+1 … j
    for (let k = i; k < j; k++) if (sorted[k]!.label === 1) rankSumPos += meanRank;
    i = j;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface CandidateScore {
  customerKey: string;
  sku: string;
  probability: number;
  /** The newest behaviour event on this customer × SKU. */
  lastEventAtMs: number;
}

export interface PrepackHistory {
  /** Open pre-packs by `customerKey␟sku`. */
  open: ReadonlySet<string>;
  /** When the newest closed (expired or bought) pre-pack of a customer × SKU closed, by `customerKey␟sku`. */
  lastExpiredAtMs: ReadonlyMap<string, number>;
}

export const pairKey = (customerKey: string, sku: string): string => `${customerKey}\u241f${sku}`;

/**
 * Which scored pairs may get a pre-pack, most likely first: at or above the threshold, none open already,
 * and — after an expiry or a purchase — only on behaviour newer than that.
 */
export function eligibleCandidates(scores: readonly CandidateScore[], threshold: number, history: PrepackHistory): CandidateScore[] {
  return scores
    .filter((s) => s.probability >= threshold)
    .filter((s) => !history.open.has(pairKey(s.customerKey, s.sku)))
    .filter((s) => {
      const expired = history.lastExpiredAtMs.get(pairKey(s.customerKey, s.sku));
      return expired === undefined || s.lastEventAtMs > expired;
    })
    .sort((a, b) => b.probability - a.probability || (a.customerKey < b.customerKey ? -1 : a.customerKey > b.customerKey ? 1 : a.sku < b.sku ? -1 : 1));
}
