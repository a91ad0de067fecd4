import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { CHINA_CITIES } from '../../domain/data/china-cities';
import { STAGE_LABELS } from '../../reports/format';
import { CJK_FONT } from '../../reports/fonts';

/** A character the font has no glyph for would be drawn as a box (or nothing) in every picture and the PDF. */
describe('the CJK font', () => {
  const fonts = [CJK_FONT.regular, CJK_FONT.bold].map((path) => fontkit.openSync(path) as fontkit.Font);
  const missing = (text: string) => [...new Set(text)].filter((ch) => fonts.some((f) => !f.hasGlyphForCodePoint(ch.codePointAt(0)!)));

  it('is the family the charts ask for (the typographic family resvg matches on)', () => {
    const family = (f: fontkit.Font) => (f as unknown as { name: { records: { preferredFamily?: { en?: string } } } }).name.records.preferredFamily?.en;
    for (const f of fonts) expect(family(f)).toBe(CJK_FONT.family);
  });

  it('has every character of every province and city name in the city table', () => {
    const names = CHINA_CITIES.map((c) => `${c.province}${c.city}`).join('');
    expect(names.length).toBeGreaterThan(1000);
    expect(missing(names)).toEqual([]);
  });

  it("has the reports' own labels, digits and signs", () => {
    expect(missing(`${Object.values(STAGE_LABELS).join('')}每日运营报告订单热力图仓库健康履约漏斗时效压缩率满足率缺货周转产能占用￥¥%—…（）：·0123456789.,→＊＜＞`)).toEqual([]);
  });

  it('tells a character it lacks (so the checks above can fail)', () => {
    expect(missing('𠀀')).toEqual(['𠀀']);
  });
});
