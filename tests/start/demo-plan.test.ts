import { describe, expect, it } from 'vitest';
import { demoSkus, LIVE_SKU, planDay } from '../../bin/demo';
import { createRng } from '../../channels/simulators/fake-data';

const shanghaiHour = (d: Date) => new Date(d.getTime() + 8 * 3600_000).getUTCHours();
const shanghaiMinute = (d: Date) => new Date(d.getTime() + 8 * 3600_000).getUTCMinutes();

describe('the demo brand', () => {
  it('50 distinct SKUs, each with safety stock; the live SKU short; some SKUs below their safety stock from the start', () => {
    const skus = demoSkus();
    expect(new Set(skus.map((s) => s.sku)).size).toBe(50);
    for (const s of skus) expect(s.safetyStock).toBeGreaterThan(0);
    expect(skus.find((s) => s.sku === LIVE_SKU)!.stock.reduce((a, b) => a + b, 0)).toBeLessThan(60);
    expect(skus.filter((s) => s.stock.some((n) => n < s.safetyStock)).length).toBeGreaterThanOrEqual(5);
  });

  // Moments of the Shanghai day: morning, just before the stream (yesterday's), during it (on air), after it.
  it.each(['2026-12-03T01:30:00Z', '2026-12-03T11:59:00Z', '2026-12-03T12:15:00Z', '2026-12-03T13:00:00Z'])('a day ending %s: 24 hours of orders in the day rhythm, and a Douyin live stream at 20:00', (iso) => {
    const now = new Date(iso);
    const skus = demoSkus().map((s) => s.sku).filter((s) => s !== LIVE_SKU);
    const plan = planDay(now, 300, skus, createRng(7));
    expect(plan.length).toBeGreaterThanOrEqual(290);
    expect(plan.length).toBeLessThanOrEqual(310);
    // In time order, inside the 24 hours before now.
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.at.getTime()).toBeGreaterThanOrEqual(plan[i - 1]!.at.getTime());
    for (const o of plan) {
      expect(o.at.getTime()).toBeGreaterThanOrEqual(now.getTime() - 24 * 3600_000);
      expect(o.at.getTime()).toBeLessThanOrEqual(now.getTime());
    }
    // The live stream: a fifth of the orders, Douyin, the live SKU, in the half hour after 20:00 Shanghai.
    const live = plan.filter((o) => o.live);
    expect(live.length).toBe(60);
    for (const o of live) {
      expect(o).toMatchObject({ platform: 'douyin', skus: [LIVE_SKU] });
      expect(shanghaiHour(o.at)).toBe(20);
      expect(shanghaiMinute(o.at)).toBeLessThan(30);
    }
    // Regular orders: every platform, 1–3 distinct SKUs, never the live SKU; nights quiet, evenings busy.
    const regular = plan.filter((o) => !o.live);
    expect(new Set(regular.map((o) => o.platform))).toEqual(new Set(['taobao', 'tmall', 'pdd', 'douyin', 'wechat']));
    for (const o of regular) {
      expect(o.skus.length).toBeGreaterThanOrEqual(1);
      expect(o.skus.length).toBeLessThanOrEqual(3);
      expect(new Set(o.skus).size).toBe(o.skus.length);
      expect(o.skus).not.toContain(LIVE_SKU);
    }
    const inHours = (hours: number[]) => regular.filter((o) => hours.includes(shanghaiHour(o.at))).length;
    expect(inHours([19, 20, 21, 22])).toBeGreaterThan(5 * inHours([2, 3, 4, 5]));
  });
});
