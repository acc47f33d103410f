import { levelPrefix } from '../core/partition-layout.js';
import type { AllOr } from '../core/selection.js';
import type { Source } from '../ports/source.js';
import { spanOf, type DateSpan } from './date-range.js';
import { useAsync, type AsyncState } from './use-async.js';

/** What exists in the bucket for the wizard's steps, looked up as the choices are made. */
export interface Discovery {
  environments: AsyncState<string[]>;
  categories: AsyncState<string[]>;
  /** The span of `event_ds` under the chosen environments and categories; null when there are none. */
  span: AsyncState<DateSpan | null>;
}

const listOf = (v: AllOr<string> | undefined, all: string[] | undefined) => (v === 'all' ? all : v ? [...v] : undefined);

export function useDiscovery(source: Source | undefined, dataType: string, environments: AllOr<string> | undefined, categories: AllOr<string> | undefined): Discovery {
  const envState = useAsync(source ? (signal) => source.discover(levelPrefix([dataType]), signal) : undefined, `${source?.url}|${dataType}`);
  const presentEnvs = envState.status === 'done' ? envState.value : undefined;
  const envs = listOf(environments, presentEnvs);

  const catState = useAsync(
    source && envs
      ? async (signal) => {
          const found = new Set<string>();
          for (const env of envs) for (const c of await source.discover(levelPrefix([dataType, env]), signal)) found.add(c);
          return [...found].sort();
        }
      : undefined,
    `${source?.url}|${dataType}|${envs?.join(',')}`,
  );
  const cats = listOf(categories, catState.status === 'done' ? catState.value : undefined);

  const span = useAsync(
    source && envs && cats
      ? async (signal) => {
          const dates: string[] = [];
          for (const env of envs) for (const cat of cats) dates.push(...(await source.discover(levelPrefix([dataType, env, cat]), signal)));
          return spanOf(dates) ?? null;
        }
      : undefined,
    `${source?.url}|${dataType}|${envs?.join(',')}|${cats?.join(',')}`,
  );
  return { environments: envState, categories: catState, span };
}
