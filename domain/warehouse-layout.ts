/**
 * A warehouse's pick faces and the geometry a picker walks, as stored in `warehouses.layout` and set by
 * `PUT /v1/warehouses/:id/layout`.
 *
 * Model (a typical e-commerce shelving area, one block per zone): parallel aisles numbered 1, 2, 3… from the
 * packing station, bays numbered from the front cross-aisle (1) to the back one, shelf levels from the floor
 * (1) up. Both sides of an aisle are picked from the aisle itself, so a location is a point on the aisle's
 * centre line. A front and a back cross-aisle join the aisles. The packing station (depot) is on the front
 * cross-aisle in front of aisle 1 unless the geometry says otherwise. Zones are separate blocks, each with its
 * own aisle numbering, walked one after the other. See docs/warehouse.md.
 */
import { z } from 'zod';

export const pickLocationSchema = z.object({
  zone: z.string().min(1).max(32).optional(),
  aisle: z.number().int().nonnegative(),
  bay: z.number().int().nonnegative(),
  level: z.number().int().nonnegative().optional(),
});
export type PickLocation = z.infer<typeof pickLocationSchema>;

/** Distances in metres; every field has a default (`DEFAULT_GEOMETRY`). */
export const layoutGeometrySchema = z.strictObject({
  /** Centre line of one aisle to the next: a cart aisle plus the shelving on either side. */
  aisleSpacingM: z.number().positive().max(100).optional(),
  /** Width of one bay (shelving unit) along the aisle. */
  bayWidthM: z.number().positive().max(50).optional(),
  /** Width of the front and of the back cross-aisle; the picker walks their centre lines. */
  crossAisleM: z.number().nonnegative().max(100).optional(),
  /** Aisles per zone (numbered 1…n); default: the highest aisle any location names. */
  aisles: z.number().int().positive().max(10_000).optional(),
  /** Bays per aisle; default: the highest bay any location of the zone names. */
  baysPerAisle: z.number().int().positive().max(10_000).optional(),
  /** The packing station stands on the front cross-aisle in front of this aisle (10.5: between 10 and 11). */
  depotAisle: z.number().nonnegative().max(10_000).optional(),
  /** From the packing station to the front cross-aisle's centre line, walked at the start and end of a trip. */
  depotOffsetM: z.number().nonnegative().max(1_000).optional(),
  /** From the packing station to a zone's entry, from one zone's entry to the next, and back: per leg. */
  zoneTravelM: z.number().nonnegative().max(10_000).optional(),
});
export type LayoutGeometry = z.infer<typeof layoutGeometrySchema>;

/**
 * Defaults for a shelving area picked with a cart: 3 m from aisle to aisle (1.5 m cart aisle, two 0.75 m
 * shelving rows), 1.2 m bays, 2 m cross-aisles, the packing station on the front cross-aisle in front of
 * aisle 1, zones sharing the packing station (no walk between them).
 */
export const DEFAULT_GEOMETRY = {
  aisleSpacingM: 3,
  bayWidthM: 1.2,
  crossAisleM: 2,
  depotAisle: 1,
  depotOffsetM: 0,
  zoneTravelM: 0,
} as const;

/**
 * `one-way`: cart traffic goes up odd aisles (bay 1 → n) and down even ones, so every route is an S-shape.
 * `two-way`: aisles may be walked either way and entered from either end; the router picks the shortest.
 * `alternating` is the name older stored layouts use for `two-way`.
 */
export const ROUTINGS = ['one-way', 'two-way'] as const;
export type Routing = (typeof ROUTINGS)[number];

export const warehouseLayoutSchema = z.object({
  /** Walking order of zones; zones not listed come after the listed ones, by name (no zone first). */
  zones: z.array(z.string().min(1).max(32)).max(100).optional(),
  /** Default `one-way`. */
  routing: z.enum([...ROUTINGS, 'alternating']).optional(),
  geometry: layoutGeometrySchema.optional(),
  /** Where each SKU's pick face is. */
  locations: z.record(z.string().min(1).max(64), pickLocationSchema),
});
export type WarehouseLayout = z.infer<typeof warehouseLayoutSchema>;

/** No zone: the locations without one form a block of their own. */
export const NO_ZONE = '';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isZone = (v: unknown) => v === undefined || (typeof v === 'string' && v.length >= 1 && v.length <= 32);

/**
 * A stored location if it is well-formed, else undefined. Layouts come from a JSON column and can hold
 * thousands of locations, so this mirrors `pickLocationSchema` without zod's cost (a test keeps the two equal).
 */
export function asPickLocation(value: unknown): PickLocation | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { zone, aisle, bay, level } = value as Record<string, unknown>;
  if (!isZone(zone) || !isCount(aisle) || !isCount(bay) || !(level === undefined || isCount(level))) return undefined;
  return { ...(zone === undefined ? {} : { zone: zone as string }), aisle, bay, ...(level === undefined ? {} : { level }) };
}

