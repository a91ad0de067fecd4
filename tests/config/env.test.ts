import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../config/env';

describe('environment', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['72h', 259_200_000],
    ['7d', 604_800_000],
    ['1500', 1_500],
  ])('when PAYMENT_TIMEOUT is %s, then it is %d ms', (value, ms) => {
    expect(loadEnv({ PAYMENT_TIMEOUT: value }).PAYMENT_TIMEOUT).toBe(ms);
  });

  it('when nothing is set, then the business defaults apply', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, PAYMENT_TIMEOUT: 1_800_000, AFTER_SALE_WINDOW: 604_800_000, RETURN_WATCH_TIMEOUT: 259_200_000, DEDUP_WINDOW: 180_000 });
    expect([...env.ROLES]).toEqual(['api', 'worker']);
  });

  it.each([
    ['PAYMENT_TIMEOUT', 'soon'],
    ['PORT', 'eighty'],
    ['ROLES', 'api,cron'],
    ['ADMIN_API_KEY', 'short'],
  ])('when %s is %s, then start-up stops with a message naming the variable', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(new RegExp(name));
  });
});
