/**
 * The order a picker walks one pick task in, so the list on the handheld matches the shelves as they come.
 *
 * The same router as a wave's (domain/pick-route.ts): on `one-way` layouts (the default) the S-shape the
 * aisle traffic dictates, up odd aisles (bay 1 → n) and down even ones whichever are skipped; on `two-way`
 * layouts the shortest of S-shape, largest gap and nearest neighbour + 2-opt. Zones are walked one after
 * the other, each with its own aisle numbering. Layout model: domain/warehouse-layout.ts.
 */
import { bestRoute, inWalkingOrder, stopKey } from './pick-route';
import { locationOf, type PickLocation, type WarehouseLayout } from './warehouse-layout';

export { pickLocationSchema, warehouseLayoutSchema, type PickLocation, type WarehouseLayout } from './warehouse-layout';

/**
 * The lines in walking order; in one bay, lower shelf levels first. Lines whose SKU has no (valid) location
 * come last, by SKU, so the picker sees them together at the end and can ask. The layout usually comes from a
 * JSON column, so a malformed location is treated as missing rather than trusted. Lines of the same SKU keep
 * their order.
 */
export function pickPath<L extends { readonly sku: string }>(layout: WarehouseLayout, lines: readonly L[]): L[] {
  const located = lines.map((line) => ({ line, location: locationOf(layout, line.sku) }));
  const route = bestRoute(layout, located.flatMap((l) => (l.location ? [l.location] : [])));
  const rank = new Map(route.stops.map((s, i) => [stopKey(s), i]));
  return inWalkingOrder(
    located,
    rank,
    (l): PickLocation | undefined => l.location,
    (l) => l.line.sku,
  ).map((l) => l.line);
}
