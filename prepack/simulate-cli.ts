/**
 * Realistic browsing for the demo, posted to a running OMS: `npm run simulate:browsing -- [--skus SKU-001,SKU-002]
 * [--customers 200] [--hours 24] [--seed 1] [--url http://127.0.0.1:$PORT] [--key <API key>]` (by default the OMS
 * `npm start` runs here, with its admin key).
 *
 * The generated shoppers of prepack/simulate.ts (tastes, spend, interest episodes with a hidden intent), moved so
 * their last day of browsing ends now, posted in bodies of 1,000 to `POST /v1/events`. With stock of those SKUs
 * in a warehouse and a trained model, the most eager of them are pre-packed within PREPACK_SCORE_INTERVAL:
 * `GET /v1/prepack/candidates`.
 */
import { parseArgs } from 'node:util';
import { runningOms } from '../bin/running-oms';
import { explainStartupError, StartupError } from '../infra/startup-error';
import { generateHistory } from './simulate';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    customers: { type: 'string', default: '200' },
    skus: { type: 'string' },
    hours: { type: 'string', default: '24' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    /** Customers who clearly want the first SKU (long views all day, cart adds, a favourite): the demo's pre-packs. */
    eager: { type: 'string', default: '3' },
  },
});

async function main() {
  const oms = runningOms({ url: values.url, key: values.key });
  const hours = Number(values.hours);
  const skuList = values.skus?.split(',').filter(Boolean);
  const now = Date.now();
  const days = Math.max(1, Math.ceil(hours / 24));
  const g = generateHistory({ seed: Number(values.seed), customers: Number(values.customers), skus: skuList?.length ?? 12, categories: 3, startMs: now - days * 86_400_000, days });
  const rename = new Map([...new Set(g.events.map((e) => e.sku))].sort().map((s, i) => [s, skuList?.[i] ?? s]));
  const events = g.events
    .filter((e) => e.atMs <= now && e.atMs >= now - hours * 3_600_000)
    .map((e) => ({ eventId: `sim-${values.seed}-${e.eventId}`, customerPhone: e.phone, sku: rename.get(e.sku)!, type: e.type, at: new Date(e.atMs).toISOString(), dwellSeconds: e.dwellSeconds }));
  const first = rename.get([...rename.keys()][0]!)!;
  const eager = Array.from({ length: Number(values.eager) }, (_, i) => `138${String(Number(values.seed) * 100 + i).padStart(8, '0').slice(-8)}`);
  for (const phone of eager) {
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const tag = `sim-${values.seed}-${phone}`;
    for (let i = 0; i < 20; i++) events.push({ eventId: `${tag}-v${i}`, customerPhone: phone, sku: first, type: 'view', at: at(5 + i * 60), dwellSeconds: 300 });
    for (let i = 0; i < 5; i++) events.push({ eventId: `${tag}-c${i}`, customerPhone: phone, sku: first, type: 'cart', at: at(3 + i * 60), dwellSeconds: 0 });
    events.push({ eventId: `${tag}-f`, customerPhone: phone, sku: first, type: 'favourite', at: at(2), dwellSeconds: 0 });
  }
  let accepted = 0;
  for (let i = 0; i < events.length; i += 1_000) {
    const res = await fetch(`${oms.apiUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${oms.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(events.slice(i, i + 1_000)),
    }).catch(() => {
      throw new StartupError(`no OMS answers at ${oms.apiUrl}`, 'start it first (npm start), or pass --url with its address');
    });
    if (res.status !== 202) throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
    accepted += ((await res.json()) as { accepted: number }).accepted;
  }
  console.log(`${events.length} browsing events of ${values.customers} customers over the last ${hours} h posted (${accepted} new); SKUs: ${[...new Set(rename.values())].join(', ')}`);
  if (eager.length) console.log(`eager customers for ${first} (pay with one of these phones to see the pre-packed unit ship): ${eager.join(', ')}`);
  console.log(`pre-packs appear within PREPACK_SCORE_INTERVAL at ${oms.apiUrl}/v1/prepack/candidates (a model is trained first if there is none)`);
}

main().catch((err: unknown) => {
  const line = explainStartupError(err);
  console.error(`simulate:browsing: ${line ?? (err instanceof Error ? err.message : err)}`);
  process.exit(1);
});
