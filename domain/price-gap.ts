/**
 * Cross-channel price gaps: the same SKU listed at prices too far apart. A gap is the highest listed price less
 * the lowest; it is "beyond the threshold" when it is over `PRICE_GAP_FEN` fen or over `PRICE_GAP_PCT` percent of
 * the lower price (either one; a threshold set to null is not used). Pure arithmetic in integer fen.
 */
export interface GapThresholds {
  /** Gap in fen above which an alert opens; null: not used. */
  fen: number | null;
  /** Gap in percent of the lower price above which an alert opens; null: not used. */
  pct: number | null;
}

export interface PriceGap {
  lowChannel: string;
  lowFen: number;
  highChannel: string;
  highFen: number;
  gapFen: number;
  /** gapFen ÷ lowFen × 100, unrounded (Infinity when the low price is 0 and the high one is not). */
  gapPct: number;
  prices: Record<string, number>;
}

/** The widest gap between the SKU's channels (ties: channel names in order); null with fewer than two channels. */
export function widestGap(prices: Readonly<Record<string, number>>): PriceGap | null {
  const listed = Object.entries(prices).sort(([a], [b]) => a.localeCompare(b));
  if (listed.length < 2) return null;
  let low = listed[0]!;
  let high = listed[0]!;
  for (const entry of listed) {
    if (entry[1] < low[1]) low = entry;
    if (entry[1] > high[1]) high = entry;
  }
  const gapFen = high[1] - low[1];
  const gapPct = gapFen === 0 ? 0 : low[1] === 0 ? Infinity : (gapFen * 100) / low[1];
  return { lowChannel: low[0], lowFen: low[1], highChannel: high[0], highFen: high[1], gapFen, gapPct, prices: Object.fromEntries(listed) };
}

/** Whether the gap is beyond either threshold. */
export function isBeyond(gap: PriceGap | null, t: GapThresholds): boolean {
  if (!gap || gap.gapFen === 0) return false;
  return (t.fen !== null && gap.gapFen > t.fen) || (t.pct !== null && gap.gapPct > t.pct);
}

export type GapDecision = { action: 'open-or-update'; gap: PriceGap } | { action: 'close' } | { action: 'none' };

/**
 * What to do with a SKU's alert given its prices now: a gap beyond a threshold opens an alert (or updates the
 * open one's figures); prices back within both thresholds close the open alert.
 */
export function decideGap(prices: Readonly<Record<string, number>>, t: GapThresholds, hasOpenAlert: boolean): GapDecision {
  const gap = widestGap(prices);
  if (gap && isBeyond(gap, t)) return { action: 'open-or-update', gap };
  return hasOpenAlert ? { action: 'close' } : { action: 'none' };
}
