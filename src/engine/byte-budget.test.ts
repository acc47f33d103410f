import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('the byte budget of files in flight', () => {
  it('lets files in while their bytes fit, the next in order once enough is released', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const a = await budget.acquire(60);
    const b = budget.acquire(50).then((h) => (order.push('b'), h));
    const c = budget.acquire(10).then((h) => (order.push('c'), h)); // fits, but waits its turn behind b
    await turn();
    expect(order).toEqual([]);
    a.release();
    // Each reserves, when it starts, at least what files held on average so far (a's 60).
    const hb = await b;
    expect(hb.bytes).toBe(60);
    await turn();
    expect(order).toEqual(['b']); // c's 60 does not fit beside b's
    hb.release();
    expect((await c).bytes).toBe(60);
    expect(order).toEqual(['b', 'c']);
  });

  it('a file larger than the whole budget goes when nothing else is in flight', async () => {
    const budget = new ByteBudget(100);
    const small = await budget.acquire(30);
    let huge = false;
    const big = budget.acquire(1_000_000).then((h) => ((huge = true), h));
    await turn();
    expect(huge).toBe(false);
    small.release();
    expect((await big).bytes).toBe(100);
  });

  it('a file whose rows outgrow its listed size holds more at once, and new files wait for that room (small gzip, many rows)', async () => {
    const budget = new ByteBudget(100);
    const first = await budget.acquire(3);
    first.grow(95); // never waits: a file being read always finishes
    let started = false;
    const next = budget.acquire(10).then((h) => ((started = true), h));
    await turn();
    expect(started).toBe(false);
    first.release();
    expect((await next).bytes).toBeGreaterThanOrEqual(10);
  });

  it('a file starts with what the files before it held on average, when that is more than its size', async () => {
    const budget = new ByteBudget(1000);
    for (let i = 0; i < 4; i++) {
      const h = await budget.acquire(1);
      h.grow(200);
      h.release();
    }
    expect((await budget.acquire(1)).bytes).toBe(200);
    expect((await budget.acquire(500)).bytes).toBe(500);
  });

  it('until a few files have ended, only a few start at once (their size is not known before)', async () => {
    const budget = new ByteBudget(1_000_000);
    const first = await Promise.all(Array.from({ length: 16 }, () => budget.acquire(1)));
    let more = false;
    const seventeenth = budget.acquire(1).then((h) => ((more = true), h));
    await turn();
    expect(more).toBe(false);
    first[0]!.release();
    await seventeenth;
  });

  it('files that waited from the start reserve what files held by the time they start, not their small size', async () => {
    // 200 small gzip files of 20,000 rows each, all sent at once: 184 waited with their 3.8 KB listed
    // size and then grew to 5 MB each, 801 MiB held under a 32 MiB budget.
    const MB = 1_000_000;
    const budget = new ByteBudget(32 * MB);
    const inFlight = new Set<Promise<unknown>>();
    let most = 0;
    let holding = 0;
    const file = async () => {
      const hold = await budget.acquire(3_800);
      holding++;
      most = Math.max(most, holding);
      await turn();
      hold.grow(5 * MB); // its rows, parsed
      await turn();
      holding--;
      hold.release();
    };
    for (let i = 0; i < 200; i++) inFlight.add(file());
    await Promise.all(inFlight);
    expect(most).toBeLessThanOrEqual(16); // the warm-up's 16, then what 32 MB holds of 5 MB files
  });
});
