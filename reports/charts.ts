/**
 * Report charts drawn on the server: ECharts' server-side rendering to an SVG string (no DOM, no canvas), and
 * PNG from that SVG by resvg with the project's CJK font loaded from its file (reports/fonts.ts), so Chinese
 * labels come out as characters whatever fonts the machine has.
 *
 * The heat map is a bubble chart on longitude/latitude axes (no map geometry to ship or license): one bubble
 * per city, sized by paid orders, coloured by GMV.
 */
import { renderAsync } from '@resvg/resvg-js';
import { BarChart, FunnelChart, LineChart, ScatterChart } from 'echarts/charts';
import { GraphicComponent, GridComponent, LegendComponent, TitleComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { FunnelRow } from '../domain/reports';
import type { DailyReport, HeatmapRegion, WarehouseHealthRow } from './daily';
import { CJK_FONT } from './fonts';
import { count, pct, regionName, STAGE_LABELS, yuan } from './format';

echarts.use([ScatterChart, FunnelChart, BarChart, LineChart, TitleComponent, GridComponent, VisualMapComponent, LegendComponent, GraphicComponent, SVGRenderer]);

type Option = echarts.EChartsCoreOption;

const TEXT = { fontFamily: CJK_FONT.family, color: '#333' };
/** Mainland China's extent, fixed so the bubbles sit where a reader expects the cities to be. */
const CHINA = { lng: [73, 136], lat: [17, 54] } as const;
/** Labels on the busiest cities only: a national day has hundreds of them. */
const LABELLED_REGIONS = 20;

/** Renders an option to an SVG string, at a fixed size, without animation. */
export function renderSvg(option: Option, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#fff', textStyle: TEXT, ...option });
    return chart.renderToSVGString();
  } finally {
    // A chart left undisposed keeps zrender's frame timer alive.
    chart.dispose();
  }
}

/**
 * PNG from an SVG, drawn with the CJK font only (system fonts are not looked at, so a server renders exactly
 * what CI renders). `scale` 2 gives a sharp picture in a PDF or on a phone. Off the event loop (a worker thread).
 */
export async function svgToPng(svg: string, scale = 1): Promise<Buffer> {
  const image = await renderAsync(svg, {
    font: { fontFiles: [CJK_FONT.regular, CJK_FONT.bold], loadSystemFonts: false, defaultFontFamily: CJK_FONT.family, sansSerifFamily: CJK_FONT.family },
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
  });
  return image.asPng();
}

const empty = (text: string): Option => ({
  graphic: [{ type: 'text', left: 'center', top: 'middle', style: { text, fontSize: 18, fill: '#999', fontFamily: CJK_FONT.family } }],
});

export interface HeatmapChartInput {
  regions: readonly HeatmapRegion[];
  /** Subtitle: the period the figures cover. */
  subtitle: string;
}

