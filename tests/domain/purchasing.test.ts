import { describe, expect, it } from 'vitest';
import { formatPurchaseError, parsePurchaseError } from '../../domain/purchasing';

describe('purchase errors as stored', () => {
  it.each([
    ['NOT_CONFIGURED: no 1688 client is configured', { code: 'NOT_CONFIGURED', message: 'no 1688 client is configured' }],
    ['gw.QosAppFrequencyLimit: too many calls: slow down', { code: 'gw.QosAppFrequencyLimit', message: 'too many calls: slow down' }],
    ['BARE_CODE', { code: 'BARE_CODE', message: '' }],
    [null, { code: 'UNKNOWN', message: 'no detail' }],
    ['', { code: 'UNKNOWN', message: 'no detail' }],
  ])('when the row says %j, then it reads as %j', (stored, expected) => {
    expect(parsePurchaseError(stored)).toEqual(expected);
  });

  it('when written and read back, then code and message are what they were', () => {
    const error = { code: 'INTERRUPTED', message: 'an earlier attempt stopped: check 1688' };
    expect(parsePurchaseError(formatPurchaseError(error))).toEqual(error);
  });
});
