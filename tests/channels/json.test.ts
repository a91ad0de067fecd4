import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../../channels/json';

/** What the lossless parse of JSON.stringify's text must give: integers written beyond 2^53 as their digits. */
function exact(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21 ? String(value) : value;
  if (Array.isArray(value)) return value.map(exact);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exact(v)]));
  return value;
}

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

  it('when big integers sit anywhere among arbitrary JSON, then each comes back as its exact digits and everything else as JSON.parse reads it', () => {
    const bigInteger = fc.bigInt({ min: 2n ** 53n, max: 10n ** 24n }).chain((n) => fc.constantFrom(n, -n));
    // Strings with digit runs of every length, so a long run inside a string must be left alone.
    const digity = fc.array(fc.oneof(fc.string(), fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String), fc.constantFrom('"', '\\', '.', 'e', '-')), { maxLength: 6 }).map((parts) => parts.join(''));
    const value = fc.oneof(fc.jsonValue(), digity, fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.array(fc.tuple(value, bigInteger), { maxLength: 8 }), (pairs) => {
        const text = `[${pairs.map(([v, n]) => `${JSON.stringify(v)},{"id":${n}}`).join(',')}]`;
        const expected = pairs.flatMap(([v, n]) => [exact(JSON.parse(JSON.stringify(v))), { id: String(n) }]);
        expect(parseJsonLossless(text)).toEqual(expected);
      }),
    );
  });

  it('when the text is not JSON, then it throws like JSON.parse', () => {
    expect(() => parseJsonLossless('{"a":')).toThrow(SyntaxError);
  });
});
