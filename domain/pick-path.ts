/**
 * The order a picker walks a pick list in, so the list on the handheld matches the shelves as they come.
 *
 * Layout model (a typical small e-commerce warehouse): parallel aisles numbered 1, 2, 3… from the packing
 * station, bays numbered from the front cross-aisle (1) to the back, shelf levels from the floor (1) up.
 * Aisles are narrow and one-way for carts, so the picker walks an S-shape (serpentine): up odd aisles
 * (bay 1 → n), down even aisles (bay n → 1), skipping aisles with nothing to pick. Bigger sites are cut
 * into zones walked one after the other, each with its own aisle numbering.
 */
import { z } from 'zod';

export const pickLocationSchema = z.object({
  zone: z.string().min(1).max(32).optional(),
  aisle: z.number().int().nonnegative(),
  bay: z.number().int().nonnegative(),
  level: z.number().int().nonnegative().optional(),
});
export type PickLocation = z.infer<typeof pickLocationSchema>;

export const warehouseLayoutSchema = z.object({
  /** Walking order of zones; zones not listed come after the listed ones, by name. */
  zones: z.array(z.string().min(1).max(32)).optional(),
  /**
   * `one-way` (default): odd aisles are walked up and even ones down, whichever are skipped, as the aisle
   * traffic rules dictate. `alternating`: two-way aisles; the picker turns at the end of each aisle they
   * enter, so direction alternates over the aisles actually visited.
   */
  routing: z.enum(['one-way', 'alternating']).optional(),
  /** Where each SKU's pick face is. */
  locations: z.record(z.string(), pickLocationSchema),
});
export type WarehouseLayout = z.infer<typeof warehouseLayoutSchema>;

interface Stop<L> {
  readonly line: L;
  readonly index: number;
  readonly location: PickLocation | undefined;
}

/**
 * The lines in walking order. Lines whose SKU has no (valid) location come last, by SKU, so the picker
 * sees them together at the end and can ask. The layout usually comes from a JSON column, so a malformed
 * location is treated as missing rather than trusted.
 */
export function pickPath<L extends { readonly sku: string }>(layout: WarehouseLayout, lines: readonly L[]): L[] {
  const zoneOrder = layout.zones ?? [];
  const stops: Stop<L>[] = lines.map((line, index) => ({ line, index, location: locationOf(layout, line.sku) }));
  const located = stops.filter((s) => s.location);
  const unlocated = stops.filter((s) => !s.location).sort((a, b) => byText(a.line.sku, b.line.sku) || a.index - b.index);

  const zoneRank = (zone: string | undefined): [number, string] => {
    const i = zoneOrder.indexOf(zone ?? '');
    return i >= 0 ? [i, ''] : [zoneOrder.length, zone ?? ''];
  };
  const walksUp = walkDirections(layout, located);

  located.sort((a, b) => {
    const la = a.location!;
    const lb = b.location!;
    const [za, zna] = zoneRank(la.zone);
    const [zb, znb] = zoneRank(lb.zone);
    if (za !== zb) return za - zb;
    if (zna !== znb) return byText(zna, znb);
    if (la.aisle !== lb.aisle) return la.aisle - lb.aisle;
    if (la.bay !== lb.bay) return walksUp(la) ? la.bay - lb.bay : lb.bay - la.bay;
    return (la.level ?? 0) - (lb.level ?? 0) || byText(a.line.sku, b.line.sku) || a.index - b.index;
  });
  return [...located, ...unlocated].map((s) => s.line);
}

/** Whether the picker walks an aisle from the front (bay 1) to the back. */
function walkDirections<L>(layout: WarehouseLayout, located: readonly Stop<L>[]): (l: PickLocation) => boolean {
  if (layout.routing !== 'alternating') return (l) => l.aisle % 2 === 1;
  // Per zone, the 1st, 3rd, 5th… aisle visited goes up.
  const visited = new Map<string, number[]>();
  for (const { location } of located) {
    const aisles = visited.get(location!.zone ?? '') ?? [];
    if (!aisles.includes(location!.aisle)) aisles.push(location!.aisle);
    visited.set(location!.zone ?? '', aisles);
  }
  for (const aisles of visited.values()) aisles.sort((a, b) => a - b);
  return (l) => (visited.get(l.zone ?? '') ?? []).indexOf(l.aisle) % 2 === 0;
}

function locationOf(layout: WarehouseLayout, sku: string): PickLocation | undefined {
  const locations = layout.locations ?? {};
  if (!Object.hasOwn(locations, sku)) return undefined;
  const parsed = pickLocationSchema.safeParse(locations[sku]);
  return parsed.success ? parsed.data : undefined;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
