/**
 * Cells of the coverage map as a selection: `ENVIRONMENT/YYYY-MM-DD/TIME`, one environment's time
 * bucket of one day, every selected category. The wizard's map builds a backfill of exactly the
 * cells chosen on it; `--cells` gives the same from a script.
 */
import { dayNumberOf } from '../calendar.js';
import { UsageError } from '../errors.js';
import { TIME_BUCKETS, type TimeBucket } from './partition-layout.js';

/** The one spelling of a cell. */
export const cellKey = (environment: string, ds: string, time: TimeBucket | string): string =>
  `${environment}/${ds}/${time}`;

const SAFE_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Checks a comma-separated `--cells` value; each cell once, in the order given. */
export function parseCells(raw: string | undefined, flag = '--cells'): string[] {
  const cells = [
    ...new Set(
      (raw ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ),
  ];
  if (cells.length === 0) throw new UsageError(`${flag} is empty: give ENVIRONMENT/YYYY-MM-DD/TIME,…`);
  for (const cell of cells) {
    const [environment, ds, time, ...rest] = cell.split('/');
    const ok =
      rest.length === 0 &&
      SAFE_VALUE.test(environment ?? '') &&
      dayNumberOf(ds ?? '') !== undefined &&
      (TIME_BUCKETS as readonly string[]).includes(time ?? '');
    if (!ok)
      throw new UsageError(
        `${flag}: "${cell}" is not ENVIRONMENT/YYYY-MM-DD/TIME (TIME: ${TIME_BUCKETS.join(', ')}; years 0001-9999)`,
      );
  }
  return cells;
}

/** What cells span: their environments, first and last day, and time buckets (in the usual order). */
export function cellsSpan(cells: readonly string[]): {
  environments: string[];
  start: string;
  stop: string;
  times: TimeBucket[];
} {
  const parts = cells.map((c) => c.split('/') as [string, string, TimeBucket]);
  const days = parts.map((p) => p[1]).sort();
  const times = new Set(parts.map((p) => p[2]));
  return {
    environments: [...new Set(parts.map((p) => p[0]))],
    start: days[0] ?? '',
    stop: days.at(-1) ?? '',
    times: TIME_BUCKETS.filter((t) => times.has(t)),
  };
}
