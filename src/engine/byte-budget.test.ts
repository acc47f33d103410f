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
    expect((await b).bytes).toBe(50);
    expect((await c).bytes).toBe(10);
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
});
