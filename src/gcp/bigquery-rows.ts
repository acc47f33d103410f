import { PermanentFileError } from '../core/errors.js';
import { microsToIso, type EventRow, type LogRow } from '../core/rows.js';

/** One row as the JSON a DML job's query parameter carries: every value a string or null. */
export type JsonRow = Record<string, string | null>;

/** Columns whose value changes between two attempts at the same file: left out of size budgets. */
const VOLATILE = new Set(['job_name', 'inserted_timestamp', 'processed_timestamp']);
/** A job's hard size ceiling (BigQuery rejects requests over 10 MB). */
const HARD_LIMIT = 9_500_000;

function jsonValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** An events-table row as a DML parameter row. */
export function encodeEvent(row: EventRow): JsonRow {
  return {
    analytics_environment: row.analytics_environment,
    batch_id: row.batch_id,
    event_id: row.event_id,
    event_index: jsonValue(row.event_index),
    event_source: row.event_source,
    event_class: row.event_class,
    event_type: row.event_type,
    session_id: row.session_id,
    build_version: row.build_version,
    event_environment: row.event_environment,
    event_timestamp: row.event_timestamp === null ? null : microsToIso(row.event_timestamp),
    received_timestamp: row.received_timestamp === null ? null : microsToIso(row.received_timestamp),
    inserted_timestamp: row.inserted_timestamp === null ? null : microsToIso(row.inserted_timestamp),
    job_name: row.job_name,
    event_attributes: row.event_attributes,
  };
}

/** A logs- or debug-table row as a DML parameter row. */
export function encodeLog(row: LogRow): JsonRow {
  return {
    job_name: row.job_name,
    processed_timestamp: row.processed_timestamp === null ? null : microsToIso(row.processed_timestamp),
    batch_id: row.batch_id,
    analytics_environment: row.analytics_environment,
    event_category: row.event_category,
    event_time: row.event_time,
    event_ds: row.event_ds,
    event: row.event,
    file_path: row.file_path,
    file_generation: row.file_generation,
  };
}

/** The bytes a row costs in a request (JSON inside a JSON string), and the part of it that never varies. */
function sizes(row: JsonRow): { actual: number; stable: number } {
  const actual = JSON.stringify(JSON.stringify(row)).length - 1;
  const stableRow: JsonRow = {};
  for (const [k, v] of Object.entries(row)) if (!VOLATILE.has(k)) stableRow[k] = v;
  return { actual, stable: JSON.stringify(JSON.stringify(stableRow)).length - 1 };
}

/** One write job's share of a table's rows, with its stable and actual sizes in bytes. */
export interface Part {
  rows: JsonRow[];
  stable: number;
  actual: number;
}

/**
 * Cuts one table's row sequence into parts greedily by stable size and row count, so that the
 * same file always yields the same parts, whoever writes it and whenever.
 */
export class Cutter {
  readonly done: Part[] = [];
  current: Part = { rows: [], stable: 0, actual: 0 };
  constructor(
    private readonly maxBytes: number,
    private readonly maxRows: number,
  ) {}
  /** Adds a row; returns its stable size. */
  push(row: JsonRow): number {
    const s = sizes(row);
    if (s.actual > HARD_LIMIT)
      throw new PermanentFileError(`a row of ${s.actual} bytes exceeds what one BigQuery request can carry`);
    const c = this.current;
    if (c.rows.length > 0 && (c.stable + s.stable > this.maxBytes || c.rows.length >= this.maxRows)) {
      this.done.push(c);
      this.current = { rows: [], stable: 0, actual: 0 };
    }
    this.current.rows.push(row);
    this.current.stable += s.stable;
    this.current.actual += s.actual;
    return s.stable;
  }
  /** Every part, the unfinished one last. */
  all(): Part[] {
    return this.current.rows.length > 0 ? [...this.done, this.current] : [...this.done];
  }
}
