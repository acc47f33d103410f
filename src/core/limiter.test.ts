import { describe, expect, it } from 'vitest';
import { createLimiter, createPipeline } from './limiter.js';
import { retry } from './retry.js';

const flush = () => new Promise((r) => setImmediate(r));

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('createLimiter', () => {
  it('runs at most `max` at once, the waiters in the order they came', async () => {
    const limiter = createLimiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const began: number[] = [];
    const runs = gates.map((g, i) => limiter.run(async () => (began.push(i), g.promise)));
    await flush();
    expect(began).toEqual([0, 1]);
    gates[1]!.resolve();
    await flush();
    expect(began).toEqual([0, 1, 2]);
    expect(limiter.active).toBe(2);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await Promise.all(runs);
    expect(began).toEqual([0, 1, 2, 3]);
    await limiter.idle();
    expect(limiter.active).toBe(0);
  });

  it('start resolves once the work has begun, and idle waits for it without throwing', async () => {
    const limiter = createLimiter(1);
    const gate = deferred();
    const { done } = await limiter.start(() => gate.promise.then(() => Promise.reject(new Error('boom'))));
    let second = false;
    const starting = limiter.start(async () => void (second = true));
    await flush();
    expect(second).toBe(false);
    gate.resolve();
    await expect(done).rejects.toThrow('boom');
    await starting;
    await limiter.idle();
    expect(second).toBe(true);
  });
});

describe('createPipeline', () => {
  it('stops the line at the first failure and drain throws it', async () => {
    const line = createPipeline(2);
    const started: number[] = [];
    await line.push(async () => void started.push(1));
    await line.push(() => (started.push(2), Promise.reject(new Error('second failed'))));
    await flush();
    await expect(line.push(async () => void started.push(3))).rejects.toThrow('second failed');
    await expect(line.drain()).rejects.toThrow('second failed');
    await line.settle();
    expect(started).toEqual([1, 2]);
  });
});

describe('retry', () => {
  it('waits 1, 2, 4… up to the cap, stops when `again` says no, and throws the last error', async () => {
    const waits: number[] = [];
    let tries = 0;
    const failing = retry(
      async (attempt) => {
        tries = attempt;
        throw new Error(`try ${attempt}`);
      },
      {
        firstDelayMs: 1000,
        maxDelayMs: 4000,
        attempts: 5,
        again: () => true,
        sleep: async (ms) => void waits.push(ms),
      },
    );
    await expect(failing).rejects.toThrow('try 5');
    expect(tries).toBe(5);
    expect(waits).toEqual([1000, 2000, 4000, 4000]);
    const refused = retry(() => Promise.reject(new Error('no')), { firstDelayMs: 1, again: () => false });
    await expect(refused).rejects.toThrow('no');
  });

  it('goes on without a wait where `pause` says so, and succeeds when a try does', async () => {
    const waits: number[] = [];
    const got = await retry(
      async (attempt) => {
        if (attempt < 4) throw new Error(attempt % 2 ? 'odd' : 'even');
        return attempt;
      },
      {
        firstDelayMs: 10,
        again: () => true,
        pause: (e) => (e as Error).message === 'even',
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect(got).toBe(4);
    expect(waits).toEqual([10]);
  });
});
