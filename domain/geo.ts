/**
 * Where an address is, roughly: province/city names → a point, and great-circle distances between points.
 * Good enough to pick the nearest warehouse; not a geocoder. Pure (imported by workflow code).
 */
import { CHINA_CITIES, type ChinaCity } from './data/china-cities';

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

/** `city`: we know the city; `province`: only the province, so the point is the middle of its cities. */
export type LocatePrecision = 'city' | 'province';

export interface Location extends LatLng {
  readonly precision: LocatePrecision;
}

/** Mean Earth radius (IUGG), the usual choice for haversine. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------------------------------------------------------------------------------------------------------
// Names. Platforms write the same place many ways: 广东 / 广东省, 广西 / 广西壮族自治区, 恩施 / 恩施州 /
// 恩施土家族苗族自治州. Every official name gets a set of keys; lookups normalise the input to a key.

const PROVINCE_SUFFIX = /(省|市|特别行政区|(壮族|回族|维吾尔)?自治区)$/;
/** Ethnic groups that occur in the names of autonomous prefectures and counties in the table. */
const ETHNIC = '(朝鲜|土家|苗|侗|布依|藏|羌|彝|哈尼|壮|傣|景颇|白|傈僳|回|蒙古|柯尔克孜|哈萨克|黎)族?';
const AUTONOMOUS_SUFFIX = new RegExp(`(${ETHNIC})+自治(州|县)$`);
const CITY_SUFFIX = /(市|地区|盟|林区|县)$/;

/** Romanised province names (as on English-language forms), keyed by the short Chinese name. */
const PROVINCE_PINYIN: Readonly<Record<string, readonly string[]>> = {
  北京: ['beijing', 'peking'],
  天津: ['tianjin'],
  河北: ['hebei'],
  山西: ['shanxi'],
  内蒙古: ['neimenggu', 'innermongolia'],
  辽宁: ['liaoning'],
  吉林: ['jilin'],
  黑龙江: ['heilongjiang'],
  上海: ['shanghai'],
  江苏: ['jiangsu'],
  浙江: ['zhejiang'],
  安徽: ['anhui'],
  福建: ['fujian'],
  江西: ['jiangxi'],
  山东: ['shandong'],
  河南: ['henan'],
  湖北: ['hubei'],
  湖南: ['hunan'],
  广东: ['guangdong'],
  广西: ['guangxi'],
  海南: ['hainan'],
  重庆: ['chongqing'],
  四川: ['sichuan'],
  贵州: ['guizhou'],
  云南: ['yunnan'],
  西藏: ['xizang', 'tibet'],
  陕西: ['shaanxi'],
  甘肃: ['gansu'],
  青海: ['qinghai'],
  宁夏: ['ningxia'],
  新疆: ['xinjiang'],
  香港: ['hongkong'],
  澳门: ['macau', 'macao'],
};

/** Names that changed or disappeared but still turn up in old address books. */
const FORMER_CITY_NAMES: Readonly<Record<string, readonly string[]>> = {
  襄阳市: ['襄樊'],
  普洱市: ['思茅'],
  济南市: ['莱芜'], // merged into 济南 in 2019
};

/** Lower-cases, drops spaces and punctuation, folds full-width forms (ＡＢＣ → abc). */
function clean(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s\p{P}]/gu, '');
}

/** Romanised input: "Guangdong Province", "Shanghai Shi", "Hong Kong SAR" → guangdong, shanghai, hongkong. */
function latinKey(name: string): string {
  return clean(name).replace(/(province|shi|sheng|city|municipality|autonomousregion|specialadministrativeregion|sar)$/, '');
}

function provinceKeys(official: string): string[] {
  const short = official.replace(PROVINCE_SUFFIX, '');
  return [official, short, ...(PROVINCE_PINYIN[short] ?? [])];
}

