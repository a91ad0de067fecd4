/**
 * `npm run demo` (against a running `npm start`) or `npm start -- --demo`: a small tea-and-tableware brand with
 * something true on every screen within a minute, made only through the public API and the platforms' own
 * webhooks:
 *
 *   - three warehouses (杭州, 广州, 北京) with pick-face layouts, 50 SKUs with stock and safety stock (a few
 *     below it: replenishment alerts; the live-stream SKU short: sold out, backorders, channels told 0);
 *   - one store per platform (Taobao, Tmall, Pinduoduo, Douyin, WeChat) on its simulator, served from this process;
 *   - a day of orders (the last 24 hours, Asia/Shanghai rhythm: quiet nights, a lunch bump, an evening peak and a
 *     Douyin live-stream spike at 20:00) pushed as the platforms push them, the day compressed into ~40 s;
 *   - a platform push delivered twice (one order), and a buyer who orders the same thing twice by phone
 *     (the second merged into the first as a duplicate, its payment a review task);
 *   - waves opened in each warehouse, part of the picking done (scanned or confirmed), parcels handed to the
 *     carrier simulators; buyers refusing two parcels, and returns of delivered orders once they arrive.
 *
 *   npm run demo -- [--target http://127.0.0.1:3000] [--orders 300] [--key oms_admin_…] [--seed 7]
 *
 * The simulators must keep answering (the OMS fetches order details, pushes stock and tracking to them): the
 * demo keeps serving them until Ctrl-C. Buyers' phones and addresses are invented; only counts are printed.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator, type RunningSimulator } from '../channels/simulators';
import { createRng, intBetween, pick, type Rng } from '../channels/simulators/fake-data';
import { PLATFORMS, type Platform } from '../channels/types';
import { orderIdOf } from '../domain/order';
import type { StockLine } from '../domain/stock';
import { eachWithProgress, progress } from '../infra/progress';
import { explainStartupError, StartupError } from '../infra/startup-error';
import { runningOms } from './running-oms';

export interface DemoOptions {
  apiUrl: string;
  adminKey: string;
  orders?: number;
  seed?: number;
  /** Wall-clock seconds the day's orders are spread over. */
  daySeconds?: number;
  log?: (line: string) => void;
}

export interface Demo {
  /** Order ids pushed (platform orders and the two phone orders). */
  orderIds: string[];
  /** Resolves once the returns of delivered orders were requested (a few minutes: carriers deliver first). */
  returnsDone: Promise<void>;
  /** Stops the platform simulators. */
  close(): Promise<void>;
}

// ── The brand ─────────────────────────────────────────────────────────────────────────────────────────────

export const DEMO_WAREHOUSES = [
  { id: 'HZ', name: '杭州仓', province: '浙江省', city: '杭州市', address: '余杭区仓前街道良睦路 1 号', lat: 30.2741, lng: 120.1551, routing: 'one-way' as const },
  { id: 'GZ', name: '广州仓', province: '广东省', city: '广州市', address: '白云区太和镇大源北路 88 号', lat: 23.1291, lng: 113.2644, routing: 'two-way' as const },
  { id: 'BJ', name: '北京仓', province: '北京市', city: '北京市', address: '大兴区亦庄经济开发区科创十三街 9 号', lat: 39.9042, lng: 116.4074, routing: 'one-way' as const },
];

