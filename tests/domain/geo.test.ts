import { describe, expect, it } from 'vitest';
import { CHINA_CITIES } from '../../domain/data/china-cities';
import { distanceKm, findCity, locate } from '../../domain/geo';

const at = (province: string, city: string) => {
  const found = locate({ province, city });
  if (!found) throw new Error(`${province}/${city} not found`);
  return found;
};

describe('china city table', () => {
  it('when counted, then it has every prefecture-level division, the 4 municipalities and both SARs', () => {
    const count = (level: string) => CHINA_CITIES.filter((c) => c.level === level).length;
    expect(count('prefecture')).toBe(333);
    expect(count('municipality')).toBe(4);
    expect(count('sar')).toBe(2);
  });

  it('when checked row by row, then every point lies inside China and no city is listed twice', () => {
    const seen = new Set<string>();
    for (const c of CHINA_CITIES) {
      expect(c.lat, c.city).toBeGreaterThan(15);
      expect(c.lat, c.city).toBeLessThan(54);
      expect(c.lng, c.city).toBeGreaterThan(73);
      expect(c.lng, c.city).toBeLessThan(135);
      expect(seen.has(`${c.province}/${c.city}`), c.city).toBe(false);
      seen.add(`${c.province}/${c.city}`);
    }
  });
});

describe('province names', () => {
  it.each([
    ['广东', '广东省'],
    ['广东省', '广东省'],
    ['北京', '北京市'],
    ['北京市', '北京市'],
    ['广西', '广西壮族自治区'],
    ['新疆维吾尔自治区', '新疆维吾尔自治区'],
    ['宁夏', '宁夏回族自治区'],
    ['内蒙古', '内蒙古自治区'],
    ['香港', '香港特别行政区'],
    [' 浙江 ', '浙江省'],
    ['Shanghai', '上海市'],
    ['Guangdong Province', '广东省'],
    ['Inner Mongolia', '内蒙古自治区'],
    ['shaanxi', '陕西省'],
    ['shanxi', '山西省'],
  ])('when the province is written %j, then it is located as %s', (input, expected) => {
    expect(locate({ province: input })).toBeDefined();
    expect(locate({ province: input })).toEqual(locate({ province: expected }));
  });

  it.each([[''], ['火星'], [undefined], [null]])('when the province is %j, then it is unknown', (input) => {
    expect(locate({ province: input })).toBeUndefined();
  });
});

describe('findCity', () => {
  it.each([
    ['广东', '广州', '广州市'],
    ['广东省', '广州市', '广州市'],
    ['湖北', '恩施州', '恩施土家族苗族自治州'],
    ['湖北省', '恩施土家族苗族自治州', '恩施土家族苗族自治州'],
    ['吉林', '延边', '延边朝鲜族自治州'],
    ['新疆', '克孜勒苏', '克孜勒苏柯尔克孜自治州'],
    ['新疆', '伊犁州', '伊犁哈萨克自治州'],
    ['青海', '海南州', '海南藏族自治州'],
    ['内蒙古', '锡林郭勒', '锡林郭勒盟'],
    ['黑龙江', '大兴安岭', '大兴安岭地区'],
    ['湖北', '襄樊市', '襄阳市'],
    ['湖北', '仙桃', '仙桃市'],
    ['海南', '澄迈', '澄迈县'],
    ['吉林省', '吉林市', '吉林市'],
    ['上海', '浦东新区', '上海市'],
    ['北京市', '市辖区', '北京市'],
    ['重庆', '', '重庆市'],
    ['', '杭州', '杭州市'],
    ['不知道', '苏州市', '苏州市'],
    ['', 'Shanghai', '上海市'],
  ])('when the address says %j / %j, then the city is %s', (province, city, expected) => {
    expect(findCity({ province, city })?.city).toBe(expected);
  });

  it.each([
    ['江苏', '杭州'], // a real city, but not in that province: the province wins
    ['', '朝阳区'], // a district, not a city
    ['', ''],
  ])('when the address says %j / %j, then no city is found', (province, city) => {
    expect(findCity({ province, city })).toBeUndefined();
  });
});

describe('locate', () => {
  it('when the city is known, then its seat is returned with city precision', () => {
    expect(locate({ province: '浙江', city: '杭州' })).toEqual({ lat: 30.2741, lng: 120.1551, precision: 'city' });
  });

  it('when only the province is known, then the mean of its cities is returned with province precision', () => {
    const cities = CHINA_CITIES.filter((c) => c.province === '江苏省');
    const mean = (k: 'lat' | 'lng') => cities.reduce((s, c) => s + c[k], 0) / cities.length;
    const got = locate({ province: '江苏', city: '昆山市' });
    expect(got?.precision).toBe('province');
    expect(got?.lat).toBeCloseTo(mean('lat'), 9);
    expect(got?.lng).toBeCloseTo(mean('lng'), 9);
  });

  it('when the province centroid is taken, then county-level entries do not pull it (海南 = mean of its 4 prefecture cities)', () => {
    const got = locate({ province: '海南', city: '不存在市' });
    const main = CHINA_CITIES.filter((c) => c.province === '海南省' && c.level === 'prefecture');
    expect(main).toHaveLength(4);
    expect(got?.lat).toBeCloseTo(main.reduce((s, c) => s + c.lat, 0) / 4, 9);
  });

  it.each([
    [{ province: '火星', city: '奥林匹斯' }],
    [{ province: '', city: '' }],
    [{}],
    [{ province: null, city: null }],
  ])('when nothing is recognisable (%j), then the result is undefined, not an error', (address) => {
    expect(locate(address)).toBeUndefined();
  });
});

describe('distanceKm', () => {
  it.each([
    ['上海', '上海', '浙江', '杭州', 165],
    ['北京', '北京', '广东', '广州', 1890],
    ['北京', '北京', '上海', '上海', 1067],
    ['广东', '广州', '广东', '深圳', 104],
    ['四川', '成都', '重庆', '重庆', 266],
    ['新疆', '乌鲁木齐', '黑龙江', '哈尔滨', 3060],
  ])('when going from %s/%s to %s/%s, then it is about %i km (±3%%)', (p1, c1, p2, c2, km) => {
    const d = distanceKm(at(p1, c1), at(p2, c2));
    expect(Math.abs(d - km) / km).toBeLessThan(0.03);
  });

  it('when both points are the same, then the distance is 0', () => {
    expect(distanceKm({ lat: 30, lng: 120 }, { lat: 30, lng: 120 })).toBe(0);
  });

  it('when swapping the ends, then the distance is the same', () => {
    const a = at('北京', '北京');
    const b = at('云南', '昆明');
    expect(distanceKm(a, b)).toBeCloseTo(distanceKm(b, a), 9);
  });

  it('when going a quarter of the way round the equator, then it is πR/2', () => {
    expect(distanceKm({ lat: 0, lng: 0 }, { lat: 0, lng: 90 })).toBeCloseTo((Math.PI * 6371.0088) / 2, 6);
  });
});
