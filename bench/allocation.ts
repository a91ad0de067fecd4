/**
 * Allocation benchmark: `tsx bench/allocation.ts [orders]` (default 100,000 per warehouse count).
 *
 * Random but seeded, so runs are comparable: 3, 10 and 30 warehouses in real logistics hubs, a catalogue
 * of 300 SKUs with patchy stock, orders of 1–4 lines to random prefecture-level cities. The stock is a
 * fixed snapshot (orders do not deplete it): this measures the cost of a decision, not a sales simulation.
 * Receivers are located before timing; only `allocate()` is timed.
 */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { allocate, type AllocationInput, type SupplierOffer, type WarehouseStock } from '../domain/allocation';
import { CHINA_CITIES } from '../domain/data/china-cities';
import { locate } from '../domain/geo';
import { percentile } from './stats';
import { seededRandom } from '../domain/random';

export const prng: (seed: number) => () => number = seededRandom;

/** Where warehouses go, busiest first: the first three are the classic 北上广 set-up. */
const HUBS: readonly [province: string, city: string][] = [
  ['上海', '上海'], ['广东', '广州'], ['北京', '北京'], ['四川', '成都'], ['湖北', '武汉'],
  ['陕西', '西安'], ['辽宁', '沈阳'], ['浙江', '杭州'], ['河南', '郑州'], ['重庆', '重庆'],
  ['江苏', '苏州'], ['广东', '深圳'], ['天津', '天津'], ['江苏', '南京'], ['湖南', '长沙'],
  ['山东', '济南'], ['山东', '青岛'], ['云南', '昆明'], ['福建', '厦门'], ['福建', '福州'],
  ['安徽', '合肥'], ['江西', '南昌'], ['河北', '石家庄'], ['黑龙江', '哈尔滨'], ['吉林', '长春'],
  ['新疆', '乌鲁木齐'], ['甘肃', '兰州'], ['广西', '南宁'], ['贵州', '贵阳'], ['广东', '东莞'],
];

const SKU_COUNT = 300;
const sku = (i: number) => `SKU-${String(i).padStart(4, '0')}`;

export interface Scenario {
  warehouses: WarehouseStock[];
  suppliers: Record<string, SupplierOffer | undefined>;
  /** The n-th random order of this scenario (deterministic). */
  orders(count: number): AllocationInput[];
}

export function randomScenario(seed: number, warehouseCount: number): Scenario {
  const random = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const warehouses = HUBS.slice(0, warehouseCount).map(([province, city], i): WarehouseStock => {
    const at = locate({ province, city })!;
    const available: Record<string, number> = {};
    // Bigger (earlier) hubs stock more of the range; each SKU is there or not, in small numbers.
    const breadth = 0.85 - (0.45 * i) / HUBS.length;
    for (let s = 0; s < SKU_COUNT; s++) if (random() < breadth) available[sku(s)] = int(0, 12);
    return { id: `WH-${String(i + 1).padStart(2, '0')}`, lat: at.lat, lng: at.lng, available };
  });

  const suppliers: Record<string, SupplierOffer | undefined> = {};
  for (let s = 0; s < SKU_COUNT; s++) {
    if (random() < 0.9) suppliers[sku(s)] = { offerId: String(600_000_000_000 + s), pricePerUnitFen: int(300, 9_000) };
  }

  const cities = CHINA_CITIES.filter((c) => c.level !== 'county');
  const orders = (count: number): AllocationInput[] => {
    const list: AllocationInput[] = [];
    for (let n = 0; n < count; n++) {
      const lineCount = int(1, 4);
      const skus = new Set<string>();
      // Popular SKUs sell more: square the uniform draw to skew towards low indices.
      while (skus.size < lineCount) skus.add(sku(Math.floor(random() ** 2 * SKU_COUNT)));
      const lines = [...skus].map((s) => ({ sku: s, quantity: random() < 0.7 ? 1 : int(2, 5) }));
      const city = cities[int(0, cities.length - 1)]!;
      // 2% of addresses cannot be located (typos, new districts).
      const receiver = random() < 0.02 ? undefined : { lat: city.lat, lng: city.lng };
      list.push({ lines, receiver, urgent: random() < 0.1, warehouses, suppliers });
    }
    return list;
  };
  return { warehouses, suppliers, orders };
}

function run(warehouseCount: number, orderCount: number): void {
  const scenario = randomScenario(20_240_601 + warehouseCount, warehouseCount);
  const orders = scenario.orders(orderCount);
  for (const o of orders.slice(0, 5_000)) allocate(o); // warm-up: let the JIT settle

  const micros = new Float64Array(orders.length);
  const mix = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < orders.length; i++) {
    const t0 = process.hrtime.bigint();
    const decision = allocate(orders[i]!);
    micros[i] = Number(process.hrtime.bigint() - t0) / 1_000;
    const key = decision.action === 'review' ? `${decision.rule} (review)` : decision.rule;
    mix.set(key, (mix.get(key) ?? 0) + 1);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  micros.sort();

  const rate = Math.round(orders.length / seconds).toLocaleString('en-US');
  console.log(
    `\n${warehouseCount} warehouses: ${rate} decisions/s, p50 ${percentile(micros, 0.5).toFixed(1)} µs, p99 ${percentile(micros, 0.99).toFixed(1)} µs, max ${micros[micros.length - 1]!.toFixed(0)} µs`,
  );
  for (const [rule, n] of [...mix].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${rule.padEnd(28)} ${((100 * n) / orders.length).toFixed(1).padStart(5)} %  (${n})`);
  }
}

// Run only when started as a script, so randomScenario can be imported without running the bench.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const orderCount = Number(process.argv[2] ?? 100_000);
  const cpu = cpus();
  console.log(`allocation bench: ${orderCount.toLocaleString('en-US')} orders per run, node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`);
  for (const count of [3, 10, 30]) run(count, orderCount);
}
