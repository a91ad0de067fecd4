/**
 * The ops console in a real browser: Debian's Chromium driven by playwright-core, against the whole stack
 * (PostgreSQL, Temporal, the ingest consumer, the carrier simulator) served on a real port. The data is made
 * through the API as ops would meet it: orders in several statuses, a return whose watch expired into a
 * review task, a warehouse with a wave and open pick tasks, and a push parked as a dead letter.
 *
 * Covered: nothing loads from anywhere but this server, and nothing fails before login; a wrong key is shown
 * as an error; the key lives in sessionStorage only; Chinese and English labels; every screen from its tab (and
 * by keyboard); the overview refreshing by itself; stuck orders with the SLA the user types; order search by
 * platform order id, phone (masked) and status; the order detail with its Temporal link; resolving a review
 * task with a note (the workflow acts on it); replaying a dead letter; waves and PDA tasks; the report charts.
 * Screenshots go to test-artifacts/console/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../api/routes/console';
import { connectShop, postPush, type ConnectedShop } from '../ingest/support';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { ADMIN_KEY, eventually, startStack, uniq, type Stack } from '../support/stack';
import { requestReturn, returnWaybill, shippedOrder } from '../e2e/returns-support';

// The page.evaluate callbacks run in the browser; this Node project compiles without the DOM types.
declare const document: any, window: any, sessionStorage: any, localStorage: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
const KEY_STORAGE = 'oms-console-api-key';
const WATCH_MS = 3_000;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
const shops: ConnectedShop[] = [];
/** Every request the page made that did not go to our server, and every answer of ours that failed. */
const foreign: string[] = [];
const failed: string[] = [];
const pageErrors: string[] = [];

/** What the test made, through the API. */
const data = {} as {
  returned: { orderId: string; warehouseId: string; channelOrderId: string; phone: string };
  reviewTaskId: string;
  picking: { orderId: string; warehouseId: string; taskId: string; waveId: string };
  cancelledOrderId: string;
  deadLetter: { id: number; orderId: string; shop: ConnectedShop };
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the console test needs a real browser (Debian: apt-get install -y chromium; or set CHROMIUM_PATH)`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({
    serveHttp: true,
    timings: { afterSaleWindowMs: 300_000, returnWatchTimeoutMs: WATCH_MS, returnTrackingIntervalMs: 1_000 },
    carrierTiming: { returnPickupAfterMs: 3_600_000, returnDeliverAfterMs: 3_600_000 },
    ingest: { maxAttempts: 2, reclaimAfterMs: 500 },
  });
  base = stack.apiUrl!;
  await makeData();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
  // Offline by construction: anything not for our server is refused (and remembered, to fail the test).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => failed.push(`failed ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(shops.map((s) => s.close()));
  await stack?.close();
});

