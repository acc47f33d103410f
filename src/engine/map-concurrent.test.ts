import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

/** Work whose completion the test decides, one item at a time. */
function controlled() {
  const waiting = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  let running = 0;
  let most = 0;
  const work = (n: number) =>
    new Promise<string>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      waiting.set(n, {
        resolve: (v) => {
          running--;
          resolve(v);
        },
        reject: (e) => {
          running--;
          reject(e);
        },
      });
    });
  return { work, waiting, most: () => most };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('mapConcurrent', () => {
  it('keeps at most `limit` in flight and yields in the order work finishes', async () => {
    const c = controlled();
    const out: string[] = [];
    const run = (async () => {
      for await (const r of mapConcurrent([1, 2, 3, 4, 5], 2, c.work)) out.push(r);
    })();
    await flush();
    expect([...c.waiting.keys()]).toEqual([1, 2]);
    c.waiting.get(2)!.resolve('two');
    await flush();
    expect(out).toEqual(['two']);
    expect([...c.waiting.keys()]).toEqual([1, 2, 3]);
    for (const n of [3, 1, 4, 5]) {
      c.waiting.get(n)!.resolve(`#${n}`);
      await flush();
    }
    await run;
    expect(out).toEqual(['two', '#3', '#1', '#4', '#5']);
    expect(c.most()).toBe(2);
  });

  it('takes no new item after the signal aborts; what is in flight still comes out', async () => {
    const c = controlled();
    const abort = new AbortController();
    const out: string[] = [];
    const run = (async () => {
      for await (const r of mapConcurrent([1, 2, 3, 4], 2, c.work, abort.signal)) out.push(r);
    })();
    await flush();
    abort.abort();
    c.waiting.get(1)!.resolve('a');
    c.waiting.get(2)!.resolve('b');
    await run;
    expect(out).toEqual(['a', 'b']);
    expect([...c.waiting.keys()]).toEqual([1, 2]);
  });

  it("throws a failed item's error where its result would have come", async () => {
    const c = controlled();
    const out: string[] = [];
    const run = (async () => {
      for await (const r of mapConcurrent([1, 2], 2, c.work)) out.push(r);
    })();
    await flush();
    c.waiting.get(1)!.resolve('ok');
    await flush();
    c.waiting.get(2)!.reject(new Error('boom'));
    await expect(run).rejects.toThrow('boom');
    expect(out).toEqual(['ok']);
  });

  it('yields 100,000 results with 1000 in flight, each once', async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => i);
    const seen = new Set<number>();
    for await (const r of mapConcurrent(items, 1000, (n) => Promise.resolve(n))) seen.add(r);
    expect(seen.size).toBe(100_000);
  });
});
