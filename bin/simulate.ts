/**
 * Plays a sales platform against a running OMS: serves the platform simulator (so the OMS can fetch
 * order details from it), generates orders, and posts one signed "paid" push per order to
 * `${target}/v1/webhooks/${platform}`, exactly as the platform (or our TMC/PDD relay) would.
 *
 *   npm run simulate -- --platform douyin --orders 1000 --target http://localhost:3000 \
 *     [--shop-id X --app-key K --app-secret S --push-token T --skus A,B --port 4103 --concurrency 20 --seed 1 --exit]
 *
 * Point the OMS store's baseUrl at the printed simulator URL, with the same app key, secret and shop id.
 * Prints only counts and order ids: generated orders carry (fake) phone numbers and addresses.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from '../channels/simulators';
import { type Platform, PLATFORMS } from '../channels/types';
import { eachWithProgress, progress } from '../infra/progress';

/** Fixed default ports, so an OMS store configured once keeps working across runs. */
const DEFAULT_PORTS: Readonly<Record<Platform, number>> = { taobao: 4101, tmall: 4101, pdd: 4102, douyin: 4103, wechat: 4104 };

const { values } = parseArgs({
  options: {
    platform: { type: 'string' },
    orders: { type: 'string', default: '10' },
    target: { type: 'string', default: 'http://localhost:3000' },
    'shop-id': { type: 'string' },
    'app-key': { type: 'string' },
    'app-secret': { type: 'string' },
    'push-token': { type: 'string' },
    skus: { type: 'string', default: 'SKU-TEE-M,SKU-CUP-500,SKU-TEA-250' },
    province: { type: 'string' },
    city: { type: 'string' },
    port: { type: 'string' },
    concurrency: { type: 'string', default: '20' },
    seed: { type: 'string' },
    exit: { type: 'boolean', default: false },
  },
});

const platform = values.platform as Platform | undefined;
if (!platform || !PLATFORMS.includes(platform)) {
  console.error(`--platform must be one of ${PLATFORMS.join(', ')}`);
  process.exit(2);
}
const orderCount = wholeNumber(values.orders, '--orders');
const concurrency = wholeNumber(values.concurrency, '--concurrency');
const skus = values.skus.split(',').map((s) => s.trim()).filter(Boolean);
const appKey = values['app-key'] ?? `demo-${platform}-key`;

const running = await startSimulator(platform, {
  appKey,
  appSecret: values['app-secret'] ?? `demo-${platform}-secret`,
  pushToken: values['push-token'] ?? `demo-${platform}-token`,
  ...(values['shop-id'] ? { shopId: values['shop-id'] } : {}),
  skus,
  seed: values.seed ? wholeNumber(values.seed, '--seed') : Date.now() % 2 ** 31,
  port: values.port ? wholeNumber(values.port, '--port') : DEFAULT_PORTS[platform],
});
console.log(`${platform} simulator serving at ${running.baseUrl} (app key ${appKey})`);

const webhook = `${values.target.replace(/\/$/, '')}/v1/webhooks/${platform}`;
const rejections = new Map<string, number>();
let accepted = 0;

const ids = Array.from({ length: orderCount }, () => {
  const order = running.sim.addOrder(running.sim.generateOrder(pickDefined({ province: values.province, city: values.city })));
  return running.sim.idOf(order);
});

const bar = progress(`pushing ${platform} orders`, ids.length, { unit: 'orders' });
await eachWithProgress(ids, concurrency, bar, async (channelOrderId) => {
  const push = running.sim.signedPush({ kind: 'paid', channelOrderId });
  const query = new URLSearchParams(push.query).toString();
  try {
    const res = await fetch(query ? `${webhook}?${query}` : webhook, { method: 'POST', headers: push.headers, body: push.body });
    const text = await res.text();
    if (res.ok) accepted += 1;
    else count(`HTTP ${res.status} ${text.slice(0, 120)}`);
  } catch (err) {
    count(`unreachable: ${(err as Error).message}`);
  }
});
bar.finish();

const rejected = orderCount - accepted;
console.log(`pushed ${orderCount} orders to ${webhook}: ${accepted} accepted, ${rejected} rejected`);
for (const [reason, n] of rejections) console.log(`  ${n} × ${reason}`);

if (values.exit) {
  await running.close();
  process.exitCode = rejected > 0 ? 1 : 0;
} else {
  console.log('still serving order details for the OMS to fetch; Ctrl-C to stop');
  process.once('SIGINT', () => void running.close().then(() => process.exit(rejected > 0 ? 1 : 0)));
}

function count(reason: string): void {
  rejections.set(reason, (rejections.get(reason) ?? 0) + 1);
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`${flag} must be a whole number`);
    process.exit(2);
  }
  return n;
}

function pickDefined<T extends Record<string, string | undefined>>(record: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}