async function makeData() {
  // A delivered order whose return is never collected: the watch expires into a return-stalled review task.
  const sku = uniq('CUP');
  const shipped = await shippedOrder(stack, [{ sku, quantity: 2, unitPriceFen: 2990 }]);
  const shippedOrderBody = (await stack.call('GET', `/v1/orders/${shipped.orderId}`)).body;
  const returnId = await requestReturn(stack, shipped.orderId, { lines: [{ sku, quantity: 2 }], reason: '尺码不合适' });
  await returnWaybill(stack, shipped.orderId, returnId);
  await orderInStatus(stack, shipped.orderId, 'RETURN_REVIEW', 60_000);
  const tasks = await stack.call('GET', `/v1/ops/review-tasks?orderId=${shipped.orderId}&kind=return-stalled`);
  expect(tasks.body).toHaveLength(1);
  data.reviewTaskId = tasks.body[0].id;
  data.returned = { ...shipped, channelOrderId: shippedOrderBody.channelOrderId, phone: shippedOrderBody.customer.phone };

  // A warehouse with a layout, an order waiting at PICKING, opened into a wave.
  const waveSku = uniq('TEE');
  const warehouseId = uniq('WC');
  const created = await stack.call('POST', '/v1/warehouses', {
    id: warehouseId,
    name: `控制台仓 ${warehouseId}`,
    province: '浙江省',
    city: '杭州市',
    lat: 30.27,
    lng: 120.15,
    layout: { locations: { [waveSku]: { aisle: 2, bay: 5 } } },
  });
  expect(created.status).toBe(201);
  expect((await stack.call('PUT', `/v1/inventory/${warehouseId}/${waveSku}`, { onHand: 50 })).status).toBe(200);
  const pickingRes = await stack.call('POST', '/v1/orders', anOrder({ paidAt: new Date().toISOString(), lines: [{ sku: waveSku, quantity: 3, unitPriceFen: 4900 }] }));
  expect(pickingRes.status).toBe(202);
  const picking = await orderInStatus(stack, pickingRes.body.orderId, 'PICKING');
  const wave = await stack.call('POST', `/v1/warehouses/${picking.allocation.warehouseId}/waves`, {});
  expect(wave.status, JSON.stringify(wave.body)).toBe(201);
  data.picking = { orderId: picking.orderId, warehouseId: picking.allocation.warehouseId, taskId: picking.tasks[0].taskId, waveId: wave.body.waveId };

  // An order cancelled before payment: a final status.
  const unpaid = await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku: waveSku, quantity: 1, unitPriceFen: 4900 }] }));
  expect(unpaid.status).toBe(202);
  await orderInStatus(stack, unpaid.body.orderId, 'PENDING_PAYMENT');
  expect((await stack.call('POST', `/v1/orders/${unpaid.body.orderId}/cancel`, { reason: '买家不要了' })).status).toBe(200);
  data.cancelledOrderId = unpaid.body.orderId;

  // A Pinduoduo push whose order cannot be fetched (the store points at a dead gateway): parked as poison.
  const shop = await connectShop(stack, 'pdd', { baseUrl: 'http://127.0.0.1:9' });
  shops.push(shop);
  const { channelOrderId, orderId } = shop.addOrder();
  expect((await postPush(stack, 'pdd', shop.push('paid', channelOrderId))).status).toBe(200);
  const letter = await eventually(
    async () => ((await stack.call('GET', `/v1/ingest/dead-letters?storeId=${shop.storeId}`)).body as { id: number; reason: string }[])[0],
    60_000,
    'the dead letter',
  );
  expect(letter.reason).toBe('poison');
  data.deadLetter = { id: letter.id, orderId, shop };
}