function cityKeys(official: string): string[] {
  const keys = [official, ...(FORMER_CITY_NAMES[official] ?? [])];
  const autonomous = official.replace(AUTONOMOUS_SUFFIX, '');
  if (autonomous !== official) {
    keys.push(autonomous);
    // Locals say 恩施州, 延边州, 黔东南州.
    if (official.endsWith('州')) keys.push(`${autonomous}州`);
  } else {
    const short = official.replace(CITY_SUFFIX, '');
    if (short.length >= 2) keys.push(short);
  }
  return keys;
}

interface ProvinceEntry {
  readonly name: string;
  readonly cities: ReadonlyMap<string, ChinaCity>;
  /** Municipalities and SARs: the province is the city. */
  readonly single: ChinaCity | undefined;
  readonly centroid: LatLng;
}

const PROVINCES_BY_KEY = new Map<string, ProvinceEntry>();
/** City key → every city with that key nationwide, for addresses that lack a usable province. */
const CITIES_BY_KEY = new Map<string, ChinaCity[]>();

{
  const byProvince = new Map<string, ChinaCity[]>();
  for (const c of CHINA_CITIES) byProvince.set(c.province, (byProvince.get(c.province) ?? []).concat(c));

  for (const [name, cities] of byProvince) {
    const keyed = new Map<string, ChinaCity>();
    for (const city of cities) {
      // 香港 as a city name should find 香港特别行政区 too.
      const keys = city.level === 'prefecture' || city.level === 'county' ? cityKeys(city.city) : [...cityKeys(city.city), ...provinceKeys(name)];
      for (const key of new Set(keys)) {
        keyed.set(key, city);
        CITIES_BY_KEY.set(key, (CITIES_BY_KEY.get(key) ?? []).concat(city));
      }
    }
    // County-level entries would drag the middle towards whichever province has many of them (海南).
    const main = cities.filter((c) => c.level !== 'county');
    const entry: ProvinceEntry = {
      name,
      cities: keyed,
      single: main.length === 1 && main[0]?.level !== 'prefecture' ? main[0] : undefined,
      centroid: {
        lat: main.reduce((s, c) => s + c.lat, 0) / main.length,
        lng: main.reduce((s, c) => s + c.lng, 0) / main.length,
      },
    };
    for (const key of provinceKeys(name)) PROVINCES_BY_KEY.set(key, entry);
  }
}

/** Tries the name as written, without its suffix, then as romanised text. */
function lookup<T>(map: ReadonlyMap<string, T>, name: string, suffix: RegExp): T | undefined {
  const key = clean(name);
  return map.get(key) ?? map.get(key.replace(suffix, '')) ?? map.get(latinKey(name));
}

function provinceEntry(name: string | null | undefined): ProvinceEntry | undefined {
  return name ? lookup(PROVINCES_BY_KEY, name, PROVINCE_SUFFIX) : undefined;
}

/** The official name of a province however it is written (广西 → 广西壮族自治区, Guangdong → 广东省), or undefined. */
export function canonicalProvince(name: string | null | undefined): string | undefined {
  return provinceEntry(name)?.name;
}

/**
 * The table row for an address's city. For municipalities and SARs any city field (市辖区, 浦东新区, …)
 * resolves to the municipality itself. Without a known province, a city name that is unique nationwide
 * still resolves (吉林 is both a province and a city, but only one *city*).
 */
export function findCity(address: { province?: string | null; city?: string | null }): ChinaCity | undefined {
  const province = provinceEntry(address.province);
  if (province?.single) return province.single;
  if (!address.city) return undefined;
  if (province) return lookup(province.cities, address.city, CITY_SUFFIX);
  const matches = lookup(CITIES_BY_KEY, address.city, CITY_SUFFIX) ?? [];
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Where to assume the receiver is. A known city gives its seat; a known province with an unknown city (a
 * county-level city we do not list, a typo) gives the mean of the province's cities; nothing known gives
 * undefined, never an exception: callers fall back to distance-free rules.
 */
export function locate(address: { province?: string | null; city?: string | null }): Location | undefined {
  const city = findCity(address);
  if (city) return { lat: city.lat, lng: city.lng, precision: 'city' };
  const province = provinceEntry(address.province);
  if (province) return { ...province.centroid, precision: 'province' };
  return undefined;
}
