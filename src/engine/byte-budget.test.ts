import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';

describe('the byte budget of files in flight', () => {
  it('lets files in while their bytes fit, the next in order once enough is released', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const a = await budget.acquire(60);
    const b = budget.acquire(50).then((n) => (order.push('b'), n));
    const c = budget.acquire(10).then((n) => (order.push('c'), n)); // fits, but waits its turn behind b
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    budget.release(a);
    expect(await b).toBe(50);
    expect(await c).toBe(10);
    expect(order).toEqual(['b', 'c']);
  });

  it('a file larger than the whole budget goes when nothing else is in flight', async () => {
    const budget = new ByteBudget(100);
    const small = await budget.acquire(30);
    let huge = false;
    const big = budget.acquire(1_000_000).then((n) => ((huge = true), n));
    await new Promise((r) => setImmediate(r));
    expect(huge).toBe(false);
    budget.release(small);
    expect(await big).toBe(100);
  });
});
