import { levelPrefix } from '../../core/layout/partition-layout.js';
import type { AllOr } from '../../core/layout/selection.js';
import type { Source } from '../../ports/source.js';
import { spanOf, type DateSpan } from '../model/date-range.js';
import { useAsync, type AsyncState } from './use-async.js';

/** What exists in the bucket for the wizard's steps, looked up as the choices are made. */
export interface Discovery {
  environments: AsyncState<string[]>;
  categories: AsyncState<string[]>;
  /** The span of `event_ds` under the chosen environments and categories; null when there are none. */
  span: AsyncState<DateSpan | null>;
}

const listOf = (v: AllOr<string> | undefined, all: string[] | undefined) =>
  v === 'all' ? all : v ? [...v] : undefined;

/** What the step on screen needs looked up: nothing is listed that no step shows. */
export type DiscoveryNeed = 'environments' | 'categories' | 'dates' | undefined;

export function useDiscovery(
  need: DiscoveryNeed,
  source: Source | undefined,
  dataType: string,
  environments: AllOr<string> | undefined,
  categories: AllOr<string> | undefined,
  /** Bumped to look again after a failure. */
  attempt = 0,
): Discovery {
  // Environments are listed for their step, or when `all` stands for them in a later one.
  const wantEnvs = need === 'environments' || (need !== undefined && environments === 'all');
  const wantCats = need === 'categories' || (need === 'dates' && categories === 'all');
  const envState = useAsync(
    source && wantEnvs ? async (signal) => (await source.discover(levelPrefix([dataType]), signal)).values : undefined,
    `${source?.url}|${dataType}#${attempt}`,
  );
  const presentEnvs = envState.status === 'done' ? envState.value : undefined;
  const envs = listOf(environments, presentEnvs);

  const catState = useAsync(
    source && envs && wantCats
      ? async (signal) => {
          const found = new Set<string>();
          for (const env of envs)
            for (const c of (await source.discover(levelPrefix([dataType, env]), signal)).values) found.add(c);
          return [...found].sort();
        }
      : undefined,
    `${source?.url}|${dataType}|${envs?.join(',')}#${attempt}`,
  );
  const cats = listOf(categories, catState.status === 'done' ? catState.value : undefined);

  const span = useAsync(
    source && envs && cats && need === 'dates'
      ? async (signal) => {
          const dates: string[] = [];
          for (const env of envs)
            for (const cat of cats)
              dates.push(...(await source.discover(levelPrefix([dataType, env, cat]), signal)).values);
          return spanOf(dates) ?? null;
        }
      : undefined,
    `${source?.url}|${dataType}|${envs?.join(',')}|${cats?.join(',')}#${attempt}`,
  );
  return { environments: envState, categories: catState, span };
}
