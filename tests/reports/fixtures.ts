/** A daily report made up in memory, for the picture, PDF and message tests (no database). */
import { funnel } from '../../domain/reports';
import type { DailyReport, HeatmapRegion, WarehouseHealthRow } from '../../reports/daily';
import { PNG } from 'pngjs';

export function aWarehouse(overrides: Partial<WarehouseHealthRow> = {}): WarehouseHealthRow {
  return {
    warehouseId: 'HZ1',
    name: '杭州仓',
    shipped: 30,
    allocated: 35,
    transfersIn: 0,
    transfersOut: 1,
    stockOuts: 2,
    skus: 10,
    onHand: 100,
    available: 80,
    fillRate: 0.9,
    daysOfSupply: 3,
    turnoverDays: 4,
    capacityUsed: 0.7,
    capacityOrders: 35,
    dailyOrderCapacity: 50,
    ...overrides,
  };
}

export const SOME_REGIONS: HeatmapRegion[] = [
  { province: '浙江省', city: '杭州市', orders: 30, gmvFen: 400_000, lat: 30.27, lng: 120.15 },
  { province: '广东省', city: '深圳市', orders: 20, gmvFen: 900_000, lat: 22.54, lng: 114.06 },
  { province: '新疆维吾尔自治区', city: '乌鲁木齐市', orders: 1, gmvFen: 5_000, lat: 43.8, lng: 87.6 },
  { province: '某省', city: '无坐标市', orders: 2, gmvFen: 1_000, lat: null, lng: null },
];

export function aDailyReport(overrides: Partial<DailyReport> = {}): DailyReport {
  const stats = (meanHours: number | null) => ({ orders: meanHours === null ? 0 : 3, meanHours, p90Hours: meanHours });
  return {
    date: '2026-11-25',
    period: { from: new Date('2026-11-24T16:00:00Z'), to: new Date('2026-11-25T16:00:00Z') },
    funnel: funnel({ ordered: 60, paid: 53, shipped: 40, delivered: 30, returned: 2 }),
    regions: SOME_REGIONS,
    paidOrders: 53,
    gmvFen: 1_306_000,
    warehouses: [aWarehouse(), aWarehouse({ warehouseId: 'GZ1', name: '广州仓', stockOuts: 0, dailyOrderCapacity: null, capacityUsed: null })],
    cycle: { current: { paidToShipped: stats(9.8), paidToDelivered: stats(30) }, baseline: { paidToShipped: stats(28.5), paidToDelivered: stats(50) }, compressionRate: (28.5 - 9.8) / 28.5 },
    ...overrides,
  };
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes a PNG and counts its pixels by colour: a blank picture has one colour. */
export function pngColours(png: Buffer): { width: number; height: number; colours: Map<number, number>; nonWhite: number } {
  const image = PNG.sync.read(png);
  const colours = new Map<number, number>();
  let nonWhite = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const rgba = image.data.readUInt32BE(i);
    colours.set(rgba, (colours.get(rgba) ?? 0) + 1);
    if (rgba !== 0xffffffff) nonWhite += 1;
  }
  return { width: image.width, height: image.height, colours, nonWhite };
}