const FAMILIES = [
  { code: 'TEA', titles: ['西湖龙井 100g', '安吉白茶 100g', '正山小种 150g', '云南普洱 357g 饼', '福鼎白茶 200g', '铁观音 250g', '茉莉花茶 100g', '大红袍 125g', '碧螺春 100g', '冻顶乌龙 150g'], gram: 260 },
  { code: 'CUP', titles: ['玻璃公道杯 300ml', '陶瓷品茗杯 4 只装', '316 不锈钢保温杯 500ml', '便携泡茶杯 400ml', '双层玻璃杯 350ml', '竹节杯 200ml', '手绘马克杯 380ml', '旅行茶具套装', '汝窑杯 80ml', '建盏 120ml'], gram: 420 },
  { code: 'POT', titles: ['紫砂壶 220ml', '玻璃煮茶壶 1L', '铸铁壶 1.2L', '盖碗 150ml', '侧把壶 300ml', '电陶炉', '茶盘 竹制', '茶漏 不锈钢', '茶夹 六君子', '茶巾 3 条装'], gram: 900 },
  { code: 'GFT', titles: ['中秋茶礼盒', '新年茶礼盒', '龙井礼盒 250g', '白茶礼盒 300g', '茶具礼盒 一壶四杯', '企业定制礼盒', '品鉴装 8 种', '茶点礼盒', '春茶尝鲜装', '伴手礼 小罐茶'], gram: 1200 },
  { code: 'SNK', titles: ['桂花糕 200g', '绿豆糕 180g', '凤梨酥 6 枚', '坚果礼包 500g', '茶香瓜子 250g', '牛轧糖 300g', '抹茶饼干 150g', '杏仁酥 200g', '陈皮梅 150g', '红枣 500g'], gram: 320 },
];

export interface DemoSku {
  sku: string;
  title: string;
  weightGrams: number;
  safetyStock: number;
  /** Units per warehouse, in DEMO_WAREHOUSES order. */
  stock: [number, number, number];
}

/** 50 SKUs, 10 per family. The first tea is the live-stream SKU: short everywhere, it sells out on the night. */
export function demoSkus(): DemoSku[] {
  const skus: DemoSku[] = [];
  FAMILIES.forEach((family, f) =>
    family.titles.forEach((title, i) => {
      const sku = `${family.code}-${String(i + 1).padStart(3, '0')}`;
      const base = 40 + ((f * 37 + i * 53) % 160);
      const safetyStock = 10 + ((f + i) % 4) * 5;
      // Every seventh SKU runs low (below its safety stock: a replenishment alert from the first count).
      const low = (f * 10 + i) % 7 === 3;
      const stock: [number, number, number] = low ? [Math.floor(safetyStock / 2), 3, 0] : [base, Math.floor(base * 0.7), Math.floor(base * 0.5)];
      skus.push({ sku, title, weightGrams: family.gram + i * 10, safetyStock, stock });
    }),
  );
  const hot = skus[0]!;
  hot.title = `${hot.title}（直播专享）`;
  hot.stock = [30, 15, 10];
  return skus;
}

export const LIVE_SKU = 'TEA-001';

/** Share of a day's orders in each Asia/Shanghai hour (0–23): night lull, morning climb, lunch, evening peak. */
const HOUR_WEIGHTS = [2, 1, 0.6, 0.4, 0.3, 0.4, 0.8, 1.6, 2.8, 4, 4.6, 5, 5.4, 4.2, 4, 4.2, 4.4, 4.6, 5, 6, 7.4, 8, 7, 4.2];

export interface PlannedOrder {
  platform: Platform;
  at: Date;
  skus: string[];
  /** Part of the live-stream spike (Douyin, the live SKU). */
  live: boolean;
}

/**
 * The day: `count` orders over the 24 hours before `now`, by the hourly rhythm, across the platforms (Taobao and
 * Douyin the busiest), plus a Douyin live-stream spike (a quarter more orders) in the half hour after 20:00
 * Asia/Shanghai, all for the live SKU. Sorted by time.
 */
