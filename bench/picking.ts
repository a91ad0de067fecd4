/**
 * Picking benchmark: `npm run bench:picking [-- --waves 200 --seed 42 --routing two-way|one-way|both
 * --slotting popularity|random --runs 500 --walk 1.0 --line 10 --sort 6]`.
 *
 * A generated warehouse of 20 aisles × 25 bays × 5 levels, shelving on both sides (5,000 pick faces, 5,000
 * SKUs, the fastest movers nearest the packing station), and seeded random e-commerce orders: SKU popularity
 * Zipf (s = 1: the top 20% of SKUs take ~80% of the lines), 1–5 lines per order (50/25/13/8/4%), 1–3 units a
 * line. Orders are cut into waves of 30–60. For each wave `routeWave()` gives the batch route and the naive
 * walk (every order its own S-shape trip); picker time adds a handling time per pick line and, for waves, a
 * sort time per order. Separately, 200-line waves are timed to show routing fits the 50 ms budget.
 * Everything is deterministic for a seed; only the timings vary.
 */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { generateLayout, defaultSkuName } from '../domain/layout-generator';
import { routeCandidates, routeWave, ROUTE_ALGORITHMS, type RouteAlgorithm, type WavePick } from '../domain/pick-route';
import type { Routing, WarehouseLayout } from '../domain/warehouse-layout';
import { prng } from './allocation';
import { percentile } from './stats';

export const SITE = { aisles: 20, baysPerAisle: 25, levels: 5, skus: 5_000 } as const;

/** Picker time model; every figure can be changed on the command line. */
export interface TimeModel {
  /** Walking speed pushing a cart, m/s. */
  walkMps: number;
  /** At a pick face: find, scan, take the units, per pick-list line. */
  lineSeconds: number;
  /** Waves only: putting an order's units into its tote on the cart (≈3 s per order line at this mix). */
  sortSecondsPerOrder: number;
}
export const DEFAULT_TIMES: TimeModel = { walkMps: 1.0, lineSeconds: 10, sortSecondsPerOrder: 6 };

const LINES_PER_ORDER = [0.5, 0.25, 0.13, 0.08, 0.04]; // 1…5 lines
const UNITS_PER_LINE = [0.8, 0.15, 0.05]; // 1…3 units

