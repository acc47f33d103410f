import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import type { Source } from '../ports/source.js';
import { resolveSelection } from './resolve-selection.js';

/** A source whose folders are given as `env/category` pairs; only `discover` is used here. */
function sourceOf(pairs: string[]): Source {
  const envs = [...new Set(pairs.map((p) => p.split('/')[0]!))].sort();
  return {
    url: 'file:///bucket',
    bucket: '/bucket',
    list: () => (async function* () {})(),
    read: () => (async function* () {})(),
    filePath: (n) => n,
    discover: async (prefix) => {
      const env = /analytics_environment=([^/]+)\//.exec(prefix)?.[1];
      const values =
        env === undefined
          ? envs
          : pairs
              .filter((p) => p.startsWith(`${env}/`))
              .map((p) => p.split('/')[1]!)
              .sort();
      return { values, problems: [] };
    },
  };
}

const base = { dataType: 'json', start: '2026-03-01', stop: '2026-03-01', times: 'all' as const };

describe('resolveSelection', () => {
  const source = sourceOf(['live/gameplay', 'live/shop', 'qa/gameplay', 'qa/debugging']);

  it('takes every present folder for all, unknown names such as qa included', async () => {
    const r = await resolveSelection(source, { ...base, environments: 'all', categories: 'all' });
    expect(r.environments).toEqual(['live', 'qa']);
    expect(r.categories).toEqual(['debugging', 'gameplay', 'shop']);
    const qa = await resolveSelection(source, { ...base, environments: ['qa'], categories: ['debugging'] });
    expect(qa.environments).toEqual(['qa']);
  });

  it('refuses a value the bucket does not hold, listing what it holds and the closest', async () => {
    const typo = resolveSelection(source, { ...base, environments: ['live'], categories: ['gameplay', 'shopp'] });
    await expect(typo).rejects.toThrow(UsageError);
    await expect(typo).rejects.toThrow(
      '--event-category (-c): "shopp" not in file:///bucket (categories under live present: gameplay, shop)',
    );
    await expect(typo).rejects.toMatchObject({ hint: 'Did you mean "shop"?' });
    await expect(
      resolveSelection(source, { ...base, environments: ['prod'], categories: 'all' }),
    ).rejects.toMatchObject({
      message: '--analytics-environment (-e): "prod" not in file:///bucket (environments present: live, qa)',
      hint: 'Choose from the values present, or all.',
    });
    // Named by --cells, the refusal names --cells.
    await expect(
      resolveSelection(source, { ...base, environments: ['lve'], categories: 'all', cells: ['lve/2026-03-01/0-8'] }),
    ).rejects.toMatchObject({
      message: '--cells: "lve" not in file:///bucket (environments present: live, qa)',
      hint: 'Did you mean "live"?',
    });
  });
});
