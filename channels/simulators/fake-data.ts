/**
 * Believable but invented buyers, addresses and products for the simulators. Deterministic for a given
 * seed, and a SKU always gets the same title and price so catalogues stay consistent across orders.
 */
import { seededRandom } from '../../domain/random';

export type Rng = () => number;

/** Repeatable test data: the same seed, the same buyers and products. */
export const createRng: (seed: number) => Rng = seededRandom;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** A numeric id of exactly `length` digits (no leading zero), as a string: most platform ids exceed 2^53. */
export function digits(rng: Rng, length: number): string {
  let out = String(intBetween(rng, 1, 9));
  while (out.length < length) out += String(intBetween(rng, 0, 9));
  return out;
}

/** FNV-1a, for deriving stable values (ids, prices) from a SKU code. */
export function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** 20007 → "200.07", the way Taobao and PDD write yuan. */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

interface Place {
  province: string;
  city: string;
  district: string;
  streets: readonly string[];
  roads: readonly string[];
  postalCode: string;
}

const PLACES: readonly Place[] = [
  { province: '广东省', city: '深圳市', district: '南山区', streets: ['粤海街道', '蛇口街道'], roads: ['科技南十二路', '南海大道'], postalCode: '518057' },
  { province: '广东省', city: '广州市', district: '天河区', streets: ['石牌街道', '五山街道'], roads: ['天河路', '中山大道西'], postalCode: '510630' },
  { province: '浙江省', city: '杭州市', district: '西湖区', streets: ['文新街道', '西溪街道'], roads: ['文三路', '古墩路'], postalCode: '310012' },
  { province: '上海市', city: '上海市', district: '浦东新区', streets: ['张江镇', '花木街道'], roads: ['世纪大道', '张衡路'], postalCode: '200120' },
  { province: '北京市', city: '北京市', district: '朝阳区', streets: ['望京街道', '三里屯街道'], roads: ['阜通东大街', '工体北路'], postalCode: '100102' },
  { province: '四川省', city: '成都市', district: '武侯区', streets: ['玉林街道', '红牌楼街道'], roads: ['人民南路四段', '玉林南路'], postalCode: '610041' },
  { province: '江苏省', city: '南京市', district: '鼓楼区', streets: ['湖南路街道', '宁海路街道'], roads: ['中山北路', '北京西路'], postalCode: '210008' },
  { province: '湖北省', city: '武汉市', district: '洪山区', streets: ['珞南街道', '关山街道'], roads: ['珞喻路', '光谷大道'], postalCode: '430074' },
];
const GENERIC_DISTRICTS = ['城关区', '高新区', '经济技术开发区', '新城区'];
const GENERIC_STREETS = ['城关街道', '新华街道', '人民路街道'];
const GENERIC_ROADS = ['解放路', '建设大道', '人民路', '中山路'];
const COMMUNITIES = ['阳光花园', '锦绣家园', '翠苑小区', '金色港湾', '万科城', '碧桂园', '绿地新都会'];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗'];
const GIVEN_NAMES = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '杰', '涛', '秀英', '晓明', '子涵', '浩然', '欣怡', '思远', '雨桐'];
const MOBILE_PREFIXES = ['130', '131', '133', '135', '136', '138', '139', '150', '152', '158', '159', '177', '180', '186', '187', '188', '189', '199'];
const BUYER_MESSAGES = ['', '', '', '请尽快发货', '麻烦用顺丰', '送人的，不要放价格单', '工作日白天家里没人，放快递柜'];
const PRODUCTS = ['纯棉圆领短袖T恤', '不锈钢保温杯 500ml', '无线蓝牙耳机', '有机绿茶 250g', '羊毛混纺围巾', '儿童运动鞋', '便携充电宝 10000mAh', '玻尿酸保湿面膜 10片装'];

export interface PlaceChoice {
  province?: string;
  city?: string;
  district?: string;
}

export interface FakeReceiver {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  street: string;
  /** Below the street: road, number, compound, building and room. */
  detail: string;
  postalCode: string;
}

/** A receiver in the chosen province/city (when given), otherwise in a random big city. */
export function fakeReceiver(rng: Rng, choice: PlaceChoice = {}): FakeReceiver {
  const matches = PLACES.filter((p) => (!choice.province || p.province === choice.province) && (!choice.city || p.city === choice.city));
  const known = matches.length > 0 ? pick(rng, matches) : undefined;
  const province = choice.province ?? known?.province ?? pick(rng, PLACES).province;
  const room = `${intBetween(rng, 1, 30)}栋${intBetween(rng, 1, 4)}单元${intBetween(rng, 1, 32)}0${intBetween(rng, 1, 4)}室`;
  return {
    name: pick(rng, SURNAMES) + pick(rng, GIVEN_NAMES),
    phone: pick(rng, MOBILE_PREFIXES) + digits(rng, 8).slice(0, 8),
    province,
    city: choice.city ?? known?.city ?? province,
    district: choice.district ?? known?.district ?? pick(rng, GENERIC_DISTRICTS),
    street: pick(rng, known?.streets ?? GENERIC_STREETS),
    detail: `${pick(rng, known?.roads ?? GENERIC_ROADS)}${intBetween(rng, 1, 999)}号${pick(rng, COMMUNITIES)}${room}`,
    postalCode: known?.postalCode ?? '000000',
  };
}

export function fakeBuyerMessage(rng: Rng): string {
  return pick(rng, BUYER_MESSAGES);
}

export interface FakeLine {
  sku: string;
  quantity: number;
  unitPriceFen: number;
  title: string;
}

/** The product a SKU code stands for: same code, same title and price, in every order. */
export function productOf(sku: string): { title: string; unitPriceFen: number } {
  const hash = hashOf(sku);
  // Prices like 59.07 or 212.53: odd fen amounts catch rounding bugs that round prices would hide.
  return { title: `${PRODUCTS[hash % PRODUCTS.length] ?? PRODUCTS[0]} ${sku}`, unitPriceFen: 990 + (hash % 30000) };
}

/** One to three distinct SKUs, one to three of each. */
export function fakeLines(rng: Rng, skus: readonly string[]): FakeLine[] {
  const pool = [...new Set(skus)];
  if (pool.length === 0) throw new Error('generating an order needs at least one SKU');
  const count = Math.min(pool.length, intBetween(rng, 1, 3));
  const chosen: string[] = [];
  while (chosen.length < count) {
    const sku = pick(rng, pool);
    if (!chosen.includes(sku)) chosen.push(sku);
  }
  return chosen.map((sku) => ({ sku, quantity: intBetween(rng, 1, 3), ...productOf(sku) }));
}
