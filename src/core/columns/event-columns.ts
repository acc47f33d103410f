/**
 * One candidate object to one `events` row (contract §3): each column takes the first non-null of its
 * camelCase key then its snake_case key, own keys only; unlisted keys are ignored.
 */
import { INT64_MAX, INT64_MIN, decimalToInteger, parseDecimal } from './decimal.js';
import { isLossy, isRawJson, mayHoldLossyNumber, spelled, stringifyExact } from './json-exact.js';
import type { EventRow, Micros } from '../schema/rows.js';
import { toTimestamp } from './timestamps.js';

/** What a row takes from its file rather than from the candidate. */
export interface RowDefaults {
  /** The path's `analytics_environment`, when the candidate has none. */
  analyticsEnvironment: string | null;
  /** md5 of the object name's last two segments, when the candidate has no batch id. */
  batchId: string;
  jobName: string;
  insertedAt: Micros;
}

/** Returned instead of a row when a number lost digits in `JSON.parse`: parse again exactly. */
export const NEEDS_EXACT: unique symbol = Symbol('needs exact parse');

type JsonObject = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/** What the coercions below saw while building one row: a number whose digits `JSON.parse` lost. */
interface Seen {
  lossy: boolean;
  /** The object came from plain `JSON.parse`: it holds no number kept as its source text. */
  plain?: boolean;
}

/** The first non-null of two own keys, else null. */
function pick(o: JsonObject, camel: string, snake: string): unknown {
  const v = hasOwn.call(o, camel) ? o[camel] : undefined;
  if (v !== undefined && v !== null) return v;
  const w = hasOwn.call(o, snake) ? o[snake] : undefined;
  return w === undefined ? null : w;
}

/** STRING: strings as they are; numbers and booleans as JSON text; objects and arrays as compact JSON. */
export function toStringColumn(v: unknown, seen: Seen = { lossy: false }): string | null {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      if (isLossy(v)) seen.lossy = true;
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return null;
      if (isRawJson(v)) return spelled(v.rawJSON);
      // Without a kept number inside, the replacer that respells them is only a cost (a call per key).
      const text = seen.plain ? JSON.stringify(v) : stringifyExact(v);
      if (mayHoldLossyNumber(text)) seen.lossy = true;
      return text;
    }
    default:
      return null;
  }
}

const int64 = (b: bigint | null): bigint | null => (b !== null && b >= INT64_MIN && b <= INT64_MAX ? b : null);

/** INTEGER: integers, integer-valued numbers (`2.0`) and numeric strings (`"7"`, `"7.0"`, `"1e3"`); else null. */
export function toIntegerColumn(v: unknown, seen: Seen = { lossy: false }): bigint | null {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return BigInt(v);
    if (!Number.isInteger(v)) return null;
    seen.lossy = true;
    return int64(BigInt(v));
  }
  if (typeof v === 'string') {
    const d = parseDecimal(v);
    return d === null ? null : int64(decimalToInteger(d));
  }
  if (isRawJson(v)) {
    const d = parseDecimal(v.rawJSON);
    return d === null ? null : int64(decimalToInteger(d));
  }
  return null;
}

/** The keys `event_index` is read from (contract §4). */
export const EVENT_INDEX_KEYS = ['eventIndex', 'event_index'] as const;

/**
 * The key the candidate's `event_index` was read from when its value is a JSON number, else null:
 * only a number can have been rounded by `JSON.parse` (`1.0000000000000001` to 1); a string index
 * is read from its text. Only that key's spelling matters (`pick` reads the other only when it is absent).
 */
export function numericIndexKey(o: JsonObject): (typeof EVENT_INDEX_KEYS)[number] | null {
  const [camel, snake] = EVENT_INDEX_KEYS;
  const v = pick(o, camel, snake);
  if (typeof v !== 'number') return null;
  return hasOwn.call(o, camel) && o[camel] === v ? camel : snake;
}

/**
 * The row for one candidate object; null when its event class is missing, null or "" (a debug row);
 * NEEDS_EXACT when `exact` is false and a column read a number whose digits `JSON.parse` lost.
 * `exact`: `o` came from the exact parse (`parseExact`); false, from plain `JSON.parse`.
 */
export function toEventRow(o: JsonObject, defaults: RowDefaults, exact: boolean): EventRow | null | typeof NEEDS_EXACT {
  const seen: Seen = { lossy: false, plain: !exact };
  const eventClass = toStringColumn(pick(o, 'eventClass', 'event_class'), seen);
  if (eventClass === null || eventClass === '') return null;
  const row: EventRow = {
    analytics_environment:
      toStringColumn(pick(o, 'analyticsEnvironment', 'analytics_environment'), seen) ?? defaults.analyticsEnvironment,
    batch_id: toStringColumn(pick(o, 'batchId', 'batch_id'), seen) ?? defaults.batchId,
    event_id: toStringColumn(pick(o, 'eventId', 'event_id'), seen),
    event_index: toIntegerColumn(pick(o, ...EVENT_INDEX_KEYS), seen),
    event_source: toStringColumn(pick(o, 'eventSource', 'event_source'), seen),
    event_class: eventClass,
    event_type: toStringColumn(pick(o, 'eventType', 'event_type'), seen),
    session_id: toStringColumn(pick(o, 'sessionId', 'session_id'), seen),
    build_version: toStringColumn(pick(o, 'buildVersion', 'build_version'), seen),
    event_environment: toStringColumn(pick(o, 'eventEnvironment', 'event_environment'), seen),
    event_timestamp: timestampColumn(pick(o, 'eventTimestamp', 'event_timestamp'), seen),
    received_timestamp: timestampColumn(pick(o, 'receivedTimestamp', 'received_timestamp'), seen),
    inserted_timestamp: defaults.insertedAt,
    job_name: defaults.jobName,
    event_attributes: toStringColumn(pick(o, 'eventAttributes', 'event_attributes'), seen),
  };
  return seen.lossy && !exact ? NEEDS_EXACT : row;
}

function timestampColumn(v: unknown, seen: Seen): Micros | null {
  if (typeof v === 'number' && isLossy(v)) seen.lossy = true;
  return toTimestamp(v);
}
