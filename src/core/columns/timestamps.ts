/**
 * TIMESTAMP columns (contract §3): Unix numbers by magnitude, ISO 8601 and `YYYY-MM-DD HH:MM:SS UTC`,
 * exact to the microsecond, NULL outside 0001-01-01..9999-12-31.
 *
 * Hand-written rather than date-fns `parseISO`: that one stops at milliseconds and reads a string
 * without a zone as local time, while the contract wants microseconds and UTC. The tests use
 * date-fns as an oracle for the millisecond part.
 */
import { type Decimal, floorScaled, parseDecimal } from './decimal.js';
import { daysFromCivil, daysInMonth, isLeap, isoWeekOne } from '../calendar.js';
import { isRawJson } from './json-exact.js';
import type { Micros } from '../schema/rows.js';

/** 0001-01-01T00:00:00Z */
export const MIN_MICROS: Micros = -62135596800000000n;
/** 9999-12-31T23:59:59.999999Z */
export const MAX_MICROS: Micros = 253402300799999999n;

const inRange = (m: Micros): Micros | null => (m >= MIN_MICROS && m <= MAX_MICROS ? m : null);

/** A TIMESTAMP column's value, or null. Sub-microsecond digits are dropped (floor). */
export function toTimestamp(value: unknown): Micros | null {
  if (typeof value === 'string') return fromString(value);
  if (typeof value === 'number') return fromNumber(value);
  if (isRawJson(value)) return fromDecimal(parseDecimal(value.rawJSON));
  return null;
}

function fromNumber(n: number): Micros | null {
  if (Number.isSafeInteger(n)) {
    // |n| < 2^53 < 1e17: seconds, milliseconds or microseconds.
    const scale = n < 1e11 ? 1_000_000 : n < 1e14 ? 1000 : 1;
    const m = n * scale;
    if (Number.isSafeInteger(m)) return BigInt(m); // |m| < 2^53 µs is well inside 0001..9999
    return inRange(BigInt(n) * BigInt(scale));
  }
  if (!Number.isFinite(n)) return null;
  // The shortest text that reads back as this double: the digits the sender wrote, in practice.
  const text = String(n);
  return plainMicros(text) ?? fromDecimal(parseDecimal(text));
}

/**
 * The common case of `fromDecimal` without big-integer arithmetic: positive seconds (at most 11
 * digits) or milliseconds (12-14) with a fraction and no exponent, as `1772336149.401`, when the
 * microseconds are a safe integer. The fraction's digits past the microsecond are dropped (floor).
 * Undefined for anything else.
 */
function plainMicros(text: string): Micros | undefined {
  const dot = text.indexOf('.');
  if (dot < 1 || dot > 14) return undefined;
  const whole = digits(text, 0, dot);
  const scale = dot <= 11 ? 6 : 3;
  const frac = digitRun(text, dot + 1);
  if (whole < 0 || frac === 0 || dot + 1 + frac !== text.length) return undefined;
  const kept = Math.min(frac, scale);
  const part = digits(text, dot + 1, kept) * 10 ** (scale - kept);
  const micros = whole * 10 ** scale + part;
  return Number.isSafeInteger(micros) ? BigInt(micros) : undefined;
}

/** Unix time of an exact decimal: seconds below 1e11, ms below 1e14, µs below 1e17, else ns. */
function fromDecimal(d: Decimal | null): Micros | null {
  if (d === null) return null;
  let shift: number;
  if (d.neg)
    shift = 6; // every negative number is below 1e11
  else {
    const digits = d.int.length; // floor(value) < 10^digits
    shift = digits <= 11 ? 6 : digits <= 14 ? 3 : digits <= 17 ? 0 : -3;
  }
  return inRange(floorScaled(d, shift));
}

function fromString(s: string): Micros | null {
  const c = s.charCodeAt(0);
  if (c === 45 || (c >= 48 && c <= 57)) {
    const d = parseDecimal(s);
    if (d !== null) return fromDecimal(d);
  }
  return fromIso(s);
}

