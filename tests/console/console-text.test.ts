/** The console's pure parts: both languages filled in, phones masked, money and times written the same way everywhere. */
import { describe, expect, it } from 'vitest';
import { duration, percent, shanghaiTime, yuan } from '../../console/format';
import { allWords, pageLang, statusLabel, t } from '../../console/i18n';
import { maskPhone, phoneKey } from '../../domain/phone';
import { allocationReason } from '../../console/views';
import { ORDER_STATUSES } from '../../domain/order';

describe('labels', () => {
  it.each(allWords())('"%s" has a Chinese and an English text', (_word, [zh, en]) => {
    expect(zh.trim()).not.toBe('');
    expect(en.trim()).not.toBe('');
  });

  it('the Chinese text of a screen name is Chinese, the English one is not', () => {
    expect(t('zh', 'tabOverview')).toBe('概览');
    expect(t('en', 'tabOverview')).toBe('Overview');
    expect(allWords().filter(([, [zh]]) => /[\u4e00-\u9fff]/.test(zh)).length).toBeGreaterThan(allWords().length * 0.8);
  });

  it('fills in variables', () => {
    expect(t('en', 'autoRefresh', { s: 5 })).toBe('refreshes every 5 s');
    expect(t('zh', 'autoRefresh', { s: 5 })).toBe('每 5 秒自动刷新');
  });

  it.each(ORDER_STATUSES)('status %s has a Chinese name and keeps its code in English', (status) => {
    expect(statusLabel('zh', status)).toMatch(/[\u4e00-\u9fff]/);
    expect(statusLabel('en', status)).toBe(status);
  });
});

describe('the page language', () => {
  it.each([
    ['en', 'zh-CN,zh;q=0.9', 'en'],
    ['zh', 'en-US,en;q=0.9', 'zh'],
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    [undefined, 'zh-TW', 'zh'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'de-DE', 'en'],
    [undefined, undefined, 'zh'],
    ['fr', undefined, 'zh'],
  ] as const)('?lang=%s with Accept-Language %s is %s', (query, accept, lang) => {
    expect(pageLang(query, accept)).toBe(lang);
  });
});

describe('phones', () => {
  it.each([
    ['13812348000', '138****8000'],
    ['+86 139-1234-5678', '139****5678'],
    ['8613912345678', '139****5678'],
    ['0571-88886666', '057****6666'],
    ['12345', '****45'],
    ['', ''],
  ])('%s is shown as %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it.each([
    ['139 1234 5678', '13912345678'],
    ['+86 139-1234-5678', '13912345678'],
    ['1391234', null],
    ['T-1001', null],
  ])('a search for %s looks for the number %s', (text, key) => {
    expect(phoneKey(text)).toBe(key);
  });
});

describe('formats', () => {
  it.each([
    [2990, '¥29.90'],
    [5, '¥0.05'],
    [100, '¥1.00'],
    [-250, '-¥2.50'],
    [0, '¥0.00'],
  ])('%i fen is %s', (fen, text) => {
    expect(yuan(fen)).toBe(text);
  });

  it.each([
    ['2026-12-03T16:30:05Z', '2026-12-04 00:30:05'],
    ['2026-12-03T10:00:00+08:00', '2026-12-03 10:00:00'],
  ])('%s is %s in Shanghai', (at, text) => {
    expect(shanghaiTime(at)).toBe(text);
  });

  it.each([
    [null, '—'],
    [4_000, '4 s'],
    [95_000, '1 min 35 s'],
    [7_260_000, '2 h 1 min'],
    [90_000_000, '1 d 1 h'],
  ])('%s ms is %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it('writes ratios as percentages with one decimal', () => {
    expect(percent(0.875)).toBe('87.5%');
    expect(percent(null)).toBe('—');
  });
});

describe('why an order was allocated where it was', () => {
  it('is the reason of the latest allocation event', () => {
    const timeline = [
      { seq: 1, at: '', type: 'BACKORDERED', detail: { rule: 'backorder', reason: 'no stock anywhere' } },
      { seq: 2, at: '', type: 'ALLOCATED', status: 'ALLOCATED', detail: { rule: 'local', reason: 'HZ1 is nearest with stock' } },
      { seq: 3, at: '', type: 'SHIPPED', detail: {} },
    ];
    expect(allocationReason({ timeline })).toBe('HZ1 is nearest with stock');
  });

  it('is undefined when no allocation event gave one', () => {
    expect(allocationReason({ timeline: [{ seq: 1, at: '', type: 'ORDER_RECEIVED' }] })).toBeUndefined();
  });
});
