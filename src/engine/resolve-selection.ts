import { didYouMean } from '../core/present/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import { levelPrefix } from '../core/layout/partition-layout.js';
import { allTimes, type AllOr, type ResolvedSelection, type Selection } from '../core/layout/selection.js';
import type { Discovery, Source } from '../ports/source.js';

/**
 * Replaces `all` environments and categories with the values present in the source (contract §1:
 * `all` means every value present in the bucket), and refuses a named value that is not present
 * (a typo would otherwise select nothing, in silence). Categories are the union over the
 * environments. The one rule for the flags and the wizard: the bucket's folders are the choices.
 */
export async function resolveSelection(source: Source, s: Selection, signal?: AbortSignal): Promise<ResolvedSelection> {
  return (await walkSelection(source, s, signal)).selection;
}

/** An entry above the partitions that cannot be walked: the run fails it with its reason. */
export type Unwalkable = Discovery['problems'][number];

/**
 * {@link resolveSelection}, and the entries of the levels it walked (environments, categories)
 * that cannot be walked and that the selection would have held: with `all`, every one; with named
 * values, those whose name says one of them, and those whose name says nothing (not UTF-8).
 */
export async function walkSelection(
  source: Source,
  s: Selection,
  signal?: AbortSignal,
): Promise<{ selection: ResolvedSelection; problems: Unwalkable[] }> {
  const envLevel = await source.discover(levelPrefix([s.dataType]), signal);
  const presentEnvs = envLevel.values;
  const problems = inScope(envLevel.problems, s.environments);
  const environments =
    s.environments === 'all'
      ? presentEnvs
      : present(
          s.cells !== undefined ? '--cells' : '--analytics-environment (-e)',
          'environments',
          [...s.environments].filter((v) => !valueOf(envLevel.problems).has(v)),
          presentEnvs,
          source.url,
        );
  const found = new Set<string>();
  const catProblems: Unwalkable[] = [];
  for (const env of environments) {
    const level = await source.discover(levelPrefix([s.dataType, env]), signal);
    for (const c of level.values) found.add(c);
    catProblems.push(...level.problems);
  }
  const presentCats = [...found].sort();
  const categories =
    s.categories === 'all'
      ? presentCats
      : present(
          '--event-category (-c)',
          `categories under ${environments.join(', ') || 'no environment'}`,
          [...s.categories].filter((v) => !valueOf(catProblems).has(v)),
          presentCats,
          source.url,
        );
  problems.push(...inScope(catProblems, s.categories));
  const selection: ResolvedSelection = {
    dataType: s.dataType,
    environments,
    categories,
    start: s.start,
    stop: s.stop,
    times: allTimes(s.times),
    ...(s.cells !== undefined ? { cells: [...s.cells] } : {}),
  };
  return { selection, problems };
}

/** The values named by entries that cannot be walked: asked for, they fail as such, not as typos. */
const valueOf = (problems: readonly Unwalkable[]) => new Set(problems.map((p) => p.value));

/** The problems a choice of values would have held: all of them for `all`, else those it names or that name nothing. */
export function inScope(
  problems: readonly Unwalkable[],
  chosen: AllOr<string> | ((value: string) => boolean),
): Unwalkable[] {
  if (chosen === 'all') return [...problems];
  const wanted = typeof chosen === 'function' ? chosen : (v: string) => chosen.includes(v);
  return problems.filter((p) => p.value === undefined || wanted(p.value));
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
