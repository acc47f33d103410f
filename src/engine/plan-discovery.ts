import { dayNumberOf } from '../core/calendar.js';
import { cellKey } from '../core/layout/cells.js';
import { levelPrefix, type Partition } from '../core/layout/partition-layout.js';
import type { ResolvedSelection } from '../core/layout/selection.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { inScope, type Unwalkable } from './resolve-selection.js';

/**
 * The selection's partitions that exist: per environment and category, one delimiter listing finds
 * the dates present, and per date (a folder source, `discoversTimes`) one finds its time buckets,
 * so a year-long range costs a listing per date that has data, not per day. Entries there that cannot be walked come back beside them.
 */
export async function existingPartitions(
  source: Source,
  s: ResolvedSelection,
  signal?: AbortSignal,
): Promise<{ partitions: Partition[]; problems: Unwalkable[] }> {
  // A date folder is in range by its text: no list of every day (a range of 9,999 years is 3.6M days).
  const wanted = { has: (d: string) => d >= s.start && d <= s.stop && dayNumberOf(d) !== undefined };
  const times = new Set<string>(s.times);
  const cells = s.cells !== undefined ? new Set(s.cells) : undefined;
  const out: Partition[] = [];
  const problems: Unwalkable[] = [];
  for (const environment of s.environments) {
    for (const category of s.categories) {
      const dates = await source.discover(levelPrefix([s.dataType, environment, category]), signal);
      problems.push(...inScope(dates.problems, (d) => wanted.has(d)));
      for (const ds of dates.values.filter((d) => wanted.has(d)).sort()) {
        const inCells = (time: string) => times.has(time) && (!cells || cells.has(cellKey(environment, ds, time)));
        const found = source.discoversTimes
          ? await source.discover(levelPrefix([s.dataType, environment, category, ds]), signal)
          : { values: s.times, problems: [] };
        problems.push(...inScope(found.problems, inCells));
        for (const time of s.times) {
          if (!found.values.includes(time) || !inCells(time)) continue;
          out.push({ dataType: s.dataType, environment, category, ds, time });
        }
      }
    }
  }
  return { partitions: out, problems };
}

/** Of a few sampled files to send, how many the warehouse holds under another path, with one such path. */
export interface Elsewhere {
  sampled: number;
  found: number;
  example: string;
}

/** The sampled files to send that the warehouse holds under another path (see BackfillPlan.elsewhere). */
export async function landedElsewhere(
  warehouse: Warehouse | undefined,
  source: Source,
  sampled: readonly SourceObject[],
): Promise<Elsewhere | undefined> {
  if (!warehouse?.landedElsewhere || sampled.length === 0) return undefined;
  const found = await warehouse.landedElsewhere(
    sampled.map((o) => o.name),
    (name) => source.filePath(name),
  );
  const names = new Set(found.map((f) => f.name));
  return names.size === 0 ? undefined : { sampled: sampled.length, found: names.size, example: found[0]!.filePath };
}
