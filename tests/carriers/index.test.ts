import { describe, expect, it } from 'vitest';
import { carrierPush, createCarriers, isCarrierName } from '../../carriers/index';
import { JD_CREDS, SF_CREDS } from './fixtures';

describe('createCarriers', () => {
  it('when both carriers are configured, then each has a client and its push secret', () => {
    const carriers = createCarriers({ defaultCarrier: 'jd', sf: SF_CREDS, jd: JD_CREDS });
    expect(carriers.get().name).toBe('jd');
    expect(carriers.get('sf').name).toBe('sf');
    expect(carriers.pushSecret('sf')).toBe(SF_CREDS.checkword);
    expect(carriers.pushSecret('jd')).toBe(JD_CREDS.appSecret);
  });

  it('when a carrier is not configured, then asking for it throws and has() says so', () => {
    const carriers = createCarriers({ defaultCarrier: 'sf', sf: SF_CREDS });
    expect(carriers.has('jd')).toBe(false);
    expect(carriers.pushSecret('jd')).toBeUndefined();
    expect(() => carriers.get('jd')).toThrow(/not configured/);
  });

  it.each([
    ['the default carrier has no configuration', { defaultCarrier: 'jd' as const, sf: SF_CREDS }],
    ['a base URL is not a URL', { defaultCarrier: 'sf' as const, sf: { ...SF_CREDS, baseUrl: 'sfapi' } }],
    ['a secret is empty', { defaultCarrier: 'sf' as const, sf: { ...SF_CREDS, checkword: '' } }],
  ])('when %s, then the configuration is rejected', (_why, config) => {
    expect(() => createCarriers(config)).toThrow();
  });
});

describe('carrierPush', () => {
  it.each(['sf', 'jd'] as const)('when asked for %s, then it returns that carrier\'s push handling', (carrier) => {
    const push = carrierPush(carrier);
    expect(push.carrier).toBe(carrier);
    expect(push.ack().status).toBe(200);
  });

  it.each([
    ['sf', true],
    ['jd', true],
    ['ems', false],
  ])('when the route parameter is %j, then isCarrierName says %s', (name, expected) => {
    expect(isCarrierName(name)).toBe(expected);
  });
});
