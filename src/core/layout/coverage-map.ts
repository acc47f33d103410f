/**
 * The coverage map: what the bucket holds against what the warehouse holds, as a calendar in the
 * terminal. One row per environment, one column per day, three cells per day (the time buckets
 * 0-8, 8-16, 16-24). Pure: counts in, text out.
 */
import { TIME_BUCKETS, type TimeBucket } from './partition-layout.js';

/**
 * What one partition (`event_time=` folder) holds: files in the bucket, landed, staged; failed (not
 * landed: unreadable when listed, or their last attempt failed) and landed with lines rejected.
 */
export interface CellCounts {
  files: number;
  landed: number;
  staged: number;
  failed?: number;
  rejecting?: number;
}

export type CellState = 'empty' | 'failed' | 'landed' | 'rejecting' | 'staged' | 'partial' | 'missing';

/**
 * A cell's state: no files; a file failed (what needs a look first); every file landed (some with
 * lines rejected into debug rows); the rest staged; some landed; none landed.
 */
export function cellState(c: CellCounts | undefined): CellState {
  if (!c || c.files === 0) return 'empty';
  if ((c.failed ?? 0) > 0) return 'failed';
  if (c.landed >= c.files) return (c.rejecting ?? 0) > 0 ? 'rejecting' : 'landed';
  if (c.landed + c.staged >= c.files) return 'staged';
  return c.landed > 0 ? 'partial' : 'missing';
}

/** A chosen cell in the wizard, whatever its state: plain text, so it shows without colour and in a copy. */
export const CHOSEN_GLYPH = '@';

/** Glyphs that read without colour (NO_COLOR, a pipe) and the colour each takes on a terminal. */
const LOOK: Record<CellState, { glyph: string; color?: number }> = {
  landed: { glyph: '#', color: 32 },
  rejecting: { glyph: '*', color: 34 },
  failed: { glyph: '!', color: 35 },
  staged: { glyph: '~', color: 36 },
  partial: { glyph: '+', color: 33 },
  missing: { glyph: '-', color: 31 },
  empty: { glyph: '.' },
};

/** The legend's items, each a glyph and its meaning. */
const LEGEND_ITEMS: readonly { glyph: string; says: string; when?: 'staging' | 'choosing' }[] = [
  { glyph: '#', says: 'landed' },
  { glyph: '*', says: 'landed, some lines rejected' },
  { glyph: '~', says: 'rest staged', when: 'staging' },
  { glyph: '+', says: 'partly landed' },
  { glyph: '-', says: 'nothing landed' },
  { glyph: '!', says: 'a file failed' },
  { glyph: '.', says: 'no files' },
  { glyph: CHOSEN_GLYPH, says: 'chosen', when: 'choosing' },
];

/**
 * The legend as lines of at most `columns`, wrapped between items only (a glyph never apart from
 * its meaning), naming only the states this warehouse can have (`staging`: BigQuery) and, where
 * cells are chosen, the chosen mark.
 */
export function legendLines(columns: number, opts: { staging: boolean; choosing?: boolean }): string[] {
  const items = LEGEND_ITEMS.filter(
    (i) => i.when === undefined || (i.when === 'staging' ? opts.staging : opts.choosing === true),
  ).map((i) => `${i.glyph} ${i.says}`);
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line !== '' && line.length + 2 + item.length > columns) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? item : `${line}  ${item}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

export interface MapInput {
  environments: readonly string[];
  /** Every day of the selection, in order (`YYYY-MM-DD`). */
  days: readonly string[];
  /** The selection's time buckets: the others are drawn as blanks. */
  times: readonly TimeBucket[];
  /** Counts of `environment`, `ds` and `time`, summed over the selection's categories. */
  cell(environment: string, ds: string, time: TimeBucket): CellCounts | undefined;
  /** The wizard's marks: the cursor (inverse video) and chosen cells (`@`, underlined); no colour needed. */
  mark?(environment: string, ds: string, time: TimeBucket): { cursor?: boolean; chosen?: boolean } | undefined;
}

/** How the map lays out for `environments` at `columns`: the label column and days per block. */
export function mapLayout(environments: readonly string[], columns: number) {
  const labelWidth = Math.min(16, Math.max(4, ...environments.map((e) => e.length))) + 1;
  return { labelWidth, daysPerBlock: Math.max(1, Math.floor((Math.max(40, columns) - labelWidth) / 4)) };
}

/** Lines a block of days takes: its two header lines, a row per environment, a blank line. */
export const blockLines = (environments: number) => environments + 3;

/**
 * The map, wrapped to `columns` (at least 40): blocks of as many days as fit, each with a header
 * of months and days of the month, then a row per environment.
 */
export function renderCoverageMap(input: MapInput, opts: { columns: number; color: boolean }): string[] {
  const { labelWidth, daysPerBlock: perBlock } = mapLayout(input.environments, opts.columns);
  const lines: string[] = [];
  const paint = (state: CellState, text: string) => {
    const color = LOOK[state].color;
    return opts.color && color !== undefined ? `\u001B[${color}m${text}\u001B[39m` : text;
  };
  for (let from = 0; from < input.days.length; from += perBlock) {
    const days = input.days.slice(from, from + perBlock);
    let dates = ' '.repeat(labelWidth);
    for (const ds of days) dates += ds.slice(8).padEnd(4);
    lines.push(headerOf(days, labelWidth), dates.trimEnd());
    for (const environment of input.environments) {
      let row = environment.length > labelWidth - 1 ? `${environment.slice(0, labelWidth - 2)}…` : environment;
      row = row.padEnd(labelWidth);
      for (const ds of days) {
        for (const time of TIME_BUCKETS) {
          if (!input.times.includes(time)) {
            row += ' ';
            continue;
          }
          const state = cellState(input.cell(environment, ds, time));
          const mark = input.mark?.(environment, ds, time);
          let glyph = LOOK[state].glyph;
          if (mark?.chosen) glyph = `\u001B[4m${CHOSEN_GLYPH}\u001B[24m`;
          if (mark?.cursor) glyph = `\u001B[7m${glyph}\u001B[27m`;
          row += paint(state, glyph);
        }
        row += ' ';
      }
      lines.push(row.trimEnd());
    }
    lines.push('');
  }
  return lines;
}

/**
 * The months above each block: `2026-03` over the first day shown and over each 1st of a month.
 * A block that starts a day before a 1st has room only for the first month's number (`10`) there:
 * the next month's label is never dropped.
 */
function headerOf(days: readonly string[], labelWidth: number): string {
  let line = ' '.repeat(labelWidth);
  days.forEach((ds, i) => {
    if (i !== 0 && ds.slice(8) !== '01') return;
    const next = days.findIndex((d, j) => j > i && d.slice(8) === '01');
    const room = next < 0 ? Infinity : (next - i) * 4 - 1;
    line = line.padEnd(labelWidth + i * 4) + (room >= 7 ? ds.slice(0, 7) : ds.slice(5, 7));
  });
  return line.trimEnd();
}
