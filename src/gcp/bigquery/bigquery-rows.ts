import { PermanentFileError } from '../../core/errors.js';
import { microsToIso, type EventRow, type LogRow } from '../../core/schema/rows.js';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column } from '../../core/schema/table-schemas.js';

/** One row as the JSON a DML job's query parameter carries: every value a string or null. */
export type JsonRow = Record<string, string | null>;

/** Columns whose value changes between two attempts at the same file: left out of size budgets. */
const VOLATILE = new Set(['job_name', 'inserted_timestamp', 'processed_timestamp']);
/** A job's hard size ceiling (BigQuery rejects requests over 10 MB). */
const HARD_LIMIT = 9_500_000;

/** A row as a DML parameter row, column by column from its table's list: text as is, timestamps in ISO form. */
function encode(columns: readonly Column[], row: Record<string, unknown>): JsonRow {
  const out: JsonRow = {};
  for (const c of columns) {
    const v = row[c.name];
    out[c.name] = v === null || v === undefined ? null : c.type === 'TIMESTAMP' ? microsToIso(v as bigint) : String(v);
  }
  return out;
}

/** An events-table row as a DML parameter row. */
export const encodeEvent = (row: EventRow): JsonRow => encode(EVENT_COLUMNS, row);

/** A logs- or debug-table row as a DML parameter row. */
export const encodeLog = (row: LogRow): JsonRow => encode(LOG_COLUMNS, row);

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
