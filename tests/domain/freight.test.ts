import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CarrierName } from '../../carriers/types';
import { CHINA_CITIES } from '../../domain/data/china-cities';
import {
  chargeableKg,
  DEFAULT_UNIT_WEIGHT_GRAMS,
  FREIGHT_CARRIERS,
  FREIGHT_ZONES,
  freightFen,
  freightZone,
  neighboursOf,
  parcelWeightGrams,
  provinceOf,
  TARIFFS,
  type FreightZone,
  type Place,
} from '../../domain/freight';

const at = (province: string, city?: string): Place => ({ province, city });

describe('chargeable weight: whole kilograms, any part of one counts, at least one', () => {
  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [2000, 2],
    [2001, 3],
    [29_999, 30],
    [-5, 1],
  ])('%i g → %i kg', (grams, kg) => {
    expect(chargeableKg(grams)).toBe(kg);
  });
});

describe('freight = first kilogram + each further kilogram or part of one, by carrier and zone', () => {
  const cases: [CarrierName, FreightZone, number, number][] = [
    ['sf', 'same-province', 300, 1000],
    ['sf', 'same-province', 1000, 1000],
    ['sf', 'same-province', 1001, 1200],
    ['sf', 'neighbouring', 2500, 1200 + 2 * 400],
    ['sf', 'far', 5000, 1600 + 4 * 800],
    ['sf', 'remote', 1500, 2500 + 1500],
    ['jd', 'same-province', 300, 800],
    ['jd', 'neighbouring', 1000, 1000],
    ['jd', 'far', 3000, 1400 + 2 * 900],
    ['jd', 'remote', 2500, 2200 + 2 * 1800],
  ];
  it.each(cases)('%s, %s, %i g → %i fen', (carrier, zone, grams, fen) => {
    expect(freightFen(carrier, zone, grams)).toBe(fen);
  });

  it('JD is the cheaper for a light parcel and SF for a heavy one, in every zone', () => {
    for (const zone of FREIGHT_ZONES) {
      expect(freightFen('jd', zone, 800)).toBeLessThan(freightFen('sf', zone, 800));
      expect(freightFen('sf', zone, 10_000)).toBeLessThan(freightFen('jd', zone, 10_000));
    }
    // Where they cost the same (ties go to the default carrier in the rules).
    expect(freightFen('sf', 'same-province', 3000)).toBe(freightFen('jd', 'same-province', 3000));
    expect(freightFen('sf', 'remote', 2000)).toBe(freightFen('jd', 'remote', 2000));
  });
});

describe('zones between the shipping warehouse and the receiver', () => {
  const cases: [string, Place, Place, FreightZone][] = [
    ['within one city', at('浙江省', '杭州市'), at('浙江', '杭州'), 'same-province'],
    ['within one province', at('浙江省', '杭州市'), at('浙江省', '温州市'), 'same-province'],
    ['Shanghai to Hangzhou (bordering)', at('上海市', '上海市'), at('浙江省', '杭州市'), 'neighbouring'],
    ['Guangzhou to Haikou (across the strait)', at('广东省', '广州市'), at('海南省', '海口市'), 'neighbouring'],
    ['Shanghai to Hefei (Anhui borders Jiangsu and Zhejiang, not Shanghai)', at('上海', '上海'), at('安徽省', '合肥市'), 'far'],
    ['Beijing to Guangzhou', at('北京', '北京'), at('广东', '广州'), 'far'],
    ['Beijing to Urumqi', at('北京', '北京'), at('新疆', '乌鲁木齐'), 'remote'],
    ['from Lhasa', at('西藏', '拉萨'), at('四川', '成都'), 'remote'],
    ['Urumqi to Kashgar (same province, even far away)', at('新疆维吾尔自治区', '乌鲁木齐市'), at('新疆', '喀什地区'), 'same-province'],
    ['Shenzhen to Hong Kong (cross-border)', at('广东', '深圳'), at('香港', '九龙'), 'remote'],
    ['romanised province, city only', at('Guangdong', '广州'), { city: '佛山' }, 'same-province'],
    ['province only (a county-level city we do not list)', at('江苏', '苏州'), at('浙江', '义乌市'), 'neighbouring'],
    ['receiver unknown: priced as far', at('浙江', '杭州'), at('Atlantis', 'Nowhere'), 'far'],
    ['warehouse unknown: priced as far', {}, at('浙江', '杭州'), 'far'],
    ['a remote receiver with an unknown warehouse is still remote', {}, at('西藏', '拉萨'), 'remote'],
  ];
  it.each(cases)('%s', (_name, from, to, zone) => {
    expect(freightZone(from, to)).toBe(zone);
    // Zones do not depend on the direction.
    expect(freightZone(to, from)).toBe(zone);
  });

  it('every province in the city table has a bordering province, and borders go both ways', () => {
    const provinces = [...new Set(CHINA_CITIES.map((c) => c.province))];
    for (const p of provinces) {
      expect(neighboursOf(p).length, p).toBeGreaterThan(0);
      for (const n of neighboursOf(p)) {
        expect(provinces, `${p} → ${n}`).toContain(n);
        expect(neighboursOf(n), `${n} → ${p}`).toContain(p);
      }
    }
    expect([...neighboursOf('上海')].sort()).toEqual(['江苏省', '浙江省'].sort());
  });

  it('finds the province from the city when the province field is missing or odd', () => {
    expect(provinceOf({ city: '深圳' })).toBe('广东省');
    expect(provinceOf({ province: 'Zhejiang Province' })).toBe('浙江省');
    expect(provinceOf({ province: '', city: '' })).toBeUndefined();
  });
});

