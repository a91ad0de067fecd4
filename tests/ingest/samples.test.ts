import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../channels';
import { PLATFORMS, type Platform } from '../../channels/types';
import type { MappingRule } from '../../domain/mapping';
import { checkAgainstSample, samplePayload } from '../../ingest/samples';

const replace = (platform: Platform, rule: MappingRule): MappingRule[] => [
  ...(adapterFor(platform).mapping as MappingRule[]).filter((r) => r.target !== rule.target),
  rule,
];

describe('the sample order each mapping PUT is checked against', () => {
  it.each(PLATFORMS)('when the %s default rules map its sample, then the result is a canonical order of that platform', (platform) => {
    const check = checkAgainstSample(platform, adapterFor(platform).mapping);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.order).toMatchObject({ channel: platform, shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区' } });
    expect(check.order.lines.length).toBeGreaterThan(0);
  });

  it.each(PLATFORMS)('when the %s sample is generated twice, then it is the same order (fixed seed and clock)', (platform) => {
    expect(samplePayload(platform)).toEqual(samplePayload(platform));
  });

  it('when a caller changes the sample it was given, then the next caller still gets the original', () => {
    const first = samplePayload('douyin');
    first.order_id = 'changed';
    expect(samplePayload('douyin').order_id).not.toBe('changed');
  });

  it.each<[Platform, MappingRule, { path: string; source?: string }]>([
    ['taobao', { target: 'customer.phone', source: 'receiver_mobile_v2', transform: 'nonEmpty' }, { path: 'customer.phone', source: 'receiver_mobile_v2' }],
    ['pdd', { target: 'lines[].unitPriceFen', source: 'item_list[].goods_price', transform: 'toInt' }, { path: 'lines[0].unitPriceFen', source: 'item_list[0].goods_price' }],
    ['douyin', { target: 'createdAt', source: 'create_time', transform: 'beijingTimeToIso' }, { path: 'createdAt', source: 'create_time' }],
    ['wechat', { target: 'channel', default: 'douyin' }, { path: 'channel' }],
    ['tmall', { target: 'channelOrderId', source: 'orders.order_count' }, { path: 'channelOrderId' }],
    ['douyin', { target: 'channelOrderId', source: 'shop_id', transform: 'toString' }, { path: 'channelOrderId' }],
  ])('when %s rules break %j, then the check names %j', (platform, rule, issue) => {
    const check = checkAgainstSample(platform, replace(platform, rule));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.issues[0]).toMatchObject(issue);
  });
});
