import { isLossy, parseKeeping, RawNumber, spelled, stringifyKeeping } from './json-exact-portable.js';

export { isLossy, spelled };
import { isJsonSpace } from '../text-limits.js';

/**
 * Exact JSON numbers. `JSON.parse` turns every number into a double, which loses digits of
 * integers beyond 2^53 (int64 ids, nanosecond timestamps). When a value needs them, the candidate is
 * parsed again keeping those numbers' source text (`JSON.rawJSON`), which `JSON.stringify` writes
 * back verbatim. Where Node has neither (Node 20), json-exact-portable.ts does the same.
 */

/** A number kept as its source text: what `JSON.rawJSON` returns. */
export interface RawJson {
  readonly rawJSON: string;
}

interface JsonWithRaw {
  rawJSON(text: string): RawJson;
  isRawJSON(value: unknown): value is RawJson;
}

const JSONX = JSON as unknown as JSON & Partial<JsonWithRaw>;

/** Whether this Node keeps number source text natively (Node 22 and later). */
export const NATIVE_RAW_JSON = typeof JSONX.rawJSON === 'function' && typeof JSONX.isRawJSON === 'function';

export function isRawJson(value: unknown): value is RawJson {
  return value instanceof RawNumber || (typeof value === 'object' && value !== null && !!JSONX.isRawJSON?.(value));
}

// Lossy, or an integer read from a fraction or an exponent (`1.0000000000000001`, `1e-400`): the
// double may have rounded what was written, so the text is kept for an exact check.
const mustKeep = (value: number, source: string): boolean =>
  isLossy(value) || (Number.isInteger(value) && /[.eE]/.test(source));

function keepLossyNumbers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && context?.source !== undefined && mustKeep(value, context.source)) {
    return JSONX.rawJSON!(context.source);
  }
  return value;
}

/** Parses JSON text (known to be valid) keeping lossy numbers as RawJson. */
export function parseExact(text: string): unknown {
  return NATIVE_RAW_JSON
    ? JSON.parse(text, keepLossyNumbers as (this: unknown, key: string, value: unknown) => unknown)
    : parseKeeping(text, mustKeep);
}

const respell = (_key: string, v: unknown): unknown =>
  typeof v === 'object' && v !== null && JSONX.isRawJSON!(v) && !isLossy(Number(v.rawJSON)) ? Number(v.rawJSON) : v;

/** `JSON.stringify`, writing each RawJson of `parseExact` as `spelled` says. */
export function stringifyExact(value: unknown): string {
  if (NATIVE_RAW_JSON) return JSON.stringify(value, respell);
  let kept = false;
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawNumber ? ((kept = true), null) : v));
  return kept ? stringifyKeeping(value) : text;
}

/**
 * Whether compact JSON text may hold a number written with lost digits: a run of 16 or more digits or
 * an exponent (`1e+21`). Strings that look like that only cost an exact re-parse, never a wrong result.
 */
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Whether `json` writes a number with a fraction or an exponent as the value of one of `keys`
 * (`"eventIndex": 1.0000000000000001`): `JSON.parse` may have rounded it to an integer. A cheap scan
 * (a native search per key); a match elsewhere (a nested key) only costs an exact re-parse.
 */
export function keyHasInexactNumber(json: string, keys: readonly string[]): boolean {
  for (const key of keys) {
    const quoted = `"${key}"`;
    for (let at = json.indexOf(quoted); at >= 0; at = json.indexOf(quoted, at + 1)) {
      let i = at + quoted.length;
      while (isJsonSpace(json.charCodeAt(i))) i++;
      if (json.charCodeAt(i) !== 58) continue; // ':'
      i++;
      while (isJsonSpace(json.charCodeAt(i))) i++;
      for (; i < json.length; i++) {
        const c = json.charCodeAt(i);
        if (c === 46 || c === 101 || c === 69) return true; // '.', 'e', 'E'
        if (!isDigit(c) && c !== 45 && c !== 43) break; // digits and signs continue the number
      }
    }
  }
  return false;
}

export function mayHoldLossyNumber(json: string): boolean {
  // Any run of 16 digits covers exactly one index ≡ 15 (mod 16): probe those, then measure the run.
  const n = json.length;
  for (let i = 15; i < n; i += 16) {
    if (!isDigit(json.charCodeAt(i))) continue;
    let a = i;
    while (a > 0 && isDigit(json.charCodeAt(a - 1))) a--;
    let b = i + 1;
    while (b < n && isDigit(json.charCodeAt(b))) b++;
    if (b - a >= 16) return true;
  }
  return json.includes('e+');
}
