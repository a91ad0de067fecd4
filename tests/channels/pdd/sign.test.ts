import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pddSign, pddSignString } from '../../../channels/pdd/sign';

const SECRET = 'pdd-secret';
const PARAMS = {
  type: 'pdd.order.information.get',
  client_id: 'pdd-client',
  timestamp: '1714566600',
  data_type: 'JSON',
  access_token: 'pdd-token',
  order_sn: '240501-512345678901234',
};
const HAND_WRITTEN =
  'access_tokenpdd-tokenclient_idpdd-clientdata_typeJSONorder_sn240501-512345678901234timestamp1714566600typepdd.order.information.get';

describe('PDD request signing', () => {
  it('when params are signed, then the string is name+value pairs sorted by name, without sign', () => {
    expect(pddSignString({ ...PARAMS, sign: 'IGNORED' })).toBe(HAND_WRITTEN);
  });

  it('when signed, then the sign is upper-case MD5(secret + string + secret), matching node:crypto and the fixed vector', () => {
    const sign = pddSign(PARAMS, SECRET);
    expect(sign).toBe(createHash('md5').update(`${SECRET}${HAND_WRITTEN}${SECRET}`).digest('hex').toUpperCase());
    expect(sign).toBe('1CF0D1B6CB02F099989949B33148ECEC');
  });
});
