import { describe, expect, it } from 'vitest';
import { applyMapping, type MappingIssue, type MappingRule, type MappingRuleSet } from '../../domain/mapping';

/** A rule set that yields a valid order from constants, so each test can swap in the one rule it is about. */
const BASE: MappingRuleSet = [
  { target: 'channel', default: 'manual' },
  { target: 'channelOrderId', default: 'T-1' },
  { target: 'createdAt', default: '2024-05-01T00:00:00Z' },
  { target: 'customer.name', default: '王芳' },
  { target: 'customer.phone', default: '13812345678' },
  { target: 'shippingAddress.province', default: '浙江省' },
  { target: 'shippingAddress.city', default: '杭州市' },
  { target: 'shippingAddress.detail', default: '文三路1号' },
  { target: 'lines[].sku', source: 'items[].sku' },
  { target: 'lines[].quantity', default: 1 },
  { target: 'lines[].unitPriceFen', default: 100 },
];

function withRule(rule: MappingRule): MappingRuleSet {
  return [...BASE.filter((r) => r.target !== rule.target), rule];
}

/** Maps `value` through `rule`, reading it from `v` (or `items[].v` for line rules); returns the mapped field. */
function mapOne(rule: Omit<MappingRule, 'source'> & { source?: string }, value: unknown): { value: unknown } | { issues: MappingIssue[] } {
  const isLine = rule.target.startsWith('lines[].');
  const result = applyMapping(withRule({ source: isLine ? 'items[].v' : 'v', ...rule } as MappingRule), { v: value, items: [{ sku: 'A', v: value }] });
  if (!result.ok) return { issues: result.issues };
  const [head, ...rest] = isLine ? ['lines', '0', ...rule.target.slice(8).split('.')] : rule.target.split('.');
  let current: unknown = result.order;
  for (const key of [head, ...rest]) current = (current as Record<string, unknown> | undefined)?.[key as string];
  return { value: current };
}

describe('applyMapping transforms', () => {
  const prices = [
    { when: 'yuan "200.07" is converted', transform: 'yuanToFen', input: '200.07', expected: 20007 },
    { when: 'yuan "0.29" is converted (0.29 × 100 is 28.999… in floating point)', transform: 'yuanToFen', input: '0.29', expected: 29 },
    { when: 'yuan "19.9" has one decimal', transform: 'yuanToFen', input: '19.9', expected: 1990 },
    { when: 'yuan arrives as the JSON number 180.08', transform: 'yuanToFen', input: 180.08, expected: 18008 },
    { when: 'yuan has trailing zeros past the fen', transform: 'yuanToFen', input: '1.500', expected: 150 },
    { when: 'yuan is a whole number', transform: 'yuanToFen', input: '100', expected: 10000 },
    { when: 'a fen count arrives as text', transform: 'toInt', input: '2590', expected: 2590 },
  ] as const;
  for (const { when, transform, input, expected } of prices) {
    it(`when ${when}, then the line price is ${expected} fen`, () => {
      expect(mapOne({ target: 'lines[].unitPriceFen', transform }, input)).toEqual({ value: expected });
    });
  }

  const fields = [
    { when: 'unix seconds arrive as a number', rule: { target: 'createdAt', transform: 'unixSecondsToIso' }, input: 1714566600, expected: '2024-05-01T12:30:00.000Z' },
    { when: 'unix seconds arrive as text', rule: { target: 'createdAt', transform: 'unixSecondsToIso' }, input: '1714566600', expected: '2024-05-01T12:30:00.000Z' },
    { when: 'a pay time is 0 (not paid yet)', rule: { target: 'paidAt', transform: 'unixSecondsToIso' }, input: 0, expected: undefined },
    { when: 'Beijing time is converted', rule: { target: 'createdAt', transform: 'beijingTimeToIso' }, input: '2024-05-01 12:30:00', expected: '2024-05-01T12:30:00+08:00' },
    { when: 'a Beijing pay time is empty', rule: { target: 'paidAt', transform: 'beijingTimeToIso' }, input: '', expected: undefined },
    { when: 'a numeric id is turned into text', rule: { target: 'channelOrderId', transform: 'toString' }, input: 12345, expected: '12345' },
    { when: 'a non-empty value is required and present', rule: { target: 'customer.name', transform: 'nonEmpty' }, input: '李娜', expected: '李娜' },
    { when: 'the source is missing and the rule has a default', rule: { target: 'buyerMessage', default: '无' }, input: undefined, expected: '无' },
    { when: 'the source is an empty string and the rule has a default', rule: { target: 'buyerMessage', default: '无' }, input: '', expected: '无' },
  ] as const;
  for (const { when, rule, input, expected } of fields) {
    it(`when ${when}, then ${rule.target} is ${String(expected)}`, () => {
      expect(mapOne(rule, input)).toEqual({ value: expected });
    });
  }

  it('when join has some empty sources, then it joins the others with the separator', () => {
    const rules = withRule({ target: 'shippingAddress.detail', sources: ['town', 'street', 'detail'], transform: 'join', separator: ' ' });
    const result = applyMapping(rules, { town: '文新街道', street: null, detail: '文三路398号', items: [{ sku: 'A' }] });
    expect(result.ok && result.order.shippingAddress.detail).toBe('文新街道 文三路398号');
  });

  const failures = [
    { when: 'yuan has a third significant decimal', rule: { target: 'lines[].unitPriceFen', transform: 'yuanToFen' }, input: '1.234', path: 'lines[0].unitPriceFen', source: 'items[0].v' },
    { when: 'yuan is negative', rule: { target: 'lines[].unitPriceFen', transform: 'yuanToFen' }, input: '-1.00', path: 'lines[0].unitPriceFen', source: 'items[0].v' },
    { when: 'yuan is not a number', rule: { target: 'lines[].unitPriceFen', transform: 'yuanToFen' }, input: 'abc', path: 'lines[0].unitPriceFen', source: 'items[0].v' },
    { when: 'a quantity has decimals', rule: { target: 'lines[].quantity', transform: 'toInt' }, input: '1.5', path: 'lines[0].quantity', source: 'items[0].v' },
    { when: 'unix seconds are not a number', rule: { target: 'createdAt', transform: 'unixSecondsToIso' }, input: 'yesterday', path: 'createdAt', source: 'v' },
    { when: 'Beijing time has the wrong format', rule: { target: 'createdAt', transform: 'beijingTimeToIso' }, input: '2024/05/01 12:30', path: 'createdAt', source: 'v' },
    { when: 'a required value is blank', rule: { target: 'customer.name', transform: 'nonEmpty', default: '某人' }, input: '  ', path: 'customer.name', source: 'v' },
  ] as const;
  for (const { when, rule, input, path, source } of failures) {
    it(`when ${when}, then the issue names ${path} and ${source}`, () => {
      expect(mapOne(rule, input)).toEqual({ issues: [{ path, source, message: expect.any(String) }] });
    });
  }
});

