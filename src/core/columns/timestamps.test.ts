import { parseISO } from 'date-fns/parseISO';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil } from '../calendar.js';
import { MAX_MICROS, MIN_MICROS, toTimestamp } from './timestamps.js';

const raw = (text: string): unknown => (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(text);
const iso = (s: string): bigint => BigInt(Date.parse(s)) * 1000n;

describe('Unix numbers (contract §3, timestamps)', () => {
  it.each([
    ['seconds', 1714566896, 1714566896000000n],
    ['seconds just below 1e11', 99999999999, 99999999999000000n],
    ['milliseconds at 1e11', 100000000000, 100000000000000n],
    ['milliseconds', 1714566896789, 1714566896789000n],
    ['milliseconds just below 1e14', 99999999999999, 99999999999999000n],
    ['microseconds at 1e14', 100000000000000, 100000000000000n],
    ['microseconds', 1714566896789123, 1714566896789123n],
    ['zero', 0, 0n],
    ['negative seconds', -1, -1000000n],
    ['negative numbers are seconds whatever their size', -1714566896789, null],
  ])('%s', (_name, n, expected) => {
    expect(toTimestamp(n)).toBe(expected);
  });

  it.each([
    ['microseconds just below 1e17', '99999999999999999', 99999999999999999n],
    ['nanoseconds at 1e17', '100000000000000000', 100000000000000n],
    ['nanoseconds', '1714566896789123456', 1714566896789123n],
    ['nanoseconds floor to the microsecond', '1714566896789123999', 1714566896789123n],
    ['the last nanosecond in range', '253402300799999999999', MAX_MICROS],
    ['the first nanosecond out of range', '253402300800000000000', null],
  ])('%s (a string holding only a number, and the exact JSON number)', (_name, text, expected) => {
    expect(toTimestamp(text)).toBe(expected);
    expect(toTimestamp(raw(text))).toBe(expected);
  });

  it('keeps fractions exact to the microsecond, flooring what is below', () => {
    expect(toTimestamp(1714566896.123456)).toBe(1714566896123456n);
    expect(toTimestamp('1714566896.5')).toBe(1714566896500000n);
    expect(toTimestamp(1714566896123.25)).toBe(1714566896123250n);
    expect(toTimestamp('1714566896123.4567')).toBe(1714566896123456n);
    expect(toTimestamp('-1.5')).toBe(-1500000n);
    expect(toTimestamp('-0.0000001')).toBe(-1n);
    expect(toTimestamp('1.714566896e9')).toBe(1714566896000000n);
    expect(toTimestamp('1714566896789e-3')).toBe(1714566896789000n);
  });

  it('is NULL outside 0001-01-01..9999-12-31', () => {
    expect(toTimestamp(-62135596800)).toBe(MIN_MICROS);
    expect(toTimestamp(-62135596801)).toBeNull();
    expect(toTimestamp('-62135596800.000001')).toBeNull();
    expect(toTimestamp(1e300)).toBeNull();
    expect(toTimestamp('1e400')).toBeNull();
  });

  it('is NULL for anything else', () => {
    for (const v of [true, false, null, undefined, {}, [], [1714566896], { seconds: 1 }])
      expect(toTimestamp(v)).toBeNull();
    for (const s of [
      '',
      ' 1714566896',
      '1714566896 ',
      '+1714566896',
      '0x10',
      '1_000',
      '1.',
      '.5',
      'NaN',
      'Infinity',
      '1e',
    ]) {
      expect(toTimestamp(s), s).toBeNull();
    }
  });
});

describe('ISO 8601 and `YYYY-MM-DD HH:MM:SS UTC` strings', () => {
  it.each([
    ['2024-05-01T12:34:56Z', iso('2024-05-01T12:34:56Z')],
    ['2024-05-01T12:34:56.789Z', iso('2024-05-01T12:34:56.789Z')],
    ['2024-05-01T12:34:56.789123Z', iso('2024-05-01T12:34:56.789Z') + 123n],
    ['2024-05-01T12:34:56.7891239Z', iso('2024-05-01T12:34:56.789Z') + 123n],
    ['2024-05-01T12:34:56,5Z', iso('2024-05-01T12:34:56.500Z')],
    ['2024-05-01t12:34:56z', iso('2024-05-01T12:34:56Z')],
    ['2024-05-01T12:34:56', iso('2024-05-01T12:34:56Z')],
    ['2024-05-01 12:34:56', iso('2024-05-01T12:34:56Z')],
    ['2024-05-01T12:34:56+02:00', iso('2024-05-01T10:34:56Z')],
    ['2024-05-01T12:34:56-0530', iso('2024-05-01T18:04:56Z')],
    ['2024-05-01T12:34:56+05', iso('2024-05-01T07:34:56Z')],
    ['2024-05-01T00:30:00+01:00', iso('2024-04-30T23:30:00Z')],
    ['2024-05-01 12:34:56 UTC', iso('2024-05-01T12:34:56Z')],
    ['2024-05-01 12:34:56.123456 UTC', iso('2024-05-01T12:34:56.123Z') + 456n],
    ['2024-05-01T12:34Z', iso('2024-05-01T12:34:00Z')],
    ['2024-05-01T12Z', iso('2024-05-01T12:00:00Z')],
    ['2024-05-01T12:30.5Z', iso('2024-05-01T12:30:30Z')],
    ['2024-05-01', iso('2024-05-01T00:00:00Z')],
    ['2024-05', iso('2024-05-01T00:00:00Z')],
    ['20240501T123456Z', iso('2024-05-01T12:34:56Z')],
    ['2024-122T00:00:00Z', iso('2024-05-01T00:00:00Z')],
    ['2024-W18-3', iso('2024-05-01T00:00:00Z')],
    ['2024W183T12:00:00Z', iso('2024-05-01T12:00:00Z')],
    ['2020-W53-7', iso('2021-01-03T00:00:00Z')],
    ['2024-02-29T00:00:00Z', iso('2024-02-29T00:00:00Z')],
    ['0001-01-01T00:00:00Z', MIN_MICROS],
    ['9999-12-31T23:59:59.999999Z', MAX_MICROS],
  ])('%s', (text, expected) => {
    expect(toTimestamp(text)).toBe(expected);
  });

  it.each([
    '0000-12-31T23:59:59Z',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:59:59.999999-00:01',
    '2023-02-29T00:00:00Z',
    '2024-02-30',
    '2024-13-01',
    '2024-00-10',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60:00Z',
    '2024-05-01T12:34:60Z',
    '2024-05-01T12:34:56+24:00',
    '2024-05-01T12:34:56.Z',
    '2024-05-01T12:34:56 utc',
    '2024-05-01T12:34:56Z junk',
    ' 2024-05-01T12:34:56Z',
    '2021-W53-1',
    '2023-366',
    '2024-05T12:00:00Z',
    '+002024-05-01T00:00:00Z',
    'May 1, 2024',
    'yesterday',
    '',
  ])('NULL for %j', (text) => {
    expect(toTimestamp(text)).toBeNull();
  });

  it.each([
    [1772336149.401, 1772336149401000n],
    [12.3456789, 12345678n],
    [0.5, 500000n],
    [1714521600123.456, 1714521600123456n],
    [99999999999.5, 99999999999500000n], // past 2^53 µs: the exact decimal path
    [99999999999999.9, 99999999999999900n],
  ])('reads the number %d with a fraction as %d µs, the digits past the microsecond dropped', (n, micros) => {
    expect(toTimestamp(n)).toBe(micros);
  });

  it('reads a number with a fraction as its shortest text reads (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), (n) => {
        expect(toTimestamp(n)).toBe(toTimestamp(String(n)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('matches Date for every millisecond instant in range (property)', () => {
    const msMin = Number(MIN_MICROS / 1000n);
    const msMax = Number(MAX_MICROS / 1000n);
    fc.assert(
      fc.property(fc.integer({ min: msMin, max: msMax }), fc.integer({ min: 0, max: 999 }), (ms, extra) => {
        const text = new Date(ms).toISOString().replace('Z', `${String(extra).padStart(3, '0')}Z`);
        expect(toTimestamp(text)).toBe(BigInt(ms) * 1000n + BigInt(extra));
      }),
    );
  });

  it('agrees with date-fns parseISO on offsets, to the millisecond (property)', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1000, max: 9998 }),
          mo: fc.integer({ min: 1, max: 12 }),
          d: fc.integer({ min: 1, max: 28 }),
          h: fc.integer({ min: 0, max: 23 }),
          mi: fc.integer({ min: 0, max: 59 }),
          s: fc.integer({ min: 0, max: 59 }),
          ms: fc.integer({ min: 0, max: 999 }),
          oh: fc.integer({ min: 0, max: 14 }),
          om: fc.constantFrom(0, 15, 30, 45),
          sign: fc.constantFrom('+', '-'),
        }),
        (t) => {
          const text = `${t.y}-${pad(t.mo)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}${t.sign}${pad(t.oh)}:${pad(t.om)}`;
          expect(toTimestamp(text)).toBe(BigInt(parseISO(text).getTime()) * 1000n);
        },
      ),
    );
  });

  it('counts days like the proleptic Gregorian calendar', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(1, 1, 1)).toBe(-719162);
  });
});
