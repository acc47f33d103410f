import { didYouMean } from '../core/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import { levelPrefix } from '../core/partition-layout.js';
import { allTimes, type ResolvedSelection, type Selection } from '../core/selection.js';
import type { Source } from '../ports/source.js';

/**
 * Replaces `all` environments and categories with the values present in the source (contract §1:
 * `all` means every value present in the bucket), and refuses a named value that is not present
 * (a typo would otherwise select nothing, in silence). Categories are the union over the
 * environments. The one rule for the flags and the wizard: the bucket's folders are the choices.
 */
export async function resolveSelection(source: Source, s: Selection, signal?: AbortSignal): Promise<ResolvedSelection> {
  const presentEnvs = await source.discover(levelPrefix([s.dataType]), signal);
  const environments =
    s.environments === 'all'
      ? presentEnvs
      : present(
          s.cells !== undefined ? '--cells' : '--analytics-environment (-e)',
          'environments',
          [...s.environments],
          presentEnvs,
          source.url,
        );
  const found = new Set<string>();
  for (const env of environments) {
    for (const c of await source.discover(levelPrefix([s.dataType, env]), signal)) found.add(c);
  }
  const presentCats = [...found].sort();
  const categories =
    s.categories === 'all'
      ? presentCats
      : present(
          '--event-category (-c)',
          `categories under ${environments.join(', ') || 'no environment'}`,
          [...s.categories],
          presentCats,
          source.url,
        );
  return {
    dataType: s.dataType,
    environments,
    categories,
    start: s.start,
    stop: s.stop,
    times: allTimes(s.times),
    ...(s.cells !== undefined ? { cells: [...s.cells] } : {}),
  };
}

/** The asked values, or a usage error naming the flag and the values the bucket does not hold. */
function present(flag: string, what: string, asked: string[], inBucket: readonly string[], url: string): string[] {
  const missing = asked.filter((v) => !inBucket.includes(v));
  if (missing.length === 0) return asked;
  const first = missing[0]!;
  const guess = didYouMean(
    first,
    inBucket.filter((v) => !asked.includes(v)),
  );
  const list = missing.map((v) => `"${v}"`).join(', ');
  throw new UsageError(
    `${flag}: ${list} not in ${url}` +
      (inBucket.length > 0 ? ` (${what} present: ${inBucket.join(', ')})` : ` (no ${what} present)`),
    guess !== undefined ? `Did you mean "${guess}"?` : 'Choose from the values present, or all.',
  );
}