export function planDay(now: Date, count: number, skus: readonly string[], rng: Rng): PlannedOrder[] {
  const start = now.getTime() - 24 * 3600_000;
  const weightsFrom = (hourUtcMs: number) => HOUR_WEIGHTS[new Date(hourUtcMs + 8 * 3600_000).getUTCHours()]!;
  const hours = Array.from({ length: 24 }, (_, h) => start + h * 3600_000);
  const total = hours.reduce((s, h) => s + weightsFrom(h), 0);
  const platformShare: [Platform, number][] = [
    ['taobao', 0.3],
    ['tmall', 0.2],
    ['douyin', 0.22],
    ['pdd', 0.18],
    ['wechat', 0.1],
  ];
  const choosePlatform = () => {
    let r = rng();
    for (const [p, share] of platformShare) if ((r -= share) < 0) return p;
    return 'taobao';
  };
  const regular = Math.round(count * 0.8);
  const plan: PlannedOrder[] = [];
  for (const hour of hours) {
    const n = Math.round((regular * weightsFrom(hour)) / total);
    for (let i = 0; i < n; i++) {
      const lines = intBetween(rng, 1, 3);
      const chosen = new Set<string>();
      while (chosen.size < lines) chosen.add(pick(rng, skus));
      plan.push({ platform: choosePlatform(), at: new Date(hour + Math.floor(rng() * 3600_000)), skus: [...chosen], live: false });
    }
  }
  // The live stream: 20:00 Asia/Shanghai of the day in range, most orders in its first ten minutes.
  const shanghaiMidnight = (ms: number) => ms - ((ms + 8 * 3600_000) % 86_400_000);
  // The most recent 20:00; a stream still on air has had its orders only up to now.
  let eight = shanghaiMidnight(now.getTime()) + 20 * 3600_000;
  if (eight > now.getTime()) eight -= 86_400_000;
  for (let i = 0, n = count - regular; i < n; i++) {
    const minute = Math.min(29, Math.floor(-Math.log(1 - rng() * 0.99) * 6));
    const at = Math.min(now.getTime(), eight + minute * 60_000 + Math.floor(rng() * 60_000));
    plan.push({ platform: 'douyin', at: new Date(at), skus: [LIVE_SKU], live: true });
  }
  return plan.sort((a, b) => a.at.getTime() - b.at.getTime());
}

// ── Running it against the API ────────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>;

