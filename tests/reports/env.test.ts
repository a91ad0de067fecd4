import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env';

describe('WECOM_WEBHOOK_URL and DAILY_REPORT_AT', () => {
  it('default: no robot, the push at 08:00 (Shanghai)', () => {
    const env = loadEnv({});
    expect(env.WECOM_WEBHOOK_URL).toBeUndefined();
    expect(env.DAILY_REPORT_AT).toEqual({ hour: 8, minute: 0 });
  });

  it.each([
    ['07:30', { hour: 7, minute: 30 }],
    ['23:59', { hour: 23, minute: 59 }],
    ['off', null],
  ])('DAILY_REPORT_AT=%s', (value, at) => {
    expect(loadEnv({ DAILY_REPORT_AT: value }).DAILY_REPORT_AT).toEqual(at);
  });

  it.each(['8:00', '24:00', '08:60', '8am', 'never'])('DAILY_REPORT_AT=%s stops the process naming it', (value) => {
    expect(() => loadEnv({ DAILY_REPORT_AT: value })).toThrow(/DAILY_REPORT_AT .*HH:MM/);
  });

  it('takes the robot URL, refuses a non-URL', () => {
    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc';
    expect(loadEnv({ WECOM_WEBHOOK_URL: url }).WECOM_WEBHOOK_URL).toBe(url);
    expect(() => loadEnv({ WECOM_WEBHOOK_URL: 'qyapi' })).toThrow(/WECOM_WEBHOOK_URL/);
  });
});