/** `n` ASCII digits at `at` as a number, or -1. */
function digits(s: string, at: number, n: number): number {
  if (at + n > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function digitRun(s: string, at: number): number {
  let i = at;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i - at;
}

/** Reads the date part; returns [days since epoch, index after it] or null. */
function readDate(s: string): [number, number] | null {
  const y = digits(s, 0, 4);
  if (y < 0) return null;
  let i = 4;
  const extended = s.charCodeAt(i) === 45;
  if (extended) i++;
  if (s.charCodeAt(i) === 87) {
    // Week date: YYYY-Www[-D] / YYYYWww[D]
    const w = digits(s, i + 1, 2);
    i += 3;
    let wd = 1;
    if (extended ? s.charCodeAt(i) === 45 : digitRun(s, i) > 0) {
      wd = digits(s, extended ? i + 1 : i, 1);
      i += extended ? 2 : 1;
    }
    const first = isoWeekOne(y);
    if (w < 1 || wd < 1 || wd > 7 || w > (isoWeekOne(y + 1) - first) / 7) return null;
    return [first + (w - 1) * 7 + (wd - 1), i];
  }
  const run = digitRun(s, i);
  if (run === 3) {
    const doy = digits(s, i, 3);
    if (doy < 1 || doy > (isLeap(y) ? 366 : 365)) return null;
    return [daysFromCivil(y, 1, 1) + doy - 1, i + 3];
  }
  if (extended ? run !== 2 : run !== 4) return null;
  const m = digits(s, i, 2);
  i += 2;
  let d = 1;
  if (extended) {
    if (s.charCodeAt(i) === 45) {
      d = digits(s, i + 1, 2);
      if (digitRun(s, i + 1) !== 2) return null;
      i += 3;
    } else if (i !== s.length) return null; // YYYY-MM only stands alone
  } else {
    d = digits(s, i, 2);
    i += 2;
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return [daysFromCivil(y, m, d), i];
}

/** floor(0.<digits of s from `at`, `run` long> × unit), in microseconds. */
function fractionOf(s: string, at: number, run: number, unitMicros: number): number {
  if (unitMicros === 1_000_000) {
    let v = 0;
    for (let k = 0; k < 6; k++) v = v * 10 + (k < run ? s.charCodeAt(at + k) - 48 : 0);
    return v;
  }
  const f = s.slice(at, at + Math.min(run, 20));
  return Number((BigInt(f) * BigInt(unitMicros)) / 10n ** BigInt(f.length));
}

/** ISO 8601 (`T`, `t` or a space between date and time), or `YYYY-MM-DD HH:MM:SS[.f] UTC`. */
function fromIso(s: string): Micros | null {
  const date = readDate(s);
  if (date === null) return null;
  let i = date[1];
  const n = s.length;
  let secs = date[0] * 86400;
  let micros = 0;
  if (i < n) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 116 && sep !== 32) return null;
    const h = digits(s, ++i, 2);
    if (h < 0 || h > 23) return null;
    i += 2;
    let unit = 3_600_000_000;
    let mi = 0;
    let sec = 0;
    if (s.charCodeAt(i) === 58 || digitRun(s, i) >= 2) {
      if (s.charCodeAt(i) === 58) i++;
      mi = digits(s, i, 2);
      if (mi < 0 || mi > 59) return null;
      i += 2;
      unit = 60_000_000;
      if (s.charCodeAt(i) === 58 || digitRun(s, i) >= 2) {
        if (s.charCodeAt(i) === 58) i++;
        sec = digits(s, i, 2);
        if (sec < 0 || sec > 59) return null;
        i += 2;
        unit = 1_000_000;
      }
    }
    const dot = s.charCodeAt(i);
    if (dot === 46 || dot === 44) {
      const run = digitRun(s, i + 1);
      if (run === 0) return null;
      micros = fractionOf(s, i + 1, run, unit);
      i += 1 + run;
    }
    secs += h * 3600 + mi * 60 + sec;
    const z = s.charCodeAt(i);
    if (z === 90 || z === 122) i++;
    else if (z === 43 || z === 45) {
      const oh = digits(s, i + 1, 2);
      if (oh < 0 || oh > 23) return null;
      i += 3;
      let om = 0;
      if (i < n) {
        if (s.charCodeAt(i) === 58) i++;
        om = digits(s, i, 2);
        if (om < 0 || om > 59) return null;
        i += 2;
      }
      secs -= (z === 43 ? 1 : -1) * (oh * 3600 + om * 60);
    } else if (z === 32 && s.slice(i) === ' UTC') i += 4;
  }
  if (i !== n) return null;
  const total = secs * 1_000_000 + micros;
  if (Number.isSafeInteger(total)) return BigInt(total); // |total| < 2^53 µs is inside 0001..9999
  return inRange(BigInt(secs) * 1_000_000n + BigInt(micros));
}
