import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExact, stringifyExact } from './json-exact.js';
import { parseKeeping, RawNumber, stringifyKeeping } from './json-exact-portable.js';

// Issue 25: on Node 20 (no JSON.rawJSON) numbers are kept exact by json-exact-portable.ts. Here,
// on a Node that has both, the portable reader and writer must give what the native ones give.

const keepRule = (value: number, source: string): boolean =>
  !Number.isFinite(value) || (Number.isInteger(value) && (!Number.isSafeInteger(value) || /[.eE]/.test(source)));

/** Numbers as operators' clients write them: long ids, nanosecond times, fractions that round. */
const numberText = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('1.0000000000000001', '1e-400', '1E+400', '-0', '2.0', '1e2', '9007199254740993'),
);

/** JSON text holding such numbers anywhere, with arbitrary spacing. */
const jsonText: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    numberText,
    fc.string().map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[ ${items.join(' ,\n')} ]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', '1', 'eventIndex', 'x y'), tie('value')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)} :\t${v as string}`).join(',')}}`),
  ),
})).value as fc.Arbitrary<string>;

describe('exact JSON numbers without JSON.rawJSON', () => {
  it('reads and writes back what the native path does', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        expect(stringifyKeeping(parseKeeping(text, keepRule))).toBe(stringifyExact(parseExact(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the digits a double loses, and only those; writes the rest as the double does (one spelling)', () => {
    const value = parseKeeping('{"id":9007199254740993,"n":7,"t":1.5,"r":1.0000000000000001}', keepRule) as Record<
      string,
      unknown
    >;
    expect(value.id).toEqual(new RawNumber('9007199254740993'));
    expect(value.r).toEqual(new RawNumber('1.0000000000000001'));
    expect([value.n, value.t]).toEqual([7, 1.5]);
    expect(stringifyKeeping(value)).toBe('{"id":9007199254740993,"n":7,"t":1.5,"r":1}');
  });

  it('keeps __proto__ as an own key, and a repeated key in its first place with its last value', () => {
    const value = parseKeeping('{"__proto__":{"x":1},"a":1,"b":2,"a":3}', keepRule);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(stringifyKeeping(value)).toBe(JSON.stringify(JSON.parse('{"__proto__":{"x":1},"a":1,"b":2,"a":3}')));
  });
});
