import { describe, expect, it } from 'vitest';
import { funnel } from '../../domain/reports';
import { dailyPng, dailySvg, funnelSvg, heatmapSvg, svgToPng, warehouseHealthSvg } from '../../reports/charts';
import { CJK_FONT } from '../../reports/fonts';
import { aDailyReport, aWarehouse, PNG_SIGNATURE, pngColours, SOME_REGIONS } from './fixtures';

describe('heat map picture', () => {
  const svg = heatmapSvg({ regions: SOME_REGIONS, subtitle: '2026-11-25' });

  it('is an SVG with the cities in Chinese, in the CJK font', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    for (const city of ['杭州市 30', '深圳市 20', '乌鲁木齐市 1']) expect(svg).toContain(city);
    expect(svg).toContain('订单热力图');
    expect(svg).toContain(CJK_FONT.family);
  });

  // ECharts draws each bubble as a unit circle scaled by a transform (the scale is the radius), tagged with its data index.
  const bubbles = [...svg.matchAll(/<path [^>]*transform="matrix\(([\d.]+),0,0,[\d.]+,[\d.]+,[\d.]+\)" fill="([^"]+)"[^>]*ecmeta_series_index="0" ecmeta_data_index="(\d+)"/g)].map((m) => ({
    radius: Number(m[1]),
    fill: m[2],
    index: Number(m[3]),
  }));

  it('draws one bubble per placed region and says how many it could not place', () => {
    expect(bubbles.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(svg).toContain('1 个地区无坐标未显示');
    expect(svg).not.toContain('无坐标市');
  });

  it('sizes bubbles by orders and colours them by GMV', () => {
    const [hangzhou, shenzhen, urumqi] = bubbles;
    expect(hangzhou!.radius).toBeGreaterThan(shenzhen!.radius);
    expect(shenzhen!.radius).toBeGreaterThan(urumqi!.radius);
    // The biggest GMV (深圳) takes the top of the colour range, the smallest the bottom.
    expect(shenzhen!.fill).toBe('rgb(238,102,102)');
    expect(urumqi!.fill).not.toBe(shenzhen!.fill);
    expect(hangzhou!.fill).not.toBe(shenzhen!.fill);
  });

  it('with no paid order says so instead of an empty plot', () => {
    expect(heatmapSvg({ regions: [], subtitle: '2026-11-25' })).toContain('没有付款订单');
  });
});

describe('funnel and warehouse pictures', () => {
  it('labels the funnel stages in Chinese with counts and conversion', () => {
    const svg = funnelSvg(funnel({ ordered: 10, paid: 8, shipped: 4, delivered: 2, returned: 0 }), '2026-11-25');
    for (const label of ['下单 10', '付款 8（80.0%）', '发货 4（50.0%）', '签收 2（50.0%）', '退货 0（0.0%）']) expect(svg).toContain(label);
  });

  it('names the warehouses and cuts a long name', () => {
    const svg = warehouseHealthSvg([aWarehouse(), aWarehouse({ warehouseId: 'X', name: '一个名字非常非常长的仓库' })], '2026-11-25');
    expect(svg).toContain('杭州仓');
    expect(svg).toContain('一个名字非常非…');
    expect(svg).toContain('满足率 %');
  });

  it('puts funnel and warehouses in the daily picture with the compression rate', () => {
    const d = aDailyReport();
    const svg = dailySvg({ date: d.date, funnel: d.funnel, warehouses: d.warehouses, compressionRate: d.cycle.compressionRate });
    expect(svg).toContain('每日运营 2026-11-25');
    expect(svg).toContain('压缩率 65.6%');
    expect(svg).toContain('付款 53');
    expect(svg).toContain('广州仓');
  });
});

describe('PNG from SVG', () => {
  it('draws Chinese text with the font from its file (no system fonts are loaded)', async () => {
    const text = (chars: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="4" y="30" font-size="24" font-family="${CJK_FONT.family}">${chars}</text></svg>`;
    const drawn = pngColours(await svgToPng(text('杭州市')));
    const nothing = pngColours(await svgToPng(text('')));
    expect(nothing.nonWhite).toBe(0);
    // Three characters at 24 px: hundreds of inked pixels; a missing font would leave the picture white.
    expect(drawn.nonWhite).toBeGreaterThan(300);
  });

  it('is a PNG of the chart, not blank, at the asked scale', async () => {
    const png = await svgToPng(heatmapSvg({ regions: SOME_REGIONS, subtitle: '2026-11-25' }), 2);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { width, height, colours, nonWhite } = pngColours(png);
    expect([width, height]).toEqual([2000, 1440]);
    expect(colours.size).toBeGreaterThan(50);
    expect(nonWhite / (width * height)).toBeGreaterThan(0.01);
  });

  it('the daily picture is far below the robot’s 2 MB', async () => {
    const png = await dailyPng(aDailyReport({ warehouses: Array.from({ length: 30 }, (_, i) => aWarehouse({ warehouseId: `W${i}`, name: `仓库${i}` })) }));
    expect(png.length).toBeLessThan(500_000);
  });
});
