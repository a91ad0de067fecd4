import { ScheduleNotFoundError } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { startWecomSimulator, type RunningWecomSimulator } from '../../reports/wecom-simulator';
import { upsertDailyReportSchedule } from '../../temporal/schedules';
import { dailyReportScheduleId, type DailyReportOutcome } from '../../workflows/contract';
import { PNG_SIGNATURE, pngColours } from '../reports/fixtures';
import { anOrder, orderInStatus, seedWarehouse } from '../support/fixtures';
import { ADMIN_KEY, eventually, startStack, uniq, type Stack } from '../support/stack';
import { PNG } from 'pngjs';

let stack: Stack;
let robot: RunningWecomSimulator;
let work: string;
// Each message tried 3 times, 0.2 s then 0.4 s apart: a failing robot ends in a review task within seconds.
const RETRY = { initialIntervalMs: 200, maximumAttempts: 3 };

beforeAll(async () => {
  robot = await startWecomSimulator({ key: uniq('robot') });
  stack = await startStack({ reports: { wecomWebhookUrl: robot.webhookUrl, retry: RETRY } });
  work = mkdtempSync(join(tmpdir(), 'oms-report-pictures-'));
});
afterAll(async () => {
  await stack?.close();
  await robot?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * Orders on one day of a past year no other test uses (10 May, 2000–2014), so the day's report shows exactly
 * these: three paid in 杭州 at ¥10, one paid in 深圳 at ¥50, one never paid.
 */
describe('report pictures, the daily PDF and the WeCom push over the stack', () => {
  const date = `${2000 + Math.floor(Math.random() * 15)}-05-10`;
  const day = { from: date, to: date };

  beforeAll(async () => {
    const sku = uniq('CUP');
    await seedWarehouse(stack, { [sku]: 50 });
    const place = async (city: { province: string; city: string }, unitPriceFen: number, paid: boolean, hour: number) => {
      const createdAt = `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;
      const order = anOrder({
        createdAt,
        ...(paid ? { paidAt: `${date}T${String(hour).padStart(2, '0')}:10:00+08:00` } : {}),
        shippingAddress: { ...city, district: '', detail: '1 号' },
        lines: [{ sku, quantity: 1, unitPriceFen }],
      });
      const res = await stack.call('POST', '/v1/orders', order);
      expect(res.status).toBe(202);
      return { orderId: res.body.orderId as string, paid };
    };
    const hangzhou = { province: '浙江省', city: '杭州市' };
    const placed = [
      await place(hangzhou, 1000, true, 9),
      await place(hangzhou, 1000, true, 10),
      await place(hangzhou, 1000, true, 11),
      await place({ province: '广东省', city: '深圳市' }, 5000, true, 12),
      await place(hangzhou, 1000, false, 13),
    ];
    for (const o of placed) await orderInStatus(stack, o.orderId, o.paid ? 'PICKING' : 'PENDING_PAYMENT');
  }, 120_000);

  const get = (path: string) => stack.app.request(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

  it('heat map as SVG: the cities in Chinese', async () => {
    const res = await get(`/v1/reports/heatmap?${new URLSearchParams({ ...day, format: 'svg' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await res.text();
    expect(svg).toContain('杭州市 3');
    expect(svg).toContain('深圳市 1');
    expect(svg).toContain(`${date} · 付款订单 4 单 · GMV ¥80.00`);
  });

  it('heat map as PNG: a picture with the bubbles where the SVG puts them, coloured apart', async () => {
    const svg = await (await get(`/v1/reports/heatmap?${new URLSearchParams({ ...day, format: 'svg' })}`)).text();
    const res = await get(`/v1/reports/heatmap?${new URLSearchParams({ ...day, format: 'png' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { width, height, colours, nonWhite } = pngColours(png);
    expect([width, height]).toEqual([1000, 720]);
    expect(colours.size).toBeGreaterThan(20);
    expect(nonWhite).toBeGreaterThan(5_000);

    // The bubble centres from the SVG (data index 0: 杭州, most orders; 1: 深圳), read in the PNG's pixels.
    const centre = (index: number) => {
      const m = svg.match(new RegExp(`transform="matrix\\([\\d.]+,0,0,[\\d.]+,([\\d.]+),([\\d.]+)\\)"[^>]*ecmeta_series_index="0" ecmeta_data_index="${index}"`));
      if (!m) throw new Error(`no bubble ${index} in the SVG`);
      return { x: Math.round(Number(m[1])), y: Math.round(Number(m[2])) };
    };
    const image = PNG.sync.read(png);
    const pixel = ({ x, y }: { x: number; y: number }) => image.data.readUInt32BE((y * image.width + x) * 4);
    const hangzhou = pixel(centre(0));
    const shenzhen = pixel(centre(1));
    const corner = pixel({ x: 3, y: 3 });
    expect(corner).toBe(0xffffffff);
    expect(hangzhou).not.toBe(corner);
    expect(shenzhen).not.toBe(corner);
    // 深圳 has the day's biggest GMV, 杭州 less: different colours.
    expect(hangzhou).not.toBe(shenzhen);
  });

  it('the heat map table is unchanged: provinces by default', async () => {
    const res = await stack.call('GET', `/v1/reports/heatmap?${new URLSearchParams(day)}`);
    expect(res.body.level).toBe('province');
    expect(res.body.regions.map((r: { province: string; orders: number }) => [r.province, r.orders])).toEqual([
      ['浙江省', 3],
      ['广东省', 1],
    ]);
  });

  it('daily PDF: A4 pages with Chinese text and the charts, not blank', async () => {
    const res = await get(`/v1/reports/daily.pdf?date=${date}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`daily-report-${date}.pdf`);
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(work, 'daily.pdf');
    writeFileSync(file, pdf);

    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(Number(info.match(/Pages:\s+(\d+)/)![1])).toBeGreaterThanOrEqual(3);
    // The CJK font is embedded (a subset), so any viewer shows the characters.
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/\+NotoSansHans-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);

    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(`每日运营报告 ${date}`);
    expect(text).toContain('下单 5 单 · 付款 4 单 · GMV ¥80.00');
    expect(text).toContain('付款→发货时效压缩率');
    expect(text).toContain('杭州市');
    expect(text).toContain('仓库健康');

    execFileSync('pdftoppm', ['-r', '40', '-png', file, join(work, 'page')]);
    const pages = readdirSync(work).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages.slice(0, 3)) {
      const { width, height, nonWhite, colours } = pngColours(readFileSync(join(work, page)));
      expect(nonWhite / (width * height), page).toBeGreaterThan(0.02);
      expect(colours.size, page).toBeGreaterThan(10);
    }
  });

  it('push: the markdown summary and the chart reach the robot', async () => {
    robot.setMode({ kind: 'ok' });
    const before = robot.messages.length;
    const res = await stack.call('POST', '/v1/reports/daily/push', { date });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.date).toBe(date);
    const outcome: DailyReportOutcome = await stack.client.workflow.getHandle(res.body.workflowId).result();
    expect(outcome).toEqual({ date, sent: ['markdown', 'image'], failed: [] });

    const [markdown, image] = robot.messages.slice(before).map((m) => m.message);
    if (markdown?.msgtype !== 'markdown' || image?.msgtype !== 'image') throw new Error(`unexpected messages: ${JSON.stringify([markdown?.msgtype, image?.msgtype])}`);
    expect(markdown.markdown.content.split('\n')[0]).toBe(`## 每日运营报告 ${date}`);
    expect(markdown.markdown.content).toContain('下单 **5** · 付款 **4**');
    expect(markdown.markdown.content).toContain('> 杭州市 3 单 ¥30.00');
    expect(Buffer.byteLength(markdown.markdown.content)).toBeLessThanOrEqual(4096);
    const picture = Buffer.from(image.image.base64, 'base64');
    expect(createHash('md5').update(picture).digest('hex')).toBe(image.image.md5);
    const { nonWhite, colours } = pngColours(picture);
    expect(nonWhite).toBeGreaterThan(5_000);
    expect(colours.size).toBeGreaterThan(20);
  });

  it('push to a robot that keeps refusing: each message retried, then a review task', async () => {
    robot.setMode({ kind: 'errcode', errcode: 45009, errmsg: 'api freq out of limit' });
    const requestsBefore = robot.requests();
    const res = await stack.call('POST', '/v1/reports/daily/push', { date });
    expect(res.status).toBe(202);
    const outcome: DailyReportOutcome = await stack.client.workflow.getHandle(res.body.workflowId).result();
    expect(outcome.sent).toEqual([]);
    expect(outcome.failed).toEqual(['markdown', 'image']);
    expect(robot.requests() - requestsBefore).toBe(2 * RETRY.maximumAttempts);

    const tasks = await stack.call('GET', `/v1/ops/review-tasks?kind=daily-report-push`);
    const task = tasks.body.find((t: { id: string }) => t.id === outcome.reviewTaskId);
    expect(task, JSON.stringify(tasks.body)).toBeDefined();
    expect(task.kind).toBe('daily-report-push');
    expect(task.reason).toContain(date);
    expect(task.reason).toContain('45009');
    expect(task.reason).not.toContain(robot.webhookUrl.split('key=')[1]);
    robot.setMode({ kind: 'ok' });
  });

  it('a robot back after a refusal: the retry delivers, no review task', async () => {
    robot.setMode({ kind: 'http', status: 502 });
    const before = robot.messages.length;
    const requestsBefore = robot.requests();
    const res = await stack.call('POST', '/v1/reports/daily/push', { date });
    // The first attempt was refused; the robot is back for the retry.
    await eventually(async () => (robot.requests() > requestsBefore ? true : undefined), 30_000, 'a first, refused attempt');
    robot.setMode({ kind: 'ok' });
    const outcome: DailyReportOutcome = await stack.client.workflow.getHandle(res.body.workflowId).result();
    expect(outcome).toEqual({ date, sent: ['markdown', 'image'], failed: [] });
    expect(robot.requests() - requestsBefore).toBe(3);
    // Each message once: the retry of the first never repeated a message the group already had.
    expect(robot.messages.slice(before).map((m) => m.message.msgtype)).toEqual(['markdown', 'image']);
  });
});

describe('the daily report schedule', () => {
  const logger = createLogger('silent');
  it('runs at DAILY_REPORT_AT in Asia/Shanghai, and `off` removes it', async () => {
    const taskQueue = `${stack.taskQueue}-daily`;
    await upsertDailyReportSchedule({ client: stack.client, taskQueue, at: { hour: 8, minute: 0 }, logger });
    // Again, changed: the existing schedule is updated, not duplicated.
    await upsertDailyReportSchedule({ client: stack.client, taskQueue, at: { hour: 7, minute: 30 }, logger });
    const handle = stack.client.schedule.getHandle(dailyReportScheduleId(taskQueue));
    const described = await handle.describe();
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyReportWorkflow', taskQueue });
    // 07:30 in Shanghai is 23:30 UTC.
    const next = described.info.nextActionTimes[0]!;
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([23, 30]);

    await upsertDailyReportSchedule({ client: stack.client, taskQueue, at: null, logger });
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
