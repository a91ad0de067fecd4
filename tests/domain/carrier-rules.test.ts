import { describe, expect, it } from 'vitest';
import {
  carrierRuleSetSchema,
  chooseCarrier,
  DEFAULT_CARRIER_RULES,
  type CarrierChoice,
  type CarrierRuleSet,
  type CarrierRuleSetInput,
  type CarrierSetup,
  type ParcelFacts,
} from '../../domain/carrier-rules';
import { freightFen } from '../../domain/freight';

const HANGZHOU = { province: '浙江省', city: '杭州市' };
const parcel = (over: Partial<ParcelFacts> = {}): ParcelFacts => ({ from: HANGZHOU, to: { province: '浙江省', city: '宁波市' }, weightGrams: 800, urgent: false, ...over });
const BOTH: CarrierSetup = { defaultCarrier: 'sf', configured: ['sf', 'jd'] };
const rules = (input: CarrierRuleSetInput): CarrierRuleSet => carrierRuleSetSchema.parse(input);

/** A realistic set: remote provinces and heavy parcels by SF, urgent by SF, Shenzhen by JD, otherwise the cheapest under ¥15. */
const SET = rules({
  rules: [
    { id: 'remote-sf', when: { provinces: ['新疆', 'Tibet'] }, carrier: 'sf' },
    { id: 'urgent-sf', when: { urgent: true }, carrier: 'sf' },
    { id: 'heavy-sf', when: { minWeightGrams: 5000 }, carrier: 'sf' },
    { id: 'shenzhen-jd', when: { cities: ['深圳'] }, carrier: 'jd' },
    { id: 'cheap', when: { maxCostFen: 1500 }, carrier: 'cheapest' },
  ],
});

interface Case {
  name: string;
  facts: ParcelFacts;
  set?: CarrierRuleSet;
  setup?: CarrierSetup;
  expected: Partial<CarrierChoice>;
}

const cases: Case[] = [
  {
    name: 'when there are no rules, then the default carrier ships and no rule is recorded',
    facts: parcel(),
    set: DEFAULT_CARRIER_RULES,
    expected: { carrier: 'sf', ruleId: null, costFen: 1000, zone: 'same-province' },
  },
  {
    name: 'when the receiver is in a listed province (written another way), then that rule picks',
    facts: parcel({ to: { province: '新疆维吾尔自治区', city: '喀什地区' } }),
    expected: { carrier: 'sf', ruleId: 'remote-sf', zone: 'remote', costFen: 2500 },
  },
  {
    name: 'when the receiver is in a listed city, then that rule picks',
    facts: parcel({ to: { province: '广东', city: '深圳市' } }),
    expected: { carrier: 'jd', ruleId: 'shenzhen-jd', zone: 'far', costFen: 1400 },
  },
  {
    name: 'when an earlier rule also matches, then the first match wins',
    facts: parcel({ to: { province: '广东', city: '深圳' }, urgent: true }),
    expected: { carrier: 'sf', ruleId: 'urgent-sf' },
  },
  {
    name: 'when the parcel reaches the minimum weight, then the weight rule picks (inclusive)',
    facts: parcel({ weightGrams: 5000 }),
    expected: { carrier: 'sf', ruleId: 'heavy-sf', costFen: 1000 + 4 * 200 },
  },
  {
    name: 'when nothing specific matches and a light parcel is cheapest with JD within the cost cap, then JD',
    facts: parcel({ weightGrams: 900 }),
    expected: { carrier: 'jd', ruleId: 'cheap', costFen: 800 },
  },
  {
    name: 'when the cheapest still costs more than the cap, then the rule is skipped and the default ships',
    facts: parcel({ to: { province: '北京', city: '北京' }, weightGrams: 2000 }),
    expected: { carrier: 'sf', ruleId: null, zone: 'far', costFen: 1600 + 800 },
  },
  {
    name: 'when SF and JD cost the same, then the cheapest is the default carrier',
    facts: parcel({ weightGrams: 3000 }),
    set: rules({ rules: [{ id: 'cheapest', carrier: 'cheapest' }] }),
    setup: { defaultCarrier: 'jd', configured: ['sf', 'jd'] },
    expected: { carrier: 'jd', ruleId: 'cheapest', costFen: 1400 },
  },
  {
    name: 'when SF and JD cost the same and SF is the default, then SF',
    facts: parcel({ weightGrams: 3000 }),
    set: rules({ rules: [{ id: 'cheapest', carrier: 'cheapest' }] }),
    expected: { carrier: 'sf', ruleId: 'cheapest', costFen: 1400 },
  },
  {
    name: 'when the parcel is heavy, then the cheapest is SF',
    facts: parcel({ weightGrams: 4200 }),
    set: rules({ rules: [{ id: 'cheapest', carrier: 'cheapest' }] }),
    expected: { carrier: 'sf', ruleId: 'cheapest', costFen: 1000 + 4 * 200 },
  },
  {
    name: 'when only SF is configured, then the cheapest is chosen among the configured carriers only',
    facts: parcel({ weightGrams: 900 }),
    set: rules({ rules: [{ id: 'cheapest', carrier: 'cheapest' }] }),
    setup: { defaultCarrier: 'sf', configured: ['sf'] },
    expected: { carrier: 'sf', ruleId: 'cheapest', costFen: 1000 },
  },
  {
    name: 'when the matching rule names a carrier that is not configured, then the default ships, no rule is recorded, and the choice says why',
    facts: parcel({ to: { province: '广东', city: '深圳' } }),
    setup: { defaultCarrier: 'sf', configured: ['sf'] },
    expected: { carrier: 'sf', ruleId: null, costFen: 1600, unconfigured: { ruleId: 'shenzhen-jd', carrier: 'jd' } },
  },
  {
    name: 'when a rule is disabled, then it is passed over',
    facts: parcel({ to: { province: '西藏', city: '拉萨' } }),
    set: rules({ rules: [{ id: 'off', enabled: false, when: { provinces: ['西藏'] }, carrier: 'jd' }] }),
    expected: { carrier: 'sf', ruleId: null },
  },
  {
    name: 'when a rule wants ordinary orders only, then an urgent order passes it',
    facts: parcel({ urgent: true }),
    set: rules({ rules: [{ id: 'ordinary-jd', when: { urgent: false }, carrier: 'jd' }, { id: 'rest', carrier: 'sf' }] }),
    expected: { carrier: 'sf', ruleId: 'rest' },
  },
  {
    name: 'when a weight band is given, then a parcel above it passes the rule (maximum inclusive)',
    facts: parcel({ weightGrams: 2001 }),
    set: rules({ rules: [{ id: 'light', when: { minWeightGrams: 0, maxWeightGrams: 2000 }, carrier: 'jd' }, { id: 'rest', carrier: 'sf' }] }),
    expected: { carrier: 'sf', ruleId: 'rest' },
  },
  {
    name: 'when provinces and cities are both listed, then either matching is enough',
    facts: parcel({ to: { province: '广东', city: '广州' } }),
    set: rules({ rules: [{ id: 'south', when: { provinces: ['广西'], cities: ['广州'] }, carrier: 'jd' }] }),
    expected: { carrier: 'jd', ruleId: 'south' },
  },
  {
    name: 'when the receiver cannot be placed, then a place rule does not match, and freight is priced as far',
    facts: parcel({ to: { province: 'Atlantis', city: 'Nowhere' } }),
    set: rules({ rules: [{ id: 'zj', when: { provinces: ['浙江'] }, carrier: 'jd' }] }),
    expected: { carrier: 'sf', ruleId: null, zone: 'far', costFen: 1600 },
  },
];

