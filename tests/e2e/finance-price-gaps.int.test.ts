/**
 * Cross-channel price gaps end to end: listed prices read from the Taobao and Douyin simulators through their
 * item APIs by the price poll workflow (on a worker of its own), a gap opened, pushed to the WeCom stand-in once,
 * and closed when the prices agree again; prices set by API for a channel without an item API.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createFinanceActivities } from '../../activities/finance-activities';
import { startSimulator, type RunningSimulator } from '../../channels/simulators';
import { productOf } from '../../channels/simulators/fake-data';
import type { Platform } from '../../channels/types';
import { createLogger } from '../../infra/logger';
import { startWecomSimulator, type RunningWecomSimulator } from '../../reports/wecom-simulator';
import type { pricePollWorkflow } from '../../workflows/price-poll';
import { startStack, uniq, type Stack } from '../support/stack';

let stack: Stack;
let robot: RunningWecomSimulator;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
const taskQueue = `finance-${randomUUID()}`;
const sims: RunningSimulator[] = [];
const storeIds: string[] = [];
const sku = uniq('GAP-CUP');
const listed = productOf(sku).unitPriceFen;

async function connect(platform: Platform): Promise<RunningSimulator> {
  const sim = await startSimulator(platform, { appKey: `${platform}-app`, appSecret: `${platform}-secret`, skus: [sku], seed: sims.length + 3 });
  sims.push(sim);
  const res = await stack.call('POST', '/v1/stores', { platform, shopId: uniq('shop'), appKey: `${platform}-app`, appSecret: `${platform}-secret`, baseUrl: sim.baseUrl });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  storeIds.push(res.body.storeId);
  // The store sells the SKU: its price is read from now on.
  expect((await stack.call('PUT', `/v1/stores/${res.body.storeId}/skus`, { skus: [sku] })).status).toBe(200);
  return sim;
}

/** One round of the scheduled workflow, on this test's stores. */
async function pollPrices() {
  return stack.client.workflow.execute<typeof pricePollWorkflow>('pricePollWorkflow', { workflowId: uniq('price-poll-'), taskQueue, args: [{ storeIds }] });
}

const messagesAbout = (text: string) => robot.messages.filter((m) => m.message.msgtype === 'markdown' && m.message.markdown.content.includes(text));

beforeAll(async () => {
  robot = await startWecomSimulator({ key: uniq('robot') });
  stack = await startStack();
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  // The stack's API answers with the default thresholds (10 yuan / 10%): the worker uses the same.
  worker = await Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createFinanceActivities({
      db: stack.db,
      logger: createLogger('silent'),
      channels: { tokens: stack.tokens },
      finance: { priceGap: { fen: 1000, pct: 10 }, wecomWebhookUrl: robot.webhookUrl },
    }),
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await stack?.close();
  for (const sim of sims) await sim.close();
  await robot?.close();
});

describe('price gaps read through the simulators', () => {
  it('opens a gap when Douyin lists the SKU 120 yuan below Taobao, tells the group once, and closes it when the prices agree again', async () => {
    const taobao = await connect('taobao');
    const douyin = await connect('douyin');

    // Both list the SKU at its product price: prices known, no gap.
    const first = await pollPrices();
    expect(first).toMatchObject({ read: 2, opened: 0 });
    const sku1 = await stack.call('GET', `/v1/skus/${sku}`);
    expect(sku1.status).toBe(200);
    expect(sku1.body.prices).toEqual({ douyin: listed, taobao: listed });

    // A promotion on Douyin only.
    douyin.sim.setItemPrice(sku, listed - 12_000 > 0 ? listed - 12_000 : 100);
    taobao.sim.setItemPrice(sku, listed + 12_000);
    const low = listed - 12_000 > 0 ? listed - 12_000 : 100;
    const opened = await pollPrices();
    expect(opened).toMatchObject({ opened: 1, pushed: expect.any(Number) });
    const gaps = await stack.call('GET', `/v1/alerts/price-gaps?sku=${sku}`);
    expect(gaps.status).toBe(200);
    expect(gaps.body.items).toHaveLength(1);
    expect(gaps.body.items[0]).toMatchObject({ sku, status: 'open', lowChannel: 'douyin', lowFen: low, highChannel: 'taobao', highFen: listed + 12_000, gapFen: listed + 12_000 - low });
    expect(gaps.body.items[0].pushedAt).not.toBeNull();
    expect(messagesAbout(sku)).toHaveLength(1);
    expect((messagesAbout(sku)[0]!.message as { markdown: { content: string } }).markdown.content).toContain('douyin');

    // Still apart at the next round: the same alert, not told again.
    const again = await pollPrices();
    expect(again.opened).toBe(0);
    expect((await stack.call('GET', `/v1/alerts/price-gaps?sku=${sku}&status=all`)).body.items).toHaveLength(1);
    expect(messagesAbout(sku)).toHaveLength(1);

    // The promotion reaches Taobao too: the prices agree and the alert closes.
    taobao.sim.setItemPrice(sku, low);
    const closed = await pollPrices();
    expect(closed.closed).toBeGreaterThanOrEqual(1);
    expect((await stack.call('GET', `/v1/alerts/price-gaps?sku=${sku}`)).body.items).toEqual([]);
    const history = (await stack.call('GET', `/v1/alerts/price-gaps?sku=${sku}&status=closed`)).body.items;
    expect(history).toHaveLength(1);
    expect(history[0].closedAt).not.toBeNull();
    expect((await stack.call('GET', `/v1/skus/${sku}`)).body.prices).toEqual({ douyin: low, taobao: low });
    expect(messagesAbout(sku)).toHaveLength(1);
  });

  it('prices set by API for a channel without an item API open and close a gap; bad prices are refused with the field', async () => {
    const manualSku = uniq('GAP-API');
    const put = (body: unknown) => stack.call('PUT', `/v1/skus/${manualSku}/prices`, body);
    const within = await put({ tmall: 10_000, manual: 10_500 });
    expect(within.status).toBe(200);
    expect(within.body).toMatchObject({ prices: { manual: 10_500, tmall: 10_000 }, gap: { opened: false, alert: null } });
    // 5% and 5 yuan: within both thresholds. 25 yuan apart: over 10 yuan (and over 10%).
    const apart = await put({ manual: 12_500 });
    expect(apart.body.gap).toMatchObject({ opened: true, alert: { sku: manualSku, lowChannel: 'tmall', highChannel: 'manual', gapFen: 2_500, gapPct: 25 } });
    expect((await stack.call('GET', `/v1/alerts/price-gaps?sku=${manualSku}`)).body.items).toHaveLength(1);
    expect((await stack.call('GET', `/v1/skus/${manualSku}`)).body).toMatchObject({ sku: manualSku, prices: { manual: 12_500, tmall: 10_000 } });
    const agree = await put({ manual: 10_000 });
    expect(agree.body.gap).toMatchObject({ closed: true, alert: null });

    const bad = await put({ manual: 99.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('json.manual');
    const negative = await put({ tmall: -1 });
    expect(negative.status).toBe(400);
    expect((await stack.call('GET', `/v1/skus/${manualSku}`)).body.prices).toEqual({ manual: 10_000, tmall: 10_000 });
  });
});