export function heatmapOption({ regions, subtitle }: HeatmapChartInput): Option {
  const placed = regions.filter((r) => r.lat !== null && r.lng !== null);
  const unplaced = regions.length - placed.length;
  const maxOrders = Math.max(1, ...placed.map((r) => r.orders));
  const maxGmv = Math.max(1, ...placed.map((r) => r.gmvFen / 100));
  const labelled = new Set([...placed].sort((a, b) => b.orders - a.orders).slice(0, LABELLED_REGIONS));
  const orders = regions.reduce((n, r) => n + r.orders, 0);
  const gmv = regions.reduce((n, r) => n + r.gmvFen, 0);
  return {
    title: {
      text: '订单热力图',
      subtext: `${subtitle} · 付款订单 ${count(orders)} 单 · GMV ${yuan(gmv)}${unplaced ? ` · ${unplaced} 个地区无坐标未显示` : ''}`,
      left: 'center',
      textStyle: { ...TEXT, fontSize: 22, fontWeight: 'bold' },
      subtextStyle: { ...TEXT, color: '#666', fontSize: 13 },
    },
    grid: { left: 60, right: 120, top: 80, bottom: 50 },
    xAxis: { type: 'value', min: CHINA.lng[0], max: CHINA.lng[1], name: '经度', axisLabel: { formatter: '{value}°E' }, splitLine: { lineStyle: { color: '#eee' } } },
    yAxis: { type: 'value', min: CHINA.lat[0], max: CHINA.lat[1], name: '纬度', axisLabel: { formatter: '{value}°N' }, splitLine: { lineStyle: { color: '#eee' } } },
    visualMap: {
      type: 'continuous',
      dimension: 3,
      min: 0,
      max: maxGmv,
      right: 10,
      bottom: 50,
      text: ['GMV 高', '低'],
      textStyle: TEXT,
      calculable: false,
      inRange: { color: ['#91cc75', '#fac858', '#ee6666'] },
    },
    series: [
      {
        type: 'scatter',
        // Area, not radius, in proportion to orders: a city with four times the orders looks four times as big.
        symbolSize: (value: number[]) => 8 + 48 * Math.sqrt((value[2] ?? 0) / maxOrders),
        itemStyle: { opacity: 0.8, borderColor: '#fff', borderWidth: 1 },
        data: placed.map((r) => ({
          name: regionName(r),
          value: [r.lng, r.lat, r.orders, r.gmvFen / 100],
          label: { show: labelled.has(r), position: 'right', formatter: `${regionName(r)} ${count(r.orders)}`, fontSize: 12, fontFamily: CJK_FONT.family, color: '#333' },
        })),
      },
    ],
    ...(placed.length === 0 ? empty('没有付款订单') : {}),
  };
}

export const heatmapSvg = (input: HeatmapChartInput) => renderSvg(heatmapOption(input), 1000, 720);

/** The funnel as a funnel series, placed in the given box (so the daily picture can put it beside the bars). */
function funnelSeries(stages: readonly FunnelRow[], box: { left: string | number; top: number; width: string | number; height: number }) {
  const max = Math.max(1, ...stages.map((s) => s.count));
  return {
    type: 'funnel',
    ...box,
    // The stages in their order, even where a later one is bigger (returned after delivered, say).
    sort: 'none',
    min: 0,
    max,
    minSize: '8%',
    gap: 3,
    label: { show: true, position: 'inside', fontFamily: CJK_FONT.family, fontSize: 13, color: '#222' },
    data: stages.map((s) => ({
      name: STAGE_LABELS[s.stage],
      value: s.count,
      label: { formatter: `${STAGE_LABELS[s.stage]} ${count(s.count)}${s.conversionFromPrevious === null ? '' : `（${pct(s.conversionFromPrevious)}）`}` },
    })),
  };
}

export function funnelOption(stages: readonly FunnelRow[], subtitle: string): Option {
  return {
    title: { text: '履约漏斗', subtext: `${subtitle} · 括号内为上一步的转化率`, left: 'center', textStyle: { ...TEXT, fontSize: 20, fontWeight: 'bold' }, subtextStyle: { ...TEXT, color: '#666' } },
    color: ['#5470c6', '#91cc75', '#fac858', '#73c0de', '#ee6666'],
    series: [funnelSeries(stages, { left: '10%', top: 80, width: '80%', height: 300 })],
    ...(stages.every((s) => s.count === 0) ? empty('没有订单') : {}),
  };
}

export const funnelSvg = (stages: readonly FunnelRow[], subtitle: string) => renderSvg(funnelOption(stages, subtitle), 800, 420);

/** Warehouses drawn: the busiest, so the bars stay readable. */
const CHARTED_WAREHOUSES = 12;

