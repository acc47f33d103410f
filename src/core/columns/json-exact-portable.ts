import { isJsonSpace } from '../text-limits.js';

/**
 * Exact JSON numbers where `JSON.rawJSON` and the reviver's `context.source` are missing (Node 20):
 * a small reader and writer for the rare text that holds a number with more digits than a double
 * keeps. Only such candidates come here (`mayHoldLossyNumber`), so its speed does not matter; its
 * output is what the native path gives (json-exact.test.ts compares both on generated values).
 */

/** A number kept as its source text, as `JSON.rawJSON` would keep it. */
export class RawNumber {
  constructor(readonly rawJSON: string) {
    Object.freeze(this);
  }
}

const isNumberChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69; // 0-9 - + . e E

/**
 * Parses JSON text already known to be valid (`JSON.parse` read it), keeping as a RawNumber each
 * number for which `keep(value, source)` says so. Objects get their keys as `JSON.parse` gives them
 * (a repeated key keeps its first place and its last value; `__proto__` is an own key).
 */
export function parseKeeping(text: string, keep: (value: number, source: string) => boolean): unknown {
  let i = 0;
  const skipSpace = (): void => {
    while (isJsonSpace(text.charCodeAt(i))) i++;
  };
  const readString = (): string => {
    const start = i++;
    for (let c = text.charCodeAt(i); c !== 34; c = text.charCodeAt(i)) i += c === 92 ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const readValue = (): unknown => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 123) return readObject();
    if (c === 91) return readArray();
    if (c === 34) return readString();
    if (c === 116) return ((i += 4), true);
    if (c === 102) return ((i += 5), false);
    if (c === 110) return ((i += 4), null);
    const start = i;
    while (i < text.length && isNumberChar(text.charCodeAt(i))) i++;
    const source = text.slice(start, i);
    const value = Number(source);
    return keep(value, source) ? new RawNumber(source) : value;
  };
  const readArray = (): unknown[] => {
    const items: unknown[] = [];
    i++;
    skipSpace();
    if (text.charCodeAt(i) === 93) return (i++, items);
    for (;;) {
      items.push(readValue());
      skipSpace();
      if (text.charCodeAt(i++) === 93) return items;
    }
  };
  const readObject = (): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    i++;
    skipSpace();
    if (text.charCodeAt(i) === 125) return (i++, o);
    for (;;) {
      skipSpace();
      const key = readString();
      skipSpace();
      i++; // ':'
      const value = readValue();
      Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
      skipSpace();
      if (text.charCodeAt(i++) === 125) return o;
    }
  };
  return readValue();
}

/** Compact JSON text of a value read by `parseKeeping`, each RawNumber written as its source. */
export function stringifyKeeping(value: unknown): string {
  if (value instanceof RawNumber) return spelled(value.rawJSON);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stringifyKeeping(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyKeeping(v)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True for a number whose double is not exactly what its source text said (or might not be). */
export function isLossy(n: number): boolean {
  return !Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n));
}

/**
 * The text a kept number is written as: its source when its double would lose digits (an integer
 * beyond 2^53), else the double's own JSON spelling. So `2.0` and `1E2` are written `2` and `100`
 * whatever else is in the event, as when no number of it needed keeping (one spelling per value).
 */
export function spelled(raw: string): string {
  const n = Number(raw);
  return isLossy(n) ? raw : JSON.stringify(n);
}