describe('applyMapping issues', () => {
  const lineItems = { items: [{ sku: 'A' }, { sku: 'B' }] };

  it('when a mapped value fails the canonical schema, then the issue names the canonical field and its source path', () => {
    const result = applyMapping(withRule({ target: 'customer.phone', source: 'receiver.mobile' }), { ...lineItems, receiver: { mobile: '1' } });
    expect(result).toEqual({ ok: false, issues: [{ path: 'customer.phone', source: 'receiver.mobile', message: expect.stringMatching(/3/) }] });
  });

  it('when a required source is absent, then the issue names the field and where it was looked for', () => {
    const result = applyMapping(withRule({ target: 'customer.phone', source: 'receiver_mobile' }), lineItems);
    expect(result).toEqual({ ok: false, issues: [{ path: 'customer.phone', source: 'receiver_mobile', message: expect.any(String) }] });
  });

  it('when every source of an object is missing, then the issue names the object and all the paths tried', () => {
    const rules = [
      ...BASE.filter((r) => !r.target.startsWith('shippingAddress.')),
      { target: 'shippingAddress.province', source: 'addr.province' },
      { target: 'shippingAddress.detail', source: 'addr.detail' },
    ] as const;
    expect(applyMapping(rules, lineItems)).toEqual({
      ok: false,
      issues: [{ path: 'shippingAddress', source: 'addr.province + addr.detail', message: expect.any(String) }],
    });
  });

  it('when one line lacks its SKU, then the issue points at that line and that element of the source array', () => {
    const result = applyMapping(BASE, { items: [{ sku: 'A' }, { name: 'no sku' }] });
    expect(result).toEqual({ ok: false, issues: [{ path: 'lines[1].sku', source: 'items[1].sku', message: expect.any(String) }] });
  });

  it('when the lines array is missing, then the issue names "lines" and the array path', () => {
    const result = applyMapping(BASE, {});
    expect(result).toEqual({ ok: false, issues: [{ path: 'lines', source: 'items[]', message: expect.any(String) }] });
  });

  it('when the lines source is not an array, then the issue says so', () => {
    expect(applyMapping(BASE, { items: { sku: 'A' } })).toEqual({ ok: false, issues: [{ path: 'lines', source: 'items[]', message: 'expected an array' }] });
  });

  it('when two lines carry the same SKU, then the canonical duplicate check reports the second line', () => {
    const result = applyMapping(BASE, { items: [{ sku: 'A' }, { sku: 'A' }] });
    expect(result).toEqual({ ok: false, issues: [{ path: 'lines[1].sku', source: 'items[1].sku', message: expect.stringContaining('duplicate') }] });
  });

  it('when a field has no rule at all, then the issue says no rule maps it', () => {
    const result = applyMapping(BASE.filter((r) => r.target !== 'createdAt'), lineItems);
    expect(result).toEqual({ ok: false, issues: [{ path: 'createdAt', message: expect.stringContaining('no rule maps this field') }] });
  });

  const brokenRules: { when: string; rule: MappingRule; field: string }[] = [
    { when: 'a rule names an unknown transform', rule: { target: 'buyerMessage', default: '-', transform: 'shout' } as unknown as MappingRule, field: 'transform' },
    { when: 'a rule has neither source nor default', rule: { target: 'buyerMessage' }, field: 'source' },
    { when: 'a source path is not a dotted path', rule: { target: 'buyerMessage', source: 'a..b' }, field: 'source' },
    { when: 'join has no sources', rule: { target: 'buyerMessage', source: 'a', transform: 'join' }, field: 'sources' },
    { when: 'a scalar field reads from an array', rule: { target: 'buyerMessage', source: 'items[].note' }, field: 'source' },
    { when: 'a line field reads from outside the lines array', rule: { target: 'lines[].title', source: 'title' }, field: 'source' },
  ];
  for (const { when, rule, field } of brokenRules) {
    it(`when ${when}, then the issue points at that rule's ${field}`, () => {
      const rules = withRule(rule);
      const result = applyMapping(rules, lineItems);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.issues.map((i) => i.path)).toContain(`rules[${rules.length - 1}].${field}`);
    });
  }

  it('when line fields read from two different arrays, then the rule set as a whole is reported', () => {
    const result = applyMapping(withRule({ target: 'lines[].title', source: 'other[].title' }), lineItems);
    expect(result).toEqual({ ok: false, issues: [{ path: 'rules', message: expect.stringContaining('different arrays') }] });
  });
});