function warehouseParts(warehouses: readonly WarehouseHealthRow[], grid: { left: string | number; right: string | number; top: number; bottom: number }) {
  const shown = [...warehouses].sort((a, b) => b.allocated - a.allocated || b.shipped - a.shipped || a.warehouseId.localeCompare(b.warehouseId)).slice(0, CHARTED_WAREHOUSES);
  const ratio = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);
  return {
    legend: { data: ['已分配', '已发货', '缺货 SKU', '满足率 %', '产能占用 %'], bottom: 0, textStyle: TEXT },
    grid,
    xAxis: { type: 'category', data: shown.map((w) => shorten(w.name || w.warehouseId, 8)), axisLabel: { interval: 0, rotate: shown.length > 6 ? 30 : 0, fontFamily: CJK_FONT.family } },
    yAxis: [
      { type: 'value', name: '单 / SKU', minInterval: 1, splitLine: { lineStyle: { color: '#eee' } } },
      { type: 'value', name: '%', min: 0, max: 100, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: '已分配', data: shown.map((w) => w.allocated), itemStyle: { color: '#5470c6' }, label: { show: true, position: 'top' } },
      { type: 'bar', name: '已发货', data: shown.map((w) => w.shipped), itemStyle: { color: '#91cc75' }, label: { show: true, position: 'top' } },
      { type: 'bar', name: '缺货 SKU', data: shown.map((w) => w.stockOuts), itemStyle: { color: '#ee6666' } },
      { type: 'line', name: '满足率 %', yAxisIndex: 1, data: shown.map((w) => ratio(w.fillRate)), itemStyle: { color: '#fac858' }, symbolSize: 8 },
      { type: 'line', name: '产能占用 %', yAxisIndex: 1, data: shown.map((w) => ratio(w.capacityUsed)), itemStyle: { color: '#9a60b4' }, symbolSize: 8, lineStyle: { type: 'dashed' } },
    ],
  };
}

/** A category label cut to `max` characters (a long warehouse name would run into the legend). */
const shorten = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

export function warehouseHealthOption(warehouses: readonly WarehouseHealthRow[], subtitle: string): Option {
  return {
    title: { text: '仓库健康', subtext: subtitle, left: 'center', textStyle: { ...TEXT, fontSize: 20, fontWeight: 'bold' }, subtextStyle: { ...TEXT, color: '#666' } },
    ...warehouseParts(warehouses, { left: 60, right: 60, top: 90, bottom: 80 }),
    ...(warehouses.length === 0 ? empty('没有仓库') : {}),
  };
}

export const warehouseHealthSvg = (warehouses: readonly WarehouseHealthRow[], subtitle: string) => renderSvg(warehouseHealthOption(warehouses, subtitle), 900, 460);

export interface DailyChartInput {
  date: string;
  funnel: readonly FunnelRow[];
  warehouses: readonly WarehouseHealthRow[];
  compressionRate: number | null;
}

/** One picture of the day for the group chat: the funnel on the left, the warehouses on the right. */
export function dailyOption(d: DailyChartInput): Option {
  const parts = warehouseParts(d.warehouses, { left: '46%', right: 50, top: 130, bottom: 80 });
  return {
    title: [
      { text: `每日运营 ${d.date}`, subtext: `付款→发货时效压缩率 ${pct(d.compressionRate)}（对比前一日）`, left: 'center', textStyle: { ...TEXT, fontSize: 22, fontWeight: 'bold' }, subtextStyle: { ...TEXT, color: '#666', fontSize: 14 } },
      { text: '履约漏斗', left: '20%', top: 85, textAlign: 'center', textStyle: { ...TEXT, fontSize: 15 } },
      { text: '仓库健康', left: '72%', top: 85, textAlign: 'center', textStyle: { ...TEXT, fontSize: 15 } },
    ],
    color: ['#5470c6', '#91cc75', '#fac858', '#73c0de', '#ee6666'],
    legend: parts.legend,
    grid: parts.grid,
    xAxis: parts.xAxis,
    yAxis: parts.yAxis,
    series: [funnelSeries(d.funnel, { left: '3%', top: 125, width: '36%', height: 360 }), ...parts.series],
  };
}

export const dailySvg = (d: DailyChartInput) => renderSvg(dailyOption(d), 1200, 560);

/** The daily picture the group chat gets, as PNG (at 1200 × 560 it stays far below WeCom's 2 MB). */
export async function dailyPng(report: DailyReport): Promise<Buffer> {
  return svgToPng(dailySvg({ date: report.date, funnel: report.funnel, warehouses: report.warehouses, compressionRate: report.cycle.compressionRate }), 1);
}
