/**
 * Warehouse-neutral row shapes. Timestamps are microseconds since the Unix epoch as bigint,
 * exact over the whole 0001..9999 range that both BigQuery and DuckDB accept.
 */

export type Micros = bigint;

/** One row of `events.events_function` (contract §3). */
export interface EventRow {
  analytics_environment: string | null;
  batch_id: string | null;
  event_id: string | null;
  event_index: bigint | null;
  event_source: string | null;
  event_class: string | null;
  event_type: string | null;
  session_id: string | null;
  build_version: string | null;
  event_environment: string | null;
  event_timestamp: Micros | null;
  received_timestamp: Micros | null;
  inserted_timestamp: Micros | null;
  job_name: string | null;
  event_attributes: string | null;
}

/** One row of the logs or debug table (contract §4). */
export interface LogRow {
  job_name: string | null;
  processed_timestamp: Micros | null;
  batch_id: string | null;
  analytics_environment: string | null;
  event_category: string | null;
  event_time: string | null;
  /** `YYYY-MM-DD`, or null when the path's date is not a valid date. */
  event_ds: string | null;
  event: string | null;
  file_path: string | null;
  file_generation: string | null;
}

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
