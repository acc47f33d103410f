import { describe, expect, it } from 'vitest';
import { coalescedLookup } from './coalesced-lookup.js';

/** A lookup that answers only when told to, recording what it was asked. */
function controlled() {
  const asked: string[][] = [];
  const answers: (() => void)[] = [];
  const lookup = (keys: readonly string[]) =>
    new Promise<string[]>((resolve) => {
      asked.push([...keys]);
      answers.push(() => resolve(keys.map((k) => `${k}!`)));
    });
  return { asked, answers, lookup };
}

describe('coalescedLookup', () => {
  it('answers the lookups made while one runs with one call for all of them', async () => {
    const { asked, answers, lookup } = controlled();
    const ask = coalescedLookup(lookup);
    const first = ask(['a']);
    const rest = [ask(['b', 'c']), ask(['d']), ask(['e'])];
    expect(asked).toEqual([['a']]);
    answers[0]!();
    expect(await first).toEqual(['a!']);
    await Promise.resolve();
    expect(asked).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    answers[1]!();
    for (const answer of await Promise.all(rest)) expect(answer).toEqual(['b!', 'c!', 'd!', 'e!']);
  });

  it('keeps each call within maxKeys, in the order asked, and passes a failure to the callers it concerns', async () => {
    const asked: string[][] = [];
    const ask = coalescedLookup(async (keys: readonly string[]) => {
      asked.push([...keys]);
      if (keys.includes('bad')) throw new Error('query failed');
      return keys.length;
    }, 3);
    const results = await Promise.allSettled([ask(['a']), ask(['b', 'c']), ask(['d', 'bad']), ask(['e'])]);
    expect(asked).toEqual([['a'], ['b', 'c'], ['d', 'bad', 'e']]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      2,
      'query failed',
      'query failed',
    ]);
  });
});
