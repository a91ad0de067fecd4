import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../../channels/json';

describe('parseJsonLossless', () => {
  const cases = [
    { when: 'an id is beyond 2^53', text: '{"tid":3912845670123456789}', expected: { tid: '3912845670123456789' } },
    { when: 'a number is a safe integer', text: '{"num":2,"user_id":2200000000001}', expected: { num: 2, user_id: 2200000000001 } },
    { when: 'a number has decimals or an exponent', text: '{"price":19.99,"huge":1e21}', expected: { price: 19.99, huge: 1e21 } },
    { when: 'a big integer is negative', text: '[-9007199254740993]', expected: ['-9007199254740993'] },
    { when: 'digits sit inside a string', text: '{"s":"x 9007199254740993 \\" 9007199254740993"}', expected: { s: 'x 9007199254740993 " 9007199254740993' } },
    { when: 'big ids sit in arrays next to strings', text: '{"s_ids":[6921234567890123457,"a",6921234567890123458]}', expected: { s_ids: ['6921234567890123457', 'a', '6921234567890123458'] } },
  ];
  for (const { when, text, expected } of cases) {
    it(`when ${when}, then it parses to the exact value`, () => {
      expect(parseJsonLossless(text)).toEqual(expected);
    });
  }

  it('when the text is not JSON, then it throws like JSON.parse', () => {
    expect(() => parseJsonLossless('{"a":')).toThrow(SyntaxError);
  });
});