export async function runDemo(opts: DemoOptions): Promise<Demo> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const base = opts.apiUrl.replace(/\/$/, '');
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const rng = createRng(seed);
  const orderCount = opts.orders ?? 300;

  const call = async (method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<{ status: number; json: Json }> => {
    let res: Response;
    let text: string;
    // A busy OMS answers 503 (a dependency slow to answer; nothing was accepted): the same request again, later.
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${opts.adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch {
        throw new StartupError(`no OMS answers at ${base}`, 'start it first (npm start), or pass --target with its address');
      }
      text = await res.text();
      if (res.status !== 503 || attempt >= 12) break;
      await sleep(Math.min(10_000, 500 * attempt));
    }
    const json = (text ? safeJson(text) : {}) as Json;
    if (res.status === 401) throw new StartupError(`the OMS at ${base} refused the admin key`, 'pass --key, or set ADMIN_API_KEY / DATA_DIR to those of the running npm start');
    if (res.status >= 400 && !okStatuses.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, json };
  };

  // Wait for a starting OMS (npm start -- --demo runs this as soon as the API listens).
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i === 0) log(`waiting for the OMS at ${base} …`);
    if (i > 120) throw new StartupError(`no OMS answers at ${base}`, 'start it first (npm start), or pass --target with its address');
    await sleep(500);
  }

  // 1. Warehouses, layouts, SKUs, stock.
  const skus = demoSkus();
  for (const w of DEMO_WAREHOUSES) {
    const { routing, ...body } = w;
    await call('POST', '/v1/warehouses', { ...body, contactName: '仓库主管', contactPhone: '4008000000' }, [409]);
    await call('PUT', `/v1/warehouses/${w.id}/layout`, layoutFor(skus, routing));
  }
  // Stock arrives as a receipt: on top of what a previous demo run left (its orders still hold their units).
  const onHand = new Map<string, number>();
  for (const w of DEMO_WAREHOUSES) {
    const rows = (await call('GET', `/v1/inventory?warehouseId=${w.id}`)).json as unknown as { sku: string; onHand: number }[];
    for (const row of Array.isArray(rows) ? rows : []) onHand.set(`${w.id}/${row.sku}`, row.onHand);
  }
  const setup = progress('warehouses, SKUs and stock', skus.length, { unit: 'SKUs' });
  await eachWithProgress(skus, 8, setup, async (s) => {
    await call('PUT', `/v1/skus/${s.sku}`, { title: s.title, safetyStock: s.safetyStock, weightGrams: s.weightGrams });
    for (const [i, w] of DEMO_WAREHOUSES.entries()) {
      const count = (onHand.get(`${w.id}/${s.sku}`) ?? 0) + s.stock[i]!;
      await call('PUT', `/v1/inventory/${w.id}/${s.sku}`, { onHand: count, safetyStock: s.safetyStock });
    }
  });
  setup.finish();
  // Listed prices per channel; the gift box is cheaper on Pinduoduo than elsewhere (a price gap to look at).
  for (const s of skus.slice(0, 12)) {
    const fen = 1990 + (hash(s.sku) % 40) * 500;
    const gap = s.sku === 'GFT-001' ? Math.round(fen * 0.7) : fen;
    await call('PUT', `/v1/skus/${s.sku}/prices`, { taobao: fen, tmall: fen, douyin: fen, wechat: fen, pdd: gap }, [404, 405]);
  }
  log(`  3 warehouses (${DEMO_WAREHOUSES.map((w) => w.name).join(', ')}) with layouts, ${skus.length} SKUs with stock and safety stock`);

  // 2. One store per platform, each on its simulator.
  const codes = skus.map((s) => s.sku);
  const shops = new Map<Platform, { running: RunningSimulator; storeId: string }>();
  for (const platform of PLATFORMS) {
    const shopId = platform === 'wechat' ? 'gh_demo_tea_shop' : String(880_000_000 + PLATFORMS.indexOf(platform));
    const credentials = { appKey: `demo-${platform}-key`, appSecret: `demo-${platform}-secret`, pushToken: `demo-${platform}-token` };
    const running = await startSimulator(platform, { ...credentials, shopId, skus: codes, seed: seed + PLATFORMS.indexOf(platform) });
    const name = { taobao: '茶语旗舰店（淘宝）', tmall: '茶语天猫旗舰店', pdd: '茶语拼多多店', douyin: '茶语抖音小店', wechat: '茶语微信小店' }[platform];
    const store = await call('POST', '/v1/stores', { platform, shopId, name, ...credentials, baseUrl: running.baseUrl });
    const storeId = String(store.json.storeId);
    await call('PUT', `/v1/stores/${storeId}/skus`, { skus: codes });
    shops.set(platform, { running, storeId });
  }
  log(`  ${shops.size} stores (${[...shops.keys()].join(', ')}), each on its platform simulator`);

  // 3. The day's orders, pushed in time order over ~40 s, as the platforms push them (a signed "paid" push each).
  const plan = planDay(new Date(), orderCount, codes.filter((c) => c !== LIVE_SKU), rng);
  const daySeconds = opts.daySeconds ?? 40;
  const first = plan[0]!.at.getTime();
  const span = plan.at(-1)!.at.getTime() - first || 1;
  const started = Date.now();
  const pushed: string[] = [];
  const rejected: string[] = [];
  const bar = progress('a day of orders', plan.length, { unit: 'orders' });
  const push = async (platform: Platform, channelOrderId: string) => {
    const { running } = shops.get(platform)!;
    const signed = running.sim.signedPush({ kind: 'paid', channelOrderId });
    const query = new URLSearchParams(signed.query).toString();
    const res = await fetch(`${base}/v1/webhooks/${platform}${query ? `?${query}` : ''}`, { method: 'POST', headers: signed.headers, body: signed.body });
    const text = await res.text();
    if (!res.ok) rejected.push(`${platform} ${res.status} ${text.slice(0, 120)}`);
    return res.ok;
  };
  await eachWithProgress(plan, 16, bar, async (o) => {
    const due = started + ((o.at.getTime() - first) / span) * daySeconds * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    const { running } = shops.get(o.platform)!;
    const place = pick(rng, BUYER_PLACES);
    const raw = running.sim.addOrder(running.sim.generateOrder({ skus: o.skus, at: o.at, ...place }));
    const channelOrderId = running.sim.idOf(raw);
    if (await push(o.platform, channelOrderId)) pushed.push(orderIdOf(o.platform, channelOrderId));
  });
  bar.finish();
  // The platform delivers one push twice (its retry after a slow answer): still one order.
  const twice = pushed.find((id) => id.startsWith('taobao-'));
  if (twice) await push('taobao', twice.slice('taobao-'.length));
  // A buyer orders the same thing twice by phone, a minute apart: the second is a suspected duplicate.
  const buyer = { name: '陈思远', phone: '13800138000' };
  const address = { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 东部软件园 3 号楼' };
  const phoneOrderAt = Date.now() - 10 * 60_000;
  for (const [i, suffix] of ['A', 'B'].entries()) {
    const id = `PHONE-${seed}-${suffix}`;
    await call('POST', '/v1/orders', {
      channel: 'manual',
      channelOrderId: id,
      createdAt: new Date(phoneOrderAt + i * 60_000).toISOString(),
      customer: buyer,
      shippingAddress: address,
      lines: [
        { sku: 'GFT-002', quantity: 1, unitPriceFen: 29_900 },
        { sku: 'CUP-002', quantity: 2, unitPriceFen: 6_800 },
      ],
    });
    await call('POST', `/v1/orders/manual-${id}/payment`, {}, [409]);
    pushed.push(`manual-${id}`);
  }
  const live = plan.filter((o) => o.live).length;
  log(`  ${pushed.length} orders over the last 24 h (${live} in the Douyin live stream at 20:00), ${rejected.length} pushes refused; one push delivered twice; one phone order entered twice`);
  for (const r of rejected.slice(0, 5)) log(`    refused: ${r}`);

  // 4. The warehouses at work: waves, picking (part scanned, part confirmed), parcels to the carriers.
  await sleep(3_000);
  const picking = await pickable(call, pushed, 60);
  let waves = 0;
  for (const w of DEMO_WAREHOUSES) {
    const wave = await call('POST', `/v1/warehouses/${w.id}/waves`, { maxOrders: 20 }, [404, 409]);
    if (wave.status === 201) waves += 1;
  }
  const toShip = picking.slice(0, Math.ceil(picking.length * 0.6));
  const packing = progress('picking and packing', toShip.length, { unit: 'orders' });
  let scanned = 0;
  await eachWithProgress(toShip, 4, packing, async (order, i) => {
    const taskId = order.taskId;
    if (i % 3 === 0) {
      // Scanned at the packing bench: every line, the pack check confirms the parcel.
      const task = await call('GET', `/v1/warehouse/tasks/${taskId}`, undefined, [404]);
      const lines = (task.json.lines ?? task.json.pickList ?? []) as StockLine[];
      for (const line of lines) await call('POST', `/v1/warehouse/tasks/${taskId}/scan`, { sku: line.sku, quantity: line.quantity }, [404, 409]);
      if (lines.length > 0) scanned += 1;
      else await call('POST', `/v1/warehouse/tasks/${taskId}/complete`, undefined, [404, 409]);
    } else {
      await call('POST', `/v1/warehouse/tasks/${taskId}/complete`, undefined, [404, 409]);
    }
  });
  packing.finish();
  log(`  ${waves} waves opened; ${toShip.length} orders packed (${scanned} scanned), handed to the SF / JD simulators; ${picking.length - toShip.length} still to pick`);

  // 5. Two buyers refuse their parcel at the door; once parcels are delivered, three buyers send one back.
  const shipped = toShip.map((o) => o.orderId);
  let refused = 0;
  for (const orderId of shipped.slice(0, 2)) {
    const order = await until(async () => {
      const { json } = await call('GET', `/v1/orders/${orderId}`);
      return json.status === 'SHIPPED' || json.status === 'DELIVERED' ? json : undefined;
    }, 30_000);
    if (!order) continue;
    const lines = (order.lines as StockLine[]).map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const res = await call('POST', `/v1/orders/${orderId}/returns`, { lines, reason: '买家拒收', refusedByBuyer: true }, [409]);
    if (res.status < 300) refused += 1;
  }
  log(`  ${refused} parcels refused at the door (returns on their way back)`);
  const returnsDone = (async () => {
    let returned = 0;
    for (const orderId of shipped.slice(2, 5)) {
      const order = await until(async () => {
        const { json } = await call('GET', `/v1/orders/${orderId}`);
        return json.status === 'DELIVERED' ? json : undefined;
      }, 6 * 60_000);
      if (!order) continue;
      const line = (order.lines as StockLine[])[0]!;
      const res = await call('POST', `/v1/orders/${orderId}/returns`, { lines: [{ sku: line.sku, quantity: 1 }], reason: '七天无理由退货' }, [409]);
      if (res.status < 300) returned += 1;
    }
    log(`  ${returned} delivered orders returned by their buyers (七天无理由)`);
  })().catch((err: unknown) => log(`  returns of delivered orders: ${(err as Error).message}`));

  return {
    orderIds: pushed,
    returnsDone,
    close: async () => {
      await Promise.all([...shops.values()].map((s) => s.running.close()));
    },
  };
}

