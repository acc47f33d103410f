/**
 * Warehouse-neutral row shapes. Timestamps are microseconds since the Unix epoch as bigint,
 * exact over the whole 0001..9999 range that both BigQuery and DuckDB accept.
 */

import type { EVENT_COLUMNS, LOG_COLUMNS, RowOf } from './table-schemas.js';

export type Micros = bigint;

/** One row of `events.events_function` (contract §3): the columns of EVENT_COLUMNS, by name. */
export type EventRow = RowOf<typeof EVENT_COLUMNS>;

/** One row of the logs or debug table (contract §4): the columns of LOG_COLUMNS (`event_ds` null when the path's date is not a date). */
export type LogRow = RowOf<typeof LOG_COLUMNS>;

/** Formats microseconds as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the form BigQuery and DuckDB both read. */
export function microsToIso(micros: Micros): string {
  const ms = micros / 1000n;
  const rest = micros - ms * 1000n;
  const fixedMs = rest < 0n ? ms - 1n : ms;
  const fixedRest = rest < 0n ? rest + 1000n : rest;
  const iso = new Date(Number(fixedMs)).toISOString(); // …T00:00:00.123Z
  const year = iso.startsWith('+') || iso.startsWith('-') ? iso.slice(3) : iso; // +00xxxx years never occur in range
  return `${year.slice(0, -1)}${String(fixedRest).padStart(3, '0')}Z`;
}

/** Microseconds of a Date. */
export function dateToMicros(at: Date): Micros {
  return BigInt(at.getTime()) * 1000n;
}
