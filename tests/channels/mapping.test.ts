import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../channels';
import type { Platform } from '../../channels/types';
import { applyMapping } from '../../domain/mapping';
import type { CanonicalOrder } from '../../domain/order';
import { type FixtureName, loadFixture } from './fixtures';

const cases: { platform: Platform; fixture: FixtureName; expected: CanonicalOrder }[] = [
  {
    platform: 'taobao',
    fixture: 'taobao-trade',
    expected: {
      channel: 'taobao',
      channelOrderId: '3912845670123456789',
      createdAt: '2024-05-01T12:30:00+08:00',
      paidAt: '2024-05-01T12:31:05+08:00',
      urgent: false,
      customer: { name: '王芳', phone: '13812345678' },
      shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文新街道文三路398号翠苑小区3栋2单元501室', postalCode: '310012' },
      lines: [
        { sku: 'TEE-WHT-M', quantity: 1, unitPriceFen: 18008, title: '纯棉圆领短袖T恤 白色 M' },
        { sku: 'CUP-500', quantity: 1, unitPriceFen: 1999, title: '不锈钢保温杯 500ml' },
      ],
      buyerMessage: '请尽快发货',
    },
  },
  {
    platform: 'pdd',
    fixture: 'pdd-order',
    expected: {
      channel: 'pdd',
      channelOrderId: '240501-512345678901234',
      createdAt: '2024-05-01T20:15:42+08:00',
      paidAt: '2024-05-01T20:16:03+08:00',
      urgent: false,
      customer: { name: '李娜', phone: '15912345678' },
      shippingAddress: { province: '广东省', city: '深圳市', district: '南山区', detail: '粤海街道科技南十二路18号阳光花园7栋1单元1202室' },
      lines: [
        { sku: 'TEA-250', quantity: 2, unitPriceFen: 1990, title: '有机绿茶 250g' },
        { sku: 'STRAINER', quantity: 1, unitPriceFen: 29, title: '不锈钢茶漏' },
      ],
    },
  },
  {
    platform: 'douyin',
    fixture: 'douyin-order',
    expected: {
      channel: 'douyin',
      channelOrderId: '6921234567890123456',
      createdAt: '2024-05-01T12:30:00.000Z',
      paidAt: '2024-05-01T12:31:05.000Z',
      urgent: false,
      customer: { name: '张伟', phone: '13698765432' },
      shippingAddress: { province: '北京市', city: '北京市', district: '朝阳区', detail: '望京街道阜通东大街6号院3号楼1单元902室' },
      lines: [{ sku: 'EARBUD-BLK', quantity: 1, unitPriceFen: 25900, title: '无线蓝牙耳机 黑色' }],
      buyerMessage: '送人的，不要放价格单',
    },
  },
  {
    platform: 'wechat',
    fixture: 'wechat-order',
    expected: {
      channel: 'wechat',
      channelOrderId: '3705115058471208928',
      createdAt: '2024-05-01T12:30:00.000Z',
      paidAt: '2024-05-01T12:30:20.000Z',
      urgent: false,
      customer: { name: '刘洋', phone: '18612345678' },
      shippingAddress: { province: '四川省', city: '成都市', district: '武侯区', detail: '玉林街道玉林南路12号锦绣家园2栋1单元301室', postalCode: '610041' },
      lines: [{ sku: 'MASK-10', quantity: 3, unitPriceFen: 1999, title: '玻尿酸保湿面膜 10片装' }],
    },
  },
];

describe('default platform mappings', () => {
  for (const { platform, fixture, expected } of cases) {
    it(`when a ${platform} order is mapped with the default rules, then it becomes the expected canonical order`, () => {
      expect(applyMapping(adapterFor(platform).mapping, loadFixture(fixture))).toEqual({ ok: true, order: expected });
    });
  }

  it('when a Tmall store maps a trade, then only the channel differs from Taobao', () => {
    const result = applyMapping(adapterFor('tmall').mapping, loadFixture('taobao-trade'));
    expect(result.ok && result.order.channel).toBe('tmall');
  });

  it('when a 19-digit order id arrives as a bare JSON number, then it maps without losing digits', () => {
    const result = applyMapping(adapterFor('wechat').mapping, loadFixture('wechat-order'));
    expect(result.ok && result.order.channelOrderId).toBe('3705115058471208928');
  });

  it('when a platform order lacks the receiver phone, then the issue names customer.phone and the platform field', () => {
    const { receiver_mobile: _dropped, ...trade } = loadFixture('taobao-trade');
    expect(applyMapping(adapterFor('taobao').mapping, trade)).toEqual({
      ok: false,
      issues: [{ path: 'customer.phone', source: 'receiver_mobile', message: expect.any(String) }],
    });
  });
});
