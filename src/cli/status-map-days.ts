import { dateOfDayNumber, dayNumberOf } from '../core/calendar.js';
import { formatCount } from '../core/present/format.js';
import { datesOf } from '../core/layout/selection.js';
import type { BackfillPlan } from '../engine/plan-backfill.js';

/** The most days a map draws: two years. A longer range is drawn over the days that hold files. */
export const MAP_DAYS = 732;

/**
 * The days the map draws: the range asked, or past {@link MAP_DAYS}, the days from the first to the
 * last that hold files (at most the last MAP_DAYS of them), with a note saying so: a range of
 * 0001-01-01 to 9999-12-31 drew 3.6 million lines.
 */
export function mapDays(plan: BackfillPlan): { days: string[]; note?: string } {
  const s = plan.selection;
  if (dayNumberOf(s.stop)! - dayNumberOf(s.start)! < MAP_DAYS) return { days: datesOf(s.start, s.stop) };
  const present = plan.partitions.map((p) => p.partition.ds).sort();
  const last = present.at(-1);
  if (last === undefined) return { days: [], note: `No files from ${s.start} to ${s.stop}: no map drawn.` };
  const first = [present[0]!, dateOfDayNumber(dayNumberOf(last)! - (MAP_DAYS - 1))].sort().at(-1)!;
  return {
    days: datesOf(first, last),
    note: `The map shows ${first} to ${last}, the days of the range that hold files (a range over ${formatCount(MAP_DAYS)} days is not drawn whole).`,
  };
}
