import { describe, expect, it } from 'vitest';
import { closestPrimary, fingerprintOf, isSuspectedDuplicate, normalizePhone, receiverKeyOf, skuSet } from '../../domain/fingerprint';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['0086 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['86 138 0013 8000', '13800138000'],
    ['(+86) 138 0013 8000', '13800138000'],
    ['138.0013.8000', '13800138000'],
    ['＋８６　１３８－００１３－８０００', '13800138000'],
    ['0571-88888888', '057188888888'],
    ['(0571) 8888 8888', '057188888888'],
    ['+86 571 8888 8888', '057188888888'],
    ['0086 10 12345678', '01012345678'],
    ['+852 9123 4567', '+85291234567'],
    ['+1 (415) 555-0100', '+14155550100'],
  ])('when the phone is written "%s", then it normalises to %s', (raw, phone) => {
    expect(normalizePhone(raw)).toEqual({ matchable: true, phone });
  });

  it.each([
    ['138****8000', 'masked'],
    ['+86 138 **** 8000', 'masked'],
    ['138＊＊＊＊8000', 'masked'],
    ['138xxxx8000', 'masked'],
    ['$138$U2FsdGVkX1+abc==$', 'encrypted'],
    ['~AgAAAAEVk3YRnG0F~', 'encrypted'],
    ['#3kd9Q2x#', 'encrypted'],
    ['U2FsdGVkX19abc', 'encrypted'],
    ['17012345678-1234', 'virtual'],
    ['+86 17012345678-1234', 'virtual'],
    ['17012345678转1234', 'virtual'],
    ['17012345678 ext 88', 'virtual'],
    ['17012345678,1234', 'virtual'],
    ['88888888', 'invalid'],
    ['12345', 'invalid'],
    ['', 'invalid'],
    ['+86', 'invalid'],
  ])('when the phone is "%s", then it is unmatchable (%s)', (raw, reason) => {
    expect(normalizePhone(raw)).toEqual({ matchable: false, reason });
  });
});

describe('skuSet', () => {
  it.each([
    [['B', 'A'], ['A', 'B']],
    [['A', 'A', 'B'], ['A', 'B']],
    [[' A ', 'A'], ['A']],
    [['sku-10', 'sku-9', 'SKU-1'], ['SKU-1', 'sku-10', 'sku-9']],
  ])('when the lines are %j, then the set is %j', (skus, expected) => {
    expect(skuSet(skus.map((sku) => ({ sku })))).toEqual(expected);
  });
});

const base = {
  customer: { name: '张三', phone: '+86 138-0013-8000' },
  lines: [
    { sku: 'CUP', quantity: 1, unitPriceFen: 100 },
    { sku: 'LID', quantity: 2, unitPriceFen: 50 },
  ],
  createdAt: '2024-11-11T00:00:00.000Z',
};
const minutes = (n: number) => new Date(Date.parse(base.createdAt) + n * 60_000).toISOString();
const WINDOW = 3 * 60_000;

describe('isSuspectedDuplicate', () => {
  it.each([
    ['the same buyer and SKUs 2 minutes later', {}, { createdAt: minutes(2) }, true],
    ['the same buyer and SKUs 2 minutes earlier', {}, { createdAt: minutes(-2) }, true],
    ['exactly at the window edge', {}, { createdAt: minutes(3) }, true],
    ['4 minutes apart', {}, { createdAt: minutes(4) }, false],
    ['the phone written another way', {}, { customer: { name: '张先生', phone: '0086 13800138000' }, createdAt: minutes(1) }, true],
    ['the same SKUs in another order and quantity', {}, { lines: [{ sku: 'LID', quantity: 5, unitPriceFen: 1 }, { sku: 'CUP', quantity: 1, unitPriceFen: 1 }] }, true],
    ['one SKU more', {}, { lines: [...base.lines, { sku: 'BAG', quantity: 1, unitPriceFen: 1 }] }, false],
    ['the same phone and another SKU', {}, { lines: [{ sku: 'BAG', quantity: 1, unitPriceFen: 1 }] }, false],
    ['another phone', {}, { customer: { name: '张三', phone: '13900139000' } }, false],
    ['both phones masked identically', { customer: { name: '张三', phone: '138****8000' } }, { customer: { name: '张三', phone: '138****8000' } }, false],
    ['one phone masked', {}, { customer: { name: '张三', phone: '138****8000' } }, false],
  ])('when comparing with %s, then the verdict is %s', (_what, a, b, expected) => {
    const fa = fingerprintOf({ ...base, ...a });
    const fb = fingerprintOf({ ...base, ...b });
    expect(isSuspectedDuplicate(fa, fb, WINDOW)).toBe(expected);
    expect(isSuspectedDuplicate(fb, fa, WINDOW)).toBe(expected);
  });

  it('when the window is configured shorter, then 2 minutes apart is no longer a duplicate', () => {
    expect(isSuspectedDuplicate(fingerprintOf(base), fingerprintOf({ ...base, createdAt: minutes(2) }), 60_000)).toBe(false);
  });

  it('when the phone is masked, then the fingerprint says why it cannot match', () => {
    expect(fingerprintOf({ ...base, customer: { name: '张三', phone: '138****8000' } })).toEqual({ matchable: false, reason: 'masked' });
  });
});

describe('receiverKeyOf', () => {
  const address = { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' };
  const key = receiverKeyOf({ name: '张三', phone: '13800138000' }, address);
  it.each([
    ['spacing and phone format differ', { name: ' 张三 ', phone: '+86 138 0013 8000' }, { ...address, detail: '文三路100号' }, true],
    ['full-width digits in the address', { name: '张三', phone: '13800138000' }, { ...address, detail: '文三路１００号' }, true],
    ['another house number', { name: '张三', phone: '13800138000' }, { ...address, detail: '文三路 101 号' }, false],
    ['another receiver name', { name: '李四', phone: '13800138000' }, address, false],
    ['another phone', { name: '张三', phone: '13900139000' }, address, false],
    ['another district', { name: '张三', phone: '13800138000' }, { ...address, district: '拱墅区' }, false],
  ])('when %s, then it is the same receiver: %s', (_what, customer, addr, same) => {
    expect(receiverKeyOf(customer, addr) === key).toBe(same);
  });
});

describe('closestPrimary', () => {
  const at = Date.parse('2026-11-25T10:00:00.000Z');
  const WINDOW = 3 * 60_000;
  const c = (orderId: string, offsetMs: number, claimedOffsetMs = 0) => ({ orderId, orderedAtMs: at + offsetMs, claimedAtMs: at + claimedOffsetMs });
  it.each([
    ['no candidates', [], undefined],
    ['one within the window', [c('a', -60_000)], 'a'],
    ['one exactly at the window edge (inclusive)', [c('a', WINDOW)], 'a'],
    ['one just outside the window', [c('a', -WINDOW - 1)], undefined],
    ['the closest of several, either side', [c('far', -120_000), c('near', 30_000), c('mid', -60_000)], 'near'],
    ['equally close: the earlier claim', [c('late', 60_000, 5), c('early', -60_000, 1)], 'early'],
    ['equally close, claimed together: the smaller order id', [c('b', 60_000), c('a', -60_000)], 'a'],
  ])('when %s, then %s', (_name, candidates, expected) => {
    expect(closestPrimary(at, candidates, WINDOW)?.orderId).toBe(expected);
  });
});
