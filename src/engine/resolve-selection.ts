import { levelPrefix } from '../core/partition-layout.js';
import { allTimes, type ResolvedSelection, type Selection } from '../core/selection.js';
import type { Source } from '../ports/source.js';

/**
 * Replaces `all` environments and categories with the values present in the source (contract §1:
 * `all` means every value present in the bucket). Categories are the union over the environments.
 */
export async function resolveSelection(source: Source, s: Selection, signal?: AbortSignal): Promise<ResolvedSelection> {
  const environments =
    s.environments === 'all' ? await source.discover(levelPrefix([s.dataType]), signal) : [...s.environments];
  let categories: string[];
  if (s.categories === 'all') {
    const found = new Set<string>();
    for (const env of environments) {
      for (const c of await source.discover(levelPrefix([s.dataType, env]), signal)) found.add(c);
    }
    categories = [...found].sort();
  } else {
    categories = [...s.categories];
  }
  return { dataType: s.dataType, environments, categories, start: s.start, stop: s.stop, times: allTimes(s.times) };
}
