/**
 * Exact decimal arithmetic for the few places that must not go through a double:
 * numeric strings, integers beyond 2^53 and Unix timestamps with fractions.
 */

/** A finite decimal `±int.frac`; `int` has no leading zeros, `frac` no trailing zeros ('' for none). */
export interface Decimal {
  neg: boolean;
  int: string;
  frac: string;
}

/** Integer digits beyond this make a value useless to every caller (int64 and timestamps end near 1e21). */
const MAX_INT_DIGITS = 30;
/** Fraction digits kept; anything non-zero beyond them is folded into one sticky '1'. */
const MAX_FRAC_DIGITS = 30;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Reads a JSON-style number (`-12`, `2.50`, `1e3`, `1.5E-7`; leading zeros allowed, nothing around it).
 * Returns null when the text is not such a number, or its magnitude is 1e30 or more.
 */
export function parseDecimal(text: string): Decimal | null {
  const n = text.length;
  let i = 0;
  const neg = text.charCodeAt(0) === 45; // '-'
  if (neg) i++;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intDigits = text.slice(intStart, i);
  if (intDigits === '') return null;
  let fracDigits = '';
  if (i < n && text.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    fracDigits = text.slice(fracStart, i);
    if (fracDigits === '') return null;
  }
  let exp = 0;
  if (i < n && (text.charCodeAt(i) | 32) === 101) {
    i++;
    let expNeg = false;
    const s = text.charCodeAt(i);
    if (s === 43 || s === 45) {
      expNeg = s === 45;
      i++;
    }
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return null;
    // Clamp: anything this large is out of every range, anything this small is below every precision.
    const expText = text.slice(expStart, i);
    exp = expText.length > 12 ? 1e9 : Math.min(Number(expText), 1e9);
    if (expNeg) exp = -exp;
  }
  if (i !== n) return null;
  return normalise(neg, intDigits + fracDigits, intDigits.length + exp);
}

/** Builds a Decimal from all significant digits and the position of the decimal point within them. */
function normalise(neg: boolean, digits: string, point: number): Decimal | null {
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48) lead++;
  if (lead === digits.length) return { neg: false, int: '', frac: '' };
  digits = digits.slice(lead);
  point -= lead;
  if (point > MAX_INT_DIGITS) return null;
  let int: string;
  let frac: string;
  if (point <= 0) {
    int = '';
    frac = -point > MAX_FRAC_DIGITS ? '0'.repeat(MAX_FRAC_DIGITS) + '1' : '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    int = digits + '0'.repeat(point - digits.length);
    frac = '';
  } else {
    int = digits.slice(0, point);
    frac = digits.slice(point);
  }
  if (frac.length > MAX_FRAC_DIGITS) {
    const sticky = /[1-9]/.test(frac.slice(MAX_FRAC_DIGITS)) ? '1' : '';
    frac = frac.slice(0, MAX_FRAC_DIGITS) + sticky;
  }
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return { neg, int, frac };
}

/** The value as an exact integer, or null when it has a fraction. */
export function decimalToInteger(d: Decimal): bigint | null {
  if (d.frac !== '') return null;
  const v = d.int === '' ? 0n : BigInt(d.int);
  return d.neg ? -v : v;
}

/** floor(value × 10^shift), exactly. `shift` is small (−9..9). */
export function floorScaled(d: Decimal, shift: number): bigint {
  let whole: string;
  let rest: string;
  if (shift >= 0) {
    whole = d.int + d.frac.slice(0, shift).padEnd(shift, '0');
    rest = d.frac.slice(shift);
  } else {
    const cut = d.int.length + shift;
    whole = cut > 0 ? d.int.slice(0, cut) : '';
    rest = (cut > 0 ? d.int.slice(cut) : d.int) + d.frac;
  }
  const magnitude = whole === '' ? 0n : BigInt(whole);
  if (!d.neg) return magnitude;
  return /[1-9]/.test(rest) ? -magnitude - 1n : -magnitude;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
