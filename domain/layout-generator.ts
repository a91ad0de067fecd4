/**
 * Layouts for big sites, generated instead of typed: every SKU gets a pick face (aisle, bay, level) in a
 * block of parallel aisles, or in several zones. Used by tests, `npm run bench:picking`, and by anyone who
 * wants to try the router on a warehouse they have not mapped yet.
 */
import { DEFAULT_GEOMETRY, type LayoutGeometry, type PickLocation, type Routing, type WarehouseLayout } from './warehouse-layout';
import { seededRandom } from './random';

export interface LayoutSpec {
  /** Aisles in all; with zones, split between them as evenly as possible, each zone numbering from 1. */
  aisles: number;
  baysPerAisle: number;
  levels: number;
  skus: number;
  /** Shelving on one or both sides of each aisle (default 2): the faces one bay of an aisle offers per level. */
  sides?: 1 | 2;
  /** Zone names, in walking order; the fastest movers go to the first zone. */
  zones?: string[];
  /** Default: none stored, i.e. `one-way`. */
  routing?: Routing;
  geometry?: LayoutGeometry;
  /**
   * `popularity` (default): SKU rank 0 (the fastest mover) gets the face nearest the packing station, then
   * outwards by walking distance (across the aisles plus into the aisle), lower levels first: class-based
   * storage, as most sites slot. `random`: faces shuffled with `seed`, the baseline without slotting.
   */
  slotting?: 'popularity' | 'random';
  seed?: number;
  /** The code of the SKU of this popularity rank (0-based); default `SKU-00001`, `SKU-00002`, … */
  skuName?: (rank: number) => string;
}

export const defaultSkuName = (rank: number) => `SKU-${String(rank + 1).padStart(5, '0')}`;

/** A layout with one pick face per SKU; throws a RangeError when the shelves cannot hold the SKUs. */
export function generateLayout(spec: LayoutSpec): WarehouseLayout {
  const { aisles, baysPerAisle, levels, skus } = spec;
  const sides = spec.sides ?? 2;
  const zones: (string | undefined)[] = spec.zones?.length ? spec.zones : [undefined];
  for (const [name, v] of Object.entries({ aisles, baysPerAisle, levels })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  if (aisles < zones.length) throw new RangeError(`${zones.length} zones need at least as many aisles`);
  const capacity = aisles * baysPerAisle * levels * sides;
  if (!Number.isInteger(skus) || skus < 0 || skus > capacity) throw new RangeError(`${skus} SKUs do not fit ${capacity} faces`);

  const g = { ...DEFAULT_GEOMETRY, ...spec.geometry };
  const aislesPerZone = zones.map((_, i) => Math.floor(aisles / zones.length) + (i < aisles % zones.length ? 1 : 0));
  const faces: { location: PickLocation; distance: number; order: number }[] = [];
  zones.forEach((zone, z) => {
    for (let aisle = 1; aisle <= aislesPerZone[z]!; aisle++) {
      for (let bay = 1; bay <= baysPerAisle; bay++) {
        const distance = g.aisleSpacingM * Math.abs(aisle - g.depotAisle) + (bay - 0.5) * g.bayWidthM;
        for (let level = 1; level <= levels; level++) {
          for (let side = 0; side < sides; side++) {
            faces.push({ location: { ...(zone ? { zone } : {}), aisle, bay, level }, distance, order: faces.length });
          }
        }
      }
    }
  });
  // Zone by zone (faces are pushed zone by zone), nearest first; on a tie, lower levels, then as laid out.
  const zoneOf = (f: (typeof faces)[number]) => zones.indexOf(f.location.zone);
  if ((spec.slotting ?? 'popularity') === 'popularity') {
    faces.sort((a, b) => zoneOf(a) - zoneOf(b) || a.distance - b.distance || a.location.level! - b.location.level! || a.order - b.order);
  } else {
    shuffle(faces, spec.seed ?? 1);
  }

  const name = spec.skuName ?? defaultSkuName;
  const locations: Record<string, PickLocation> = {};
  for (let rank = 0; rank < skus; rank++) locations[name(rank)] = faces[rank]!.location;
  return {
    ...(spec.zones?.length ? { zones: spec.zones } : {}),
    ...(spec.routing ? { routing: spec.routing } : {}),
    geometry: { ...spec.geometry, aisles: Math.max(...aislesPerZone), baysPerAisle },
    locations,
  };
}

/** Fisher–Yates, deterministic for a seed. */
function shuffle<T>(items: T[], seed: number): void {
  const random = seededRandom(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