/** Receivers in the simulators' cities, spread over China (the heat map). */
const BUYER_PLACES = [
  { province: '浙江省', city: '杭州市' },
  { province: '广东省', city: '深圳市' },
  { province: '广东省', city: '广州市' },
  { province: '上海市', city: '上海市' },
  { province: '北京市', city: '北京市' },
  { province: '四川省', city: '成都市' },
  { province: '江苏省', city: '南京市' },
  { province: '湖北省', city: '武汉市' },
];

/** Each warehouse's pick faces: families in zones A (tea, snacks) and B (tableware, gifts), 5 aisles × 10 bays. */
function layoutFor(skus: readonly DemoSku[], routing: 'one-way' | 'two-way') {
  const locations: Record<string, { zone: string; aisle: number; bay: number; level: number }> = {};
  skus.forEach((s, i) => {
    const zone = /^(TEA|SNK)/.test(s.sku) ? 'A' : 'B';
    const n = i % 25;
    locations[s.sku] = { zone, aisle: 1 + Math.floor(n / 5), bay: 1 + (n % 5) * 2, level: 1 + (i % 3) };
  });
  return { zones: ['A', 'B'], routing, locations };
}

/** Orders among `ids` with an open pick task (PICKING), at most `limit`. */
async function pickable(
  call: (method: string, path: string, body?: unknown, ok?: number[]) => Promise<{ status: number; json: Json }>,
  ids: readonly string[],
  limit: number,
): Promise<{ orderId: string; taskId: string }[]> {
  const out: { orderId: string; taskId: string }[] = [];
  for (const orderId of ids) {
    if (out.length >= limit) break;
    const { status, json } = await call('GET', `/v1/orders/${orderId}`, undefined, [404]);
    const task = (json.tasks as { taskId: string }[] | undefined)?.[0];
    if (status === 200 && json.status === 'PICKING' && task) out.push({ orderId, taskId: task.taskId });
  }
  return out;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(1_000);
  }
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