describe('choosing the carrier: first matching rule, or the default carrier', () => {
  it.each(cases)('$name', ({ facts, set, setup, expected }) => {
    const choice = chooseCarrier(facts, set ?? SET, setup ?? BOTH);
    expect(choice).toMatchObject(expected);
    // The recorded cost is always the chosen carrier's own freight.
    expect(choice.costFen).toBe(freightFen(choice.carrier, choice.zone, facts.weightGrams));
    expect(choice.reason).toMatch(choice.ruleId ? new RegExp(`rule ${choice.ruleId}`) : /default carrier/);
  });

  it('the same facts give the same choice whatever order the configured carriers are listed in', () => {
    const set = rules({ rules: [{ id: 'cheapest', carrier: 'cheapest' }] });
    for (const weightGrams of [500, 3000, 8000]) {
      const a = chooseCarrier(parcel({ weightGrams }), set, { defaultCarrier: 'sf', configured: ['sf', 'jd'] });
      const b = chooseCarrier(parcel({ weightGrams }), set, { defaultCarrier: 'sf', configured: ['jd', 'sf'] });
      expect(a).toEqual(b);
    }
  });
});

describe('the carrier rule set schema', () => {
  it('fills in defaults and keeps the rules in order', () => {
    const parsed = carrierRuleSetSchema.parse({ rules: [{ id: 'a', carrier: 'jd' }, { id: 'b', when: { urgent: true }, carrier: 'cheapest' }] });
    expect(parsed.rules).toEqual([
      { id: 'a', enabled: true, when: {}, carrier: 'jd' },
      { id: 'b', enabled: true, when: { urgent: true }, carrier: 'cheapest' },
    ]);
    expect(carrierRuleSetSchema.parse({ rules: [] })).toEqual(DEFAULT_CARRIER_RULES);
  });

  const invalid: [string, unknown, string[]][] = [
    ['an unknown carrier', { rules: [{ id: 'a', carrier: 'ems' }] }, ['rules.0.carrier']],
    ['an unknown province', { rules: [{ id: 'a', when: { provinces: ['浙江', '火星'] }, carrier: 'sf' }] }, ['rules.0.when.provinces.1']],
    ['an unknown city', { rules: [{ id: 'a', when: { cities: ['Gotham'] }, carrier: 'sf' }] }, ['rules.0.when.cities.0']],
    ['an empty place list', { rules: [{ id: 'a', when: { provinces: [] }, carrier: 'sf' }] }, ['rules.0.when.provinces']],
    ['a weight band upside down', { rules: [{ id: 'a', when: { minWeightGrams: 3000, maxWeightGrams: 1000 }, carrier: 'sf' }] }, ['rules.0.when.maxWeightGrams']],
    ['a fractional weight', { rules: [{ id: 'a', when: { minWeightGrams: 1.5 }, carrier: 'sf' }] }, ['rules.0.when.minWeightGrams']],
    ['a negative cost cap', { rules: [{ id: 'a', when: { maxCostFen: -1 }, carrier: 'cheapest' }] }, ['rules.0.when.maxCostFen']],
    ['a misspelt condition', { rules: [{ id: 'a', when: { province: ['浙江'] }, carrier: 'sf' }] }, ['rules.0.when']],
    ['a duplicate id', { rules: [{ id: 'a', carrier: 'sf' }, { id: 'a', carrier: 'jd' }] }, ['rules.1.id']],
    ['a missing id', { rules: [{ carrier: 'sf' }] }, ['rules.0.id']],
    ['no rules list', {}, ['rules']],
  ];
  it.each(invalid)('refuses %s, with the field path', (_name, input, paths) => {
    const result = carrierRuleSetSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(paths);
  });
});