/** The pick face of a SKU; none for an unknown SKU, a malformed location, or an inherited property name. */
export function locationOf(layout: WarehouseLayout, sku: string): PickLocation | undefined {
  const locations = layout.locations;
  if (typeof locations !== 'object' || locations === null || !Object.hasOwn(locations, sku)) return undefined;
  return asPickLocation(locations[sku]);
}

/** One zone's block: aisle range and depth, as the locations and geometry give them. */
export interface ZoneBlock {
  zone: string;
  /** Lowest and highest aisle number cart traffic can use (1…`aisles`, or what the locations name). */
  firstAisle: number;
  lastAisle: number;
  baysPerAisle: number;
  locations: number;
}

/** A stored layout made safe to route on: routing and geometry resolved, blocks measured. */
export interface ResolvedLayout {
  routing: Routing;
  geometry: Required<Omit<LayoutGeometry, 'aisles' | 'baysPerAisle'>> & Pick<LayoutGeometry, 'aisles' | 'baysPerAisle'>;
  /** Walking rank of a zone: listed zones in list order, then the others by name. */
  zoneRank(zone: string): [number, string];
  block(zone: string): ZoneBlock;
  blocks: ZoneBlock[];
}

// A layout is read once per pick task or wave but may hold thousands of locations: measure it once per object
// (layouts are values here: a caller that changes one in place must pass a copy).
const resolved = new WeakMap<object, ResolvedLayout>();

export function resolveLayout(layout: WarehouseLayout): ResolvedLayout {
  const cached = resolved.get(layout);
  if (cached) return cached;
  const parsedGeometry = layoutGeometrySchema.safeParse(layout.geometry ?? {});
  const geometry = { ...DEFAULT_GEOMETRY, ...(parsedGeometry.success ? parsedGeometry.data : {}) };
  // Stored layouts may predate the `two-way` name, or hold anything: only `two-way`/`alternating` free the aisles.
  const routing: Routing = layout.routing === 'two-way' || layout.routing === 'alternating' ? 'two-way' : 'one-way';
  const zoneOrder = Array.isArray(layout.zones) ? layout.zones.filter((z): z is string => typeof z === 'string') : [];
  const zoneRank = (zone: string): [number, string] => {
    const i = zone === NO_ZONE ? -1 : zoneOrder.indexOf(zone);
    return i >= 0 ? [i, ''] : [zoneOrder.length, zone];
  };

  const measured = new Map<string, { min: number; max: number; bays: number; count: number }>();
  const locations = typeof layout.locations === 'object' && layout.locations !== null ? layout.locations : {};
  for (const value of Object.values(locations)) {
    const l = asPickLocation(value);
    if (!l) continue;
    const key = l.zone ?? NO_ZONE;
    const m = measured.get(key);
    if (m) {
      m.min = Math.min(m.min, l.aisle);
      m.max = Math.max(m.max, l.aisle);
      m.bays = Math.max(m.bays, l.bay);
      m.count++;
    } else measured.set(key, { min: l.aisle, max: l.aisle, bays: l.bay, count: 1 });
  }
  const toBlock = (zone: string): ZoneBlock => {
    const m = measured.get(zone);
    return {
      zone,
      firstAisle: Math.min(m?.min ?? 1, 1),
      lastAisle: Math.max(m?.max ?? 1, geometry.aisles ?? 1),
      baysPerAisle: Math.max(m?.bays ?? 1, geometry.baysPerAisle ?? 1, 1),
      locations: m?.count ?? 0,
    };
  };
  const blocks = [...measured.keys()].map(toBlock).sort((a, b) => compareRanks(zoneRank(a.zone), zoneRank(b.zone)));
  const byZone = new Map(blocks.map((b) => [b.zone, b]));
  const result: ResolvedLayout = { routing, geometry, zoneRank, block: (zone) => byZone.get(zone) ?? toBlock(zone), blocks };
  resolved.set(layout, result);
  return result;
}

export function compareRanks(a: [number, string], b: [number, string]): number {
  return a[0] - b[0] || byText(a[1], b[1]);
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What `GET /v1/warehouses/:id` shows of a layout: its shape, not its thousands of locations. */
export interface LayoutSummary {
  routing: Routing;
  geometry: ResolvedLayout['geometry'];
  locations: number;
  zones: { zone: string | null; aisles: number; firstAisle: number; lastAisle: number; baysPerAisle: number; locations: number }[];
}

export function layoutSummary(layout: WarehouseLayout): LayoutSummary {
  const r = resolveLayout(layout);
  return {
    routing: r.routing,
    geometry: r.geometry,
    locations: r.blocks.reduce((n, b) => n + b.locations, 0),
    zones: r.blocks.map((b) => ({
      zone: b.zone === NO_ZONE ? null : b.zone,
      aisles: b.lastAisle - b.firstAisle + 1,
      firstAisle: b.firstAisle,
      lastAisle: b.lastAisle,
      baysPerAisle: b.baysPerAisle,
      locations: b.locations,
    })),
  };
}