/** Seeded e-commerce orders over `skus` SKUs ranked by popularity (rank 0 the fastest mover). */
export function orderStream(seed: number, skus: number) {
  const random = prng(seed);
  // Zipf with s = 1: P(rank r) ∝ 1 / (r + 1).
  const cdf = new Float64Array(skus);
  for (let r = 0, sum = 0; r < skus; r++) cdf[r] = sum += 1 / (r + 1);
  for (let r = 0; r < skus; r++) cdf[r]! /= cdf[skus - 1]!;
  const rank = () => {
    const u = random();
    let lo = 0;
    let hi = skus - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const draw = (weights: readonly number[]) => {
    let u = random();
    for (let i = 0; i < weights.length; i++) if ((u -= weights[i]!) < 0) return i + 1;
    return weights.length;
  };
  let n = 0;
  return {
    random,
    /** The next order's picks. */
    next(): WavePick[] {
      const orderId = `O${String(++n).padStart(6, '0')}`;
      const lines = draw(LINES_PER_ORDER);
      const chosen = new Set<number>();
      while (chosen.size < lines) chosen.add(rank());
      return [...chosen].map((r) => ({ orderId, sku: defaultSkuName(r), quantity: draw(UNITS_PER_LINE) }));
    },
  };
}

interface Totals {
  orders: number;
  orderLines: number;
  pickLines: number;
  naiveMeters: number;
  waveMeters: number;
  byAlgorithm: Record<RouteAlgorithm, number>;
  chosen: Record<RouteAlgorithm, number>;
}

/** Waves of 30–60 orders through `routeWave`, and what each router would have walked. */
export function simulateWaves(layout: WarehouseLayout, seed: number, waves: number): Totals {
  const stream = orderStream(seed, SITE.skus);
  const totals: Totals = {
    orders: 0,
    orderLines: 0,
    pickLines: 0,
    naiveMeters: 0,
    waveMeters: 0,
    byAlgorithm: { 's-shape': 0, 'largest-gap': 0, 'nn-2opt': 0 },
    chosen: { 's-shape': 0, 'largest-gap': 0, 'nn-2opt': 0 },
  };
  for (let w = 0; w < waves; w++) {
    const size = 30 + Math.floor(stream.random() * 31);
    const picks = Array.from({ length: size }, () => stream.next()).flat();
    const wave = routeWave(layout, picks);
    totals.orders += size;
    totals.orderLines += picks.length;
    totals.pickLines += wave.pickList.length;
    totals.naiveMeters += wave.naiveWalkMeters;
    totals.waveMeters += wave.walkMeters;
    totals.chosen[wave.routing]++;
    const located = wave.pickList.flatMap((l) => (l.location ? [l.location] : []));
    for (const c of routeCandidates(layout, located)) totals.byAlgorithm[c.routing] += c.meters;
  }
  return totals;
}

/**
 * Routing time of waves of exactly `lines` lines (whole orders, the last one cut), after a warm-up: wall
 * clock, and the CPU time of this process (which leaves out waiting for a core on a busy machine).
 */
export function timeRouting(layout: WarehouseLayout, seed: number, runs: number, lines = 200): { wall: Float64Array; cpu: Float64Array } {
  const stream = orderStream(seed, SITE.skus);
  const wave = () => {
    const picks: WavePick[] = [];
    while (picks.length < lines) picks.push(...stream.next());
    return picks.slice(0, lines);
  };
  for (let i = 0; i < 30; i++) routeWave(layout, wave());
  const wall = new Float64Array(runs);
  const cpu = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const picks = wave();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    routeWave(layout, picks);
    wall[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    cpu[i] = (c.user + c.system) / 1e3;
  }
  return { wall: wall.sort(), cpu: cpu.sort() };
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function run(routing: Routing, options: { seed: number; waves: number; runs: number; times: TimeModel; slotting: 'popularity' | 'random' }) {
  const layout = generateLayout({ ...SITE, routing, slotting: options.slotting, seed: options.seed });
  const { times } = options;
  const t = simulateWaves(layout, options.seed, options.waves);

  // Seconds per order: walking, a stop per line, and for waves sorting into the orders' totes.
  const naiveSeconds = (t.naiveMeters / times.walkMps + t.orderLines * times.lineSeconds) / t.orders;
  const waveSeconds = (t.waveMeters / times.walkMps + t.pickLines * times.lineSeconds + t.orders * times.sortSecondsPerOrder) / t.orders;
  const naiveRate = 3_600 / naiveSeconds;
  const waveRate = 3_600 / waveSeconds;

  console.log(`\n${routing} aisles: ${t.orders.toLocaleString('en-US')} orders (${fmt(t.orderLines / t.orders, 2)} lines each) in ${options.waves} waves of 30–60`);
  console.log(`  naive (one order a trip, S-shape)  ${fmt(t.naiveMeters / t.orders).padStart(7)} m/order  ${fmt(naiveRate).padStart(6)} orders/picker-hour`);
  console.log(`  waved (batch, best route)          ${fmt(t.waveMeters / t.orders).padStart(7)} m/order  ${fmt(waveRate).padStart(6)} orders/picker-hour`);
  console.log(`  ratio ${fmt(waveRate / naiveRate, 2)}× orders/picker-hour (goal ≥ 2.3×), ${fmt(t.naiveMeters / t.waveMeters, 2)}× less walking; pick lines ${fmt(t.pickLines / t.orders, 2)} per order in waves`);
  const legal = routing === 'one-way' ? ['s-shape'] : ROUTE_ALGORITHMS;
  console.log('  batch route per algorithm (m/order, share of waves where it was the shortest):');
  for (const a of legal as readonly RouteAlgorithm[]) {
    console.log(`    ${a.padEnd(12)} ${fmt(t.byAlgorithm[a] / t.orders).padStart(7)}   ${fmt((100 * t.chosen[a]) / options.waves, 0).padStart(3)} %`);
  }

  const { wall, cpu } = timeRouting(layout, options.seed + 1, options.runs);
  const line = (ms: Float64Array) => `p50 ${fmt(percentile(ms, 0.5), 2)} ms, p99 ${fmt(percentile(ms, 0.99), 2)} ms, max ${fmt(ms[ms.length - 1]!, 2)} ms`;
  console.log(`  routeWave, 200-line waves × ${options.runs} (goal < 50 ms): wall ${line(wall)}; CPU ${line(cpu)}`);
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--routing');
  const which = i >= 0 ? process.argv[i + 1] : 'both';
  const routings: Routing[] = which === 'both' ? ['two-way', 'one-way'] : which === 'one-way' || which === 'two-way' ? [which] : [];
  if (routings.length === 0) throw new Error('--routing one-way|two-way|both');
  const s = process.argv.indexOf('--slotting');
  const slotting = s >= 0 ? process.argv[s + 1] : 'popularity';
  if (slotting !== 'popularity' && slotting !== 'random') throw new Error('--slotting popularity|random');
  const options = {
    slotting: slotting as 'popularity' | 'random',
    seed: flag('seed', 20_261_202),
    waves: flag('waves', 200),
    runs: flag('runs', 500),
    times: { walkMps: flag('walk', DEFAULT_TIMES.walkMps), lineSeconds: flag('line', DEFAULT_TIMES.lineSeconds), sortSecondsPerOrder: flag('sort', DEFAULT_TIMES.sortSecondsPerOrder) },
  };
  const cpu = cpus();
  console.log(`picking bench: node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, seed ${options.seed}`);
  console.log(
    `site: ${SITE.aisles} aisles × ${SITE.baysPerAisle} bays × ${SITE.levels} levels × 2 sides, ${SITE.skus.toLocaleString('en-US')} SKUs slotted by ${options.slotting}; ` +
      `walking ${options.times.walkMps} m/s, ${options.times.lineSeconds} s per pick line, ${options.times.sortSecondsPerOrder} s sort per order in a wave`,
  );
  for (const routing of routings) run(routing, options);
}
