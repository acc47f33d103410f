/** Small text helpers shared by the line splitter and the document scanner. */

/** Whether the UTF-8 encoding of `s` is longer than `limit` bytes (exact, and cheap for short text). */
export function utf8Exceeds(s: string, limit: number): boolean {
  if (s.length > limit) return true; // every UTF-16 unit takes at least one byte
  if (s.length * 3 <= limit) return false; // and at most three
  return Buffer.byteLength(s, 'utf8') > limit;
}

/** Characters of an over-long candidate kept in its debug row. */
export const PREVIEW_CHARS = 1024;

/** The debug text for a line or candidate longer than the limit: its start and why it was cut. */
export function truncatedText(start: string, limit: number, what: string): string {
  let keep = Math.min(PREVIEW_CHARS, limit, start.length);
  const last = start.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep--; // never split a surrogate pair
  return `${start.slice(0, keep)}… [truncated: ${what} is longer than maxLineBytes (${limit} bytes)]`;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
export function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Whether `s` holds nothing but JSON whitespace. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isJsonSpace(s.charCodeAt(i))) return false;
  return true;
}

/** `s` without leading and trailing JSON whitespace. */
export function trimJsonSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isJsonSpace(s.charCodeAt(a))) a++;
  while (b > a && isJsonSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
