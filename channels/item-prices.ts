/** Listed prices read from the platforms' item APIs (ChannelAdapter.itemPrice). */

/** The lowest of the prices read (fen), ignoring unreadable ones; undefined when none was read. */
export function lowest(prices: readonly (number | undefined)[]): number | undefined {
  const known = prices.filter((p): p is number => p !== undefined && Number.isSafeInteger(p) && p >= 0);
  return known.length > 0 ? Math.min(...known) : undefined;
}
