import { describe, expect, it } from 'vitest';
import { chinaTimeToIso, formatChinaTime } from '../../carriers/china-time';
import { redact } from '../../carriers/errors';
import { jdKindOf, jdTraceToEvent } from '../../carriers/jd-wire';
import { sfKindOf, sfRouteToEvent } from '../../carriers/sf-wire';

describe('Beijing time', () => {
  it.each([
    ['2024-05-01 10:00:00', '2024-05-01T02:00:00.000Z'],
    ['2024-01-01 07:59:59', '2023-12-31T23:59:59.000Z'],
    ['2024-02-29 23:00:00', '2024-02-29T15:00:00.000Z'],
  ])('when a carrier says %s, then the instant is %s', (wall, iso) => {
    expect(chinaTimeToIso(wall)).toBe(iso);
    expect(formatChinaTime(Date.parse(iso))).toBe(wall);
  });

  it.each(['2024-02-30 10:00:00', '2024-05-01T10:00:00', '2024-05-01', ''])(
    'when a carrier sends %j, then it is not accepted as a time',
    (text) => {
      expect(chinaTimeToIso(text)).toBeUndefined();
    },
  );
});

describe('SF opCode → kind', () => {
  it.each([
    ['50', 'picked_up'],
    ['30', 'in_transit'],
    ['31', 'in_transit'],
    ['44', 'out_for_delivery'],
    ['80', 'delivered'],
    ['8000', 'delivered'],
    ['70', 'exception'],
    ['607', 'in_transit'],
    ['', 'in_transit'],
  ] as const)('when the opCode is %j, then the event is %s', (code, kind) => {
    expect(sfKindOf(code)).toBe(kind);
  });

  it('when a route comes back twice, then it gets the same eventId', () => {
    const route = { acceptTime: '2024-05-01 10:00:00', acceptAddress: '深圳市', remark: '已收取快件', opCode: '50' };
    const a = sfRouteToEvent('SF1234567890123', route);
    const b = sfRouteToEvent('SF1234567890123', { ...route, remark: 'different wording' });
    expect(a?.eventId).toBe('sf:SF1234567890123:50:2024-05-01 10:00:00');
    expect(b?.eventId).toBe(a?.eventId);
    expect(a).toMatchObject({ carrier: 'sf', kind: 'picked_up', at: '2024-05-01T02:00:00.000Z', rawCode: '50' });
  });
});

describe('JD category / title → kind', () => {
  it.each([
    ['ORDERED', '', 'created'],
    ['COLLECTED', '', 'picked_up'],
    ['IN_TRANSIT', '', 'in_transit'],
    ['DELIVERING', '', 'out_for_delivery'],
    ['SIGNED', '', 'delivered'],
    ['EXCEPTION', '', 'exception'],
    [null, '您提交了订单，请等待快递员上门揽件', 'created'],
    [null, '快递员已揽收', 'picked_up'],
    [null, '配送员正在为您派件', 'out_for_delivery'],
    [null, '您的快件已签收', 'delivered'],
    [null, '妥投', 'delivered'],
    [null, '客户拒收', 'exception'],
    ['UNKNOWN', '您的快件已到达【北京分拣中心】', 'in_transit'],
  ] as const)('when category is %j and title %j, then the event is %s', (category, title, kind) => {
    expect(jdKindOf(category, title)).toBe(kind);
  });

  it('when a trace entry is mapped, then title and remark form the remark and the id is stable', () => {
    const event = jdTraceToEvent('JDVA001', {
      operationTime: '2024-05-01 10:00:00',
      operationTitle: '妥投',
      operationRemark: '您的快件已签收',
      category: 'SIGNED',
    });
    expect(event).toEqual({
      carrier: 'jd',
      waybillNo: 'JDVA001',
      eventId: 'jd:JDVA001:SIGNED:2024-05-01 10:00:00',
      kind: 'delivered',
      at: '2024-05-01T02:00:00.000Z',
      remark: '妥投 您的快件已签收',
      rawCode: 'SIGNED',
    });
  });
});

describe('redact', () => {
  it.each([
    ['收件人电话13812345678格式错误', '收件人电话138****5678格式错误'],
    ['waybill SF1381234567800 unknown', 'waybill SF1381234567800 unknown'],
    ['code 8016', 'code 8016'],
  ])('when the message is %j, then it becomes %j', (input, output) => {
    expect(redact(input)).toBe(output);
  });
});