// ── npm run demo ──────────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      key: { type: 'string' },
      orders: { type: 'string', default: '300' },
      seed: { type: 'string' },
      'day-seconds': { type: 'string', default: '40' },
      exit: { type: 'boolean', default: false },
    },
  });
  const { apiUrl, adminKey, keyFile } = runningOms({ url: values.target, key: values.key });
  console.log(`Loading the demo brand into ${apiUrl}`);
  const demo = await runDemo({
    apiUrl,
    adminKey,
    orders: wholeNumber(values.orders, '--orders'),
    daySeconds: wholeNumber(values['day-seconds'], '--day-seconds'),
    ...(values.seed ? { seed: wholeNumber(values.seed, '--seed') } : {}),
  });
  console.log(`\nDone. Look at it: ${apiUrl}/console (admin key in ${keyFile}), the reports under ${apiUrl}/v1/reports/…, and the Temporal Web UI.`);
  if (values.exit) {
    await demo.close();
    return;
  }
  console.log('The platform simulators keep serving the demo stores (order details, stock and tracking updates); Ctrl-C to stop.');
  process.once('SIGINT', () => void demo.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void demo.close().then(() => process.exit(0)));
  await demo.returnsDone;
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new StartupError(`${flag} must be a whole number`, `e.g. ${flag} 300`);
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    const line = explainStartupError(err);
    console.error(line ? `demo: ${line}` : err);
    process.exit(1);
  });
}