describe('parcel weight', () => {
  it('sums unit weight × quantity, with the default weight for SKUs nobody weighed', () => {
    const lines = [
      { sku: 'CUP', quantity: 2 },
      { sku: 'NEW', quantity: 3 },
      { sku: 'ODD', quantity: 1 },
      { sku: 'constructor', quantity: 1 },
    ];
    expect(parcelWeightGrams(lines, { CUP: 350, NEW: null, ODD: 0 })).toBe(2 * 350 + 3 * DEFAULT_UNIT_WEIGHT_GRAMS + DEFAULT_UNIT_WEIGHT_GRAMS + DEFAULT_UNIT_WEIGHT_GRAMS);
    expect(parcelWeightGrams([], {})).toBe(0);
  });
});

describe('properties of the cost model', () => {
  const carrier = fc.constantFrom<CarrierName>(...FREIGHT_CARRIERS);
  const zone = fc.constantFrom<FreightZone>(...FREIGHT_ZONES);
  const grams = fc.integer({ min: 0, max: 200_000 });

  it('costs integer fen, at least the first kilogram', () => {
    fc.assert(
      fc.property(carrier, zone, grams, (c, z, g) => {
        const fen = freightFen(c, z, g);
        expect(Number.isSafeInteger(fen)).toBe(true);
        expect(fen).toBeGreaterThanOrEqual(TARIFFS[c][z].firstKgFen);
      }),
    );
  });

  it('never costs less for a heavier parcel', () => {
    fc.assert(
      fc.property(carrier, zone, grams, grams, (c, z, a, b) => {
        const [light, heavy] = a <= b ? [a, b] : [b, a];
        expect(freightFen(c, z, light)).toBeLessThanOrEqual(freightFen(c, z, heavy));
      }),
    );
  });

  it('never costs less for a farther zone', () => {
    fc.assert(
      fc.property(carrier, grams, (c, g) => {
        const fens = FREIGHT_ZONES.map((z) => freightFen(c, z, g));
        expect([...fens].sort((x, y) => x - y)).toEqual(fens);
      }),
    );
  });

  it('is the same within one chargeable kilogram and adds exactly the tariff for the next', () => {
    fc.assert(
      fc.property(carrier, zone, fc.integer({ min: 1, max: 100 }), (c, z, kg) => {
        expect(freightFen(c, z, kg * 1000 - 999)).toBe(freightFen(c, z, kg * 1000));
        expect(freightFen(c, z, kg * 1000 + 1) - freightFen(c, z, kg * 1000)).toBe(TARIFFS[c][z].additionalKgFen);
      }),
    );
  });
});
