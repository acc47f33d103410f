/**
 * The size of one row as it is written: the UTF-8 bytes of its JSON text (timestamps and integers
 * as their digits). The BigQuery writer carries rows as JSON inside one query parameter, escaped
 * once more, in a request BigQuery limits to 10 MB; a row over the limit would make the whole file
 * unwritable. The parser keeps every row within `maxEventBytes`, so one huge event or rejected line
 * costs only itself: it becomes a short debug row that says why, and the rest of the file lands.
 */
import { PREVIEW_CHARS } from '../text-limits.js';

/** 4 MiB: escaped once more (at most twice as long), a row still fits one 10 MB BigQuery request. */
export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * Bytes a row may hold beside the text it came from: column names, the file's path, job name and
 * ids (bounded by the 1024-character `job_name` and the object name's 1024 bytes).
 */
const FIXED_BYTES = 16 * 1024;

/**
 * Whether a row built from `sourceLength` UTF-16 units of JSON text is certainly within `limit`,
 * without measuring it. A JSON value re-serialised takes at most 6 bytes per source unit (the worst
 * cases: `1e20` gives 21 digits; non-ASCII takes 3 bytes per unit; `\"` becomes `\\\"`).
 */
export function certainlyFits(sourceLength: number, limit: number): boolean {
  return sourceLength * 6 + FIXED_BYTES <= limit;
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The UTF-8 bytes of the row's JSON text. */
export function rowBytes(row: object): number {
  return Buffer.byteLength(JSON.stringify(row, replacer), 'utf8');
}

/** The debug text for a row over the limit: its start, then why it is not there whole. */
export function oversizeText(text: string, limit: number, what: string, size: number): string {
  let keep = Math.min(PREVIEW_CHARS, text.length);
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep--; // never split a surrogate pair
  return `${text.slice(0, keep)}… [truncated: ${what} is ${size} bytes as a row, more than maxEventBytes (${limit} bytes)]`;
}