async function shot(name: string) {
  // The CJK font is ours, served from /console/assets: wait for it, or Chinese text would be boxes.
  await page.evaluate(async () => {
    await document.fonts.load('16px "Noto Sans S Chinese"', '中文');
    await document.fonts.ready;
  });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
/** Every visible form field has a name a screen reader reads (a label, or aria-label / aria-labelledby); every button and link has text. */
const unlabelledFields = () =>
  page.evaluate(() => {
    const visible = (el: any) => el.offsetParent !== null;
    const fields = Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
      .filter(visible)
      .filter((el: any) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')));
    const controls = Array.from(document.querySelectorAll('button, a[href]'))
      .filter(visible)
      .filter((el: any) => !(el.textContent.trim() || el.getAttribute('aria-label')));
    return [...fields, ...controls].map((el: any) => el.outerHTML.slice(0, 120));
  });

async function openTab(id: string, heading: RegExp) {
  await page.click(`#tab-${id}`);
  await expect.poll(() => page.getAttribute(`#tab-${id}`, 'aria-selected')).toBe('true');
  await page.locator('#panel h2').filter({ hasText: heading }).first().waitFor();
}

describe('the ops console in Chromium', () => {
  it('loads with nothing from the internet and nothing failing before login, in Chinese', async () => {
    await page.goto(`${base}/console`);
    await page.locator('#api-key').waitFor();
    await page.waitForLoadState('networkidle');
    // Chinese first (the browser asks for zh-CN), the English word beside it on the login and the tabs.
    expect(await page.locator('#login-heading').innerText()).toBe('登录 Sign in');
    expect(await page.locator('label[for=api-key]').innerText()).toBe('API 密钥 API key');
    expect(await page.locator('#app').isHidden()).toBe(true);
    // The key field has the focus: typing starts at once.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    expect(await page.evaluate(() => typeof window.htmx)).toBe('object');
    expect(foreign).toEqual([]);
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await unlabelledFields()).toEqual([]);
    await shot('login');
  });

  it('shows a wrong key as an error and lets nobody in', async () => {
    await page.fill('#api-key', 'not-a-real-key-0000');
    await page.keyboard.press('Enter');
    const error = page.locator('#login-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.innerText()).toContain('API 密钥无效');
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await page.locator('#app').isHidden()).toBe(true);
    expect(await page.evaluate((k) => sessionStorage.getItem(k), KEY_STORAGE)).toBeNull();
    await shot('login-wrong-key');
    // A refused key is the check's answer, not a failing request: nothing red in the browser's console.
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('signs in with the key kept in sessionStorage only, and shows every status as a number on the overview', async () => {
    await page.fill('#api-key', ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.locator('#status-counts').waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
    expect(await page.evaluate((k) => sessionStorage.getItem(k), KEY_STORAGE)).toBe(ADMIN_KEY);
    expect(await page.evaluate(() => ({ local: localStorage.length, cookie: document.cookie }))).toEqual({ local: 0, cookie: '' });

    const counts = await page.$$eval('#status-counts [data-status]', (els) => els.map((el) => ({ status: el.getAttribute('data-status'), n: el.querySelector('dd')?.textContent ?? '' })));
    const api = (await stack.call('GET', '/v1/ops/order-counts')).body as { statuses: { status: string }[] };
    expect(counts.map((c) => c.status)).toEqual([...api.statuses.map((s) => s.status), 'TOTAL']);
    expect(counts).toHaveLength(17);
    for (const c of counts) expect(c.n, c.status!).toMatch(/^\d+$/);
    const n = (status: string) => Number(counts.find((c) => c.status === status)!.n);
    expect(n('RETURN_REVIEW')).toBeGreaterThanOrEqual(1);
    expect(n('CANCELLED')).toBeGreaterThanOrEqual(1);
    expect(n('PICKING')).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#status-counts').innerText()).toContain('已取消');

    // The backlog's numbers and today's funnel are there; the open review task is counted and listed.
    for (const field of ['buffered', 'oldestAgeMs', 'acceptedPerSec', 'persistedPerSec', 'workflowsBehind', 'etaSeconds']) {
      expect(await page.locator(`#backlog [data-field="${field}"] dd`).innerText(), field).not.toBe('');
    }
    expect(await page.locator('#funnel-table').innerText()).toContain('下单');
    expect(Number(await page.locator('#open-review-count').innerText())).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#open-review').innerText()).toContain(data.returned.orderId);
    expect(await unlabelledFields()).toEqual([]);
  });

  it('refreshes the overview by itself while orders come in', async () => {
    const totalNow = async () => Number(await page.locator('#status-counts [data-status="TOTAL"] dd').innerText());
    const before = await totalNow();
    const stampBefore = await page.getAttribute('#overview-live', 'data-updated');
    const sku = uniq('BURST');
    const warehouseId = await seedWarehouse(stack, { [sku]: 100 });
    expect(warehouseId).toBeTruthy();
    for (let i = 0; i < 3; i++) {
      expect((await stack.call('POST', '/v1/orders', anOrder({ lines: [{ sku, quantity: 1, unitPriceFen: 100 }] }))).status).toBe(202);
    }
    // No click, no reload: the page asks again on its own.
    await expect.poll(totalNow, { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(before + 3);
    expect(await page.getAttribute('#overview-live', 'data-updated')).not.toBe(stampBefore);
    expect(await page.locator('#overview-updated').innerText()).toMatch(/更新于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });

  it('lists stuck orders beyond the SLA the user types, and shows a bad SLA as an error', async () => {
    await page.fill('#olderThan', 'soon');
    await page.locator('#olderThan').press('Enter');
    await page.locator('#stuck .alert').waitFor();
    expect(await page.locator('#stuck .alert').innerText()).toMatch(/400.*olderThan/s);

    await page.fill('#olderThan', '1s');
    await page.locator('#olderThan').press('Enter');
    await expect.poll(() => page.locator('#stuck').innerText(), { timeout: 15_000 }).toContain(data.picking.orderId);
    expect(await page.locator('#stuck h3').innerText()).toContain('1s');
    // The SLA stays what the user typed across the automatic refreshes.
    const stamp = await page.getAttribute('#overview-live', 'data-updated');
    await expect.poll(() => page.getAttribute('#overview-live', 'data-updated'), { timeout: 15_000 }).not.toBe(stamp);
    expect(await page.locator('#stuck').innerText()).toContain(data.picking.orderId);
    // Today's funnel refreshes on its own, slower clock: the block's refresh keeps it as it was, not "loading".
    expect(await page.locator('#funnel-today').innerText()).toContain('下单');
    await shot('overview-zh');
  });

  it('switches to English and stays signed in', async () => {
    await page.click('#switch-lang');
    await page.locator('#status-counts').waitFor();
    expect(await page.locator('#tab-overview').innerText()).toBe('Overview 概览');
    expect(await page.locator('#tab-review').innerText()).toBe('Review tasks 人工审核');
    expect(await page.locator('#tab-warehouses').innerText()).toBe('Waves & PDA tasks 波次与 PDA 任务');
    expect(await page.locator('#status-counts').innerText()).toContain('CANCELLED');
    expect(await page.locator('#funnel-table').innerText()).toContain('Ordered');
    await page.fill('#olderThan', '1s');
    await page.locator('#olderThan').press('Enter');
    await expect.poll(() => page.locator('#stuck').innerText(), { timeout: 15_000 }).toContain(data.picking.orderId);
    await shot('overview');
  });

  it('moves between tabs with the keyboard (arrows, Enter) and reaches the search field with Tab', async () => {
    await page.focus('#tab-overview');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-orders');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-reports');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('#order-search').waitFor();
    expect(await page.getAttribute('#tab-orders', 'aria-selected')).toBe('true');
    expect(await page.getAttribute('#tab-overview', 'aria-selected')).toBe('false');
    // Focus went to the screen's heading; the next Tab is the search field.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('order-q');
    await page.keyboard.type(data.returned.channelOrderId);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#orders-table tbody tr').count()).toBe(1);
    expect(await page.locator('#orders-table').innerText()).toContain(data.returned.orderId);
    expect(await unlabelledFields()).toEqual([]);
  });

  it('finds an order by phone (shown masked) and by status', async () => {
    const digits = data.returned.phone.replace(/\D/g, '').slice(-11);
    await page.fill('#order-q', `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`);
    await page.click('#order-search button[type=submit]');
    await expect.poll(() => page.locator('#orders-table').innerText()).toContain(data.returned.orderId);
    const table = await page.locator('#orders-table').innerText();
    expect(table).toContain(`${digits.slice(0, 3)}****${digits.slice(7)}`);
    expect(table).not.toContain(digits);

    await page.fill('#order-q', '');
    await page.selectOption('#order-status', 'CANCELLED');
    await page.click('#order-search button[type=submit]');
    await expect.poll(() => page.locator('#orders-table').innerText()).toContain(data.cancelledOrderId);
    const statuses = await page.$$eval('#orders-table tbody tr td:nth-child(4)', (tds) => tds.map((td) => td.textContent));
    expect(new Set(statuses)).toEqual(new Set(['CANCELLED']));
    await shot('orders');
  });

  it('shows an order in detail: lines, allocation and why, shipments, returns, timeline, and the Temporal link', async () => {
    await page.fill('#order-q', data.returned.orderId);
    await page.selectOption('#order-status', '');
    await page.click('#order-search button[type=submit]');
    await page.locator(`#orders-table a.order-link:text-is("${data.returned.orderId}")`).click();
    await page.locator('#order-detail').waitFor();
    const detail = await page.locator('#order-detail').innerText();
    expect(detail).toContain('RETURN_REVIEW');
    expect(detail).toContain('¥29.90');
    expect(await page.locator('#order-lines').innerText()).toMatch(/CUP.*2/s);
    expect(await page.locator('#allocation').innerText()).toContain(data.returned.warehouseId);
    expect((await page.locator('#allocation-why').innerText()).length).toBeGreaterThan(3);
    expect(await page.locator('#order-shipments').innerText()).toMatch(/forward.*sf/s);
    // The pick task it shipped from, completed long ago, is part of its story.
    expect(await page.locator('#order-tasks').innerText()).toMatch(new RegExp(`pick-${data.returned.orderId}.*pick.*completed`, 's'));
    expect(await page.locator('#order-returns').innerText()).toContain('尺码不合适');
    expect(await page.locator('#order-timeline').innerText()).toContain('RETURN_WATCH_EXPIRED');
    expect(await page.locator('#order-review').innerText()).toContain('return-stalled');
    const digits = data.returned.phone.replace(/\D/g, '').slice(-11);
    expect(await page.locator('dd[data-field="phone"]').innerText()).toBe(`${digits.slice(0, 3)}****${digits.slice(7)}`);
    expect(detail).not.toContain(digits);
    // The default Web UI address (TEMPORAL_UI_PORT 8233, namespace default) and the order's workflow id.
    expect(await page.getAttribute('#temporal-link', 'href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/order-${data.returned.orderId}`);
    expect(page.url()).toContain(`#order=${data.returned.orderId}`);
    await shot('order-detail');

    // A reload comes back to the same order, still signed in.
    await page.reload();
    await page.locator('#order-detail').waitFor();
    expect(await page.getAttribute('#order-detail', 'data-order-id')).toBe(data.returned.orderId);
  });

  it('resolves a review task with a note, and the order workflow acts on it', async () => {
    await openTab('review', /Review tasks/);
    await page.fill('#review-order', data.returned.orderId);
    await page.click('#review-filter button[type=submit]');
    const card = page.locator(`#review-${data.reviewTaskId}`);
    await card.waitFor();
    expect(await card.innerText()).toContain('return-stalled');
    expect(await unlabelledFields()).toEqual([]);
    await shot('review-tasks');

    // The resolution starts as "resolved"; emptied, the browser refuses to send (required field).
    expect(await card.locator('input[name=resolution]').inputValue()).toBe('resolved');
    await card.locator('input[name=resolution]').fill('');
    await card.locator('button[type=submit]').click();
    expect(await card.locator('input[name=resolution]').evaluate((el) => el.validity.valueMissing)).toBe(true);

    await card.locator('input[name=resolution]').fill('received');
    await card.locator('textarea[name=note]').fill('仓库已签收 (console)');
    await card.locator('button[type=submit]').click();
    await page.locator(`#review-${data.reviewTaskId} .ok`).waitFor();
    expect(await page.locator(`#review-${data.reviewTaskId}`).innerText()).toContain('received: 仓库已签收 (console)');

    const returned = await orderInStatus(stack, data.returned.orderId, 'RETURNED', 60_000);
    expect(returned.returns[0]).toMatchObject({ status: 'received', receivedBy: 'review' });
    const task = (await stack.call('GET', `/v1/ops/review-tasks?orderId=${data.returned.orderId}&state=all`)).body.find((t: { id: string }) => t.id === data.reviewTaskId);
    expect(task.resolution).toBe('received: 仓库已签收 (console)');
    await shot('review-resolved');
  });

  it('replays a dead letter after the platform is reachable again, showing the payload fields and the failure before', async () => {
    await openTab('dead-letters', /Dead letters/);
    const card = page.locator(`#dead-letter-${data.deadLetter.id}`);
    await card.waitFor();
    expect(await card.innerText()).toContain('poison');
    await card.locator('summary').click();
    await expect.poll(() => card.locator('details').innerText(), { timeout: 10_000 }).toMatch(/field/);
    expect(await card.locator('details').innerText()).not.toContain('Loading');
    await shot('dead-letters');

    // While the store still points at the dead gateway, the replay fails and says why.
    await card.locator('button[type=submit]').click();
    await page.locator(`#dead-letter-${data.deadLetter.id} .alert`).waitFor();
    expect(await page.locator(`#dead-letter-${data.deadLetter.id} .alert`).innerText()).toMatch(/502|422/);

    const { shop } = data.deadLetter;
    const reconnect = await stack.call('POST', '/v1/stores', { platform: 'pdd', shopId: shop.shopId, ...shop.credentials, baseUrl: shop.running.baseUrl });
    expect(reconnect.status).toBe(200);
    // The store directory caches credentials for 5 s: replay until the new gateway is used.
    await eventually(
      async () => {
        const current = page.locator(`#dead-letter-${data.deadLetter.id}`);
        if (await current.locator('.ok').count()) return true;
        const answered = page.waitForResponse((r) => r.url().includes(`/dead-letters/${data.deadLetter.id}/replay`), { timeout: 10_000 });
        await current.locator('button[type=submit]').click();
        await answered;
        await page.waitForTimeout(1_000);
        return undefined;
      },
      30_000,
      'the replay to succeed',
    );
    const replayed = page.locator(`#dead-letter-${data.deadLetter.id}`);
    expect(await replayed.innerText()).toContain(data.deadLetter.orderId);
    const letter = (await stack.call('GET', `/v1/ingest/dead-letters/${data.deadLetter.id}`)).body;
    expect(letter).toMatchObject({ status: 'replayed', orderId: data.deadLetter.orderId });
    await eventually(async () => stack.orders.get(data.deadLetter.orderId), 60_000, 'the replayed order');
    await shot('dead-letter-replayed');
    failed.length = 0; // the refused replays above were the point
  });

  it('shows the waves and PDA tasks of a warehouse', async () => {
    await openTab('warehouses', /Warehouses/);
    await page.selectOption('#warehouse-select', data.picking.warehouseId);
    await page.click('#warehouse-form button[type=submit]');
    await expect.poll(() => page.locator('#waves-table').innerText(), { timeout: 10_000 }).toContain(data.picking.waveId);
    const tasks = await page.locator('#pda-tasks-table').innerText();
    expect(tasks).toContain(data.picking.taskId);
    expect(tasks).toContain(data.picking.waveId);
    expect(tasks).toMatch(/TEE.*×3/);
    expect(await unlabelledFields()).toEqual([]);
    await shot('warehouses');
  });

  it('draws the report charts (funnel, heat map, warehouse health) from the reports API, and the pre-packs\' outcomes', async () => {
    await openTab('reports', /Reports/);
    await page.locator('#report-funnel svg').waitFor();
    await page.locator('#report-heatmap svg').waitFor();
    await page.locator('#report-health svg').waitFor();
    expect(await page.locator('#report-funnel figure').getAttribute('aria-label')).toBe('Fulfilment funnel');
    expect(await page.locator('#report-heatmap svg').innerHTML()).toContain('杭州');
    expect(Number((await page.locator('#report-funnel #funnel-table tbody tr').first().innerText()).split('\t')[1])).toBeGreaterThanOrEqual(3);
    // Pre-packs: how they ended, and payment → shipped of pre-packed orders against the others (this data shipped some of those).
    expect(await page.locator('#prepack-outcomes thead').innerText()).toMatch(/Pre-packed.*Bought.*Expired.*Still open.*Share bought/s);
    const dispatch = await page.locator('#prepack-dispatch').innerText();
    expect(dispatch).toMatch(/Pre-packed orders\t\d+\t/);
    expect(Number(/Other orders\t(\d+)\t/.exec(dispatch)?.[1])).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#panel .alert').count()).toBe(0);
    expect(await unlabelledFields()).toEqual([]);
    await shot('reports');
  });

  it('has made no request to the internet and no failing request after login', () => {
    expect(foreign).toEqual([]);
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('opens a link pasted into the address bar of the open console', async () => {
    // Same page, another hash: no reload, the page opens what the hash names.
    const here = page.url().split('#')[0]!;
    expect(here).toContain('lang=en');
    await page.goto(`${here}#order=${encodeURIComponent(data.picking.orderId)}`);
    await expect.poll(() => page.getAttribute('#order-detail', 'data-order-id'), { timeout: 10_000 }).toBe(data.picking.orderId);
    expect(await page.locator('#order-tasks').innerText()).toContain(data.picking.taskId);
    await page.goto(`${here}#tab=dead-letters`);
    await page.locator('#panel h2').filter({ hasText: /Dead letters/ }).waitFor();
    expect(await page.getAttribute('#tab-dead-letters', 'aria-selected')).toBe('true');
  });

  it('signs out: the key is gone and the screens with it', async () => {
    await page.click('#sign-out');
    await page.locator('#api-key').waitFor();
    expect(await page.evaluate((k) => sessionStorage.getItem(k), KEY_STORAGE)).toBeNull();
    expect(await page.locator('#panel').innerText()).toBe('');
  });
});

describe('the Temporal link', () => {
  it('uses the configured Web UI address and namespace', async () => {
    const routes = consoleRoutes({ api: (path, init) => stack.app.request(path, init), temporalUi: { url: 'http://temporal-ui.example:18233/', namespace: 'oms-prod' } });
    const res = await routes.request(`/ui/orders/${data.returned.orderId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-console-lang': 'en' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`href="http://temporal-ui.example:18233/namespaces/oms-prod/workflows/order-${data.returned.orderId}"`);
  });

  it('answers 401 to a fragment asked for with a wrong key, so the page goes back to its login', async () => {
    const res = await stack.app.request('/console/ui/overview', { headers: { authorization: 'Bearer nope-nope-nope-nope' } });
    expect(res.status).toBe(401);
    const page = await stack.app.request('/console');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!doctype html>');
  });
});

describe('the reads the console added to the ops API', () => {
  it('counts every status, final ones too, and the total', async () => {
    const res = await stack.call('GET', '/v1/ops/order-counts');
    expect(res.status).toBe(200);
    const { statuses, total } = res.body as { statuses: { status: string; count: number }[]; total: number };
    expect(statuses.map((s) => s.status)).toEqual(['PENDING_PAYMENT', 'RESERVED', 'AWAITING_TRANSFER', 'AWAITING_PURCHASE', 'BACKORDERED', 'ALLOCATED', 'PICKING', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURN_IN_TRANSIT', 'RETURN_REVIEW', 'RETURNED', 'COMPLETED', 'CANCELLED', 'MERGED']);
    expect(total).toBe(statuses.reduce((sum, s) => sum + s.count, 0));
    expect(statuses.find((s) => s.status === 'CANCELLED')!.count).toBeGreaterThanOrEqual(1);
  });

  it('finds an order by phone however it is written, and never returns the phone in clear', async () => {
    const digits = data.returned.phone.replace(/\D/g, '').slice(-11);
    for (const q of [digits, `+86 ${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`, `86${digits}`]) {
      const res = await stack.call('GET', `/v1/ops/orders?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.map((o: { orderId: string }) => o.orderId)).toContain(data.returned.orderId);
      expect(JSON.stringify(res.body)).not.toContain(digits);
    }
    // Part of a number is not a phone search.
    expect((await stack.call('GET', `/v1/ops/orders?q=${digits.slice(0, 7)}`)).body).toEqual([]);
  });

  it('refuses bad input with the field path, and keys without the ops scope', async () => {
    const status = await stack.call('GET', '/v1/ops/orders?status=LOST');
    expect(status.status).toBe(400);
    expect(status.body.error.issues[0].path).toBe('query.status');
    const tasks = await stack.call('GET', '/v1/ops/warehouse-tasks');
    expect(tasks.status).toBe(400);
    expect(tasks.body.error.issues[0].path).toBe('query.warehouseId');
    const reader = await stack.call('POST', '/v1/api-keys', { name: uniq('reader'), scopes: ['orders:read'] });
    expect(reader.status).toBe(201);
    const refused = await stack.call('GET', '/v1/ops/order-counts', undefined, { authorization: `Bearer ${reader.body.key}` });
    expect(refused.status).toBe(403);
  });

  it("lists a warehouse's pick tasks by state", async () => {
    const open = await stack.call('GET', `/v1/ops/warehouse-tasks?warehouseId=${data.picking.warehouseId}`);
    expect(open.body).toEqual([expect.objectContaining({ taskId: data.picking.taskId, orderId: data.picking.orderId, status: 'open', waveId: data.picking.waveId })]);
    const completed = await stack.call('GET', `/v1/ops/warehouse-tasks?warehouseId=${data.picking.warehouseId}&status=completed`);
    expect(completed.body).toEqual([]);
  });
});
