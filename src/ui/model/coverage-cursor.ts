import { cellKey } from '../../core/layout/cells.js';
import { cellState, type CellCounts, type CellState } from '../../core/layout/coverage-map.js';
import type { TimeBucket } from '../../core/layout/partition-layout.js';

/** The map's grid: a row per environment, a column per (day, time bucket) of the selection. */
export interface Grid {
  environments: readonly string[];
  days: readonly string[];
  times: readonly TimeBucket[];
  counts: ReadonlyMap<string, CellCounts>;
}

export interface Cursor {
  row: number;
  col: number;
}

const columns = (g: Grid) => g.days.length * g.times.length;

/** The cell under `c`: its key (`cellKey`), environment, day and time bucket. */
export function cellAt(g: Grid, c: Cursor) {
  const environment = g.environments[c.row] ?? '';
  const ds = g.days[Math.floor(c.col / g.times.length)] ?? '';
  const time = g.times[c.col % g.times.length] ?? '0-8';
  return { key: cellKey(environment, ds, time), environment, ds, time };
}

/** The cursor moved by rows and columns, kept on the grid. */
export function moved(g: Grid, c: Cursor, rows: number, cols: number): Cursor {
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  return { row: clamp(c.row + rows, g.environments.length), col: clamp(c.col + cols, columns(g)) };
}

/** What a backfill would fix: a cell with files of which some did not land (or failed). */
const NEEDS: ReadonlySet<CellState> = new Set(['missing', 'partial', 'failed']);

/** Every cell that needs a backfill, in map order. */
export function cellsNeedingBackfill(g: Grid): string[] {
  const out: string[] = [];
  for (const environment of g.environments)
    for (const ds of g.days)
      for (const time of g.times) {
        const key = cellKey(environment, ds, time);
        if (NEEDS.has(cellState(g.counts.get(key)))) out.push(key);
      }
  return out;
}

/** `chosen` with `key` added, or removed when it was there. */
export function toggled(chosen: readonly string[], key: string): string[] {
  return chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
}

/** Where the cursor starts on a window: the first cell that needs a backfill, else the last day's first cell. */
export function startCursor(g: Grid): Cursor {
  const first = cellsNeedingBackfill(g)[0];
  if (first === undefined) return { row: 0, col: Math.max(0, columns(g) - g.times.length) };
  const [environment, ds, time] = first.split('/');
  return {
    row: Math.max(0, g.environments.indexOf(environment!)),
    col: Math.max(0, g.days.indexOf(ds!) * g.times.length + g.times.indexOf(time as TimeBucket)),
  };
}

/** The cursor on the first (`-1`) or last (`1`) cell of its row. */
export function toEnd(g: Grid, c: Cursor, end: -1 | 1): Cursor {
  return { row: c.row, col: end < 0 ? 0 : Math.max(0, columns(g) - 1) };
}
