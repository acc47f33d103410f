/**
 * The one concurrency limiter: at most `max` holders at once, waiters served first come, first
 * served. Every bounded "so many in flight" in the code is one of these: publishes, ledger lookups,
 * BigQuery queries, a file's staging requests, appends handed to the DuckDB worker.
 */
export interface Limiter {
  /** Waits for a slot and takes it; give it back with {@link Limiter.release}. */
  acquire(): Promise<void>;
  /** Gives a slot back: the longest waiter gets it. */
  release(): void;
  /**
   * Waits for a slot, then starts `work` and resolves with its promise in a box (so the caller may
   * go on starting more while it runs); the slot is given back when the work settles. A rejection
   * reaches whoever awaits `done`, and {@link Limiter.idle} never throws.
   */
  start<T>(work: () => Promise<T>): Promise<{ done: Promise<T> }>;
  /** Runs `work` when a slot is free and resolves with its result (queued, as p-limit does). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once nothing holds a slot and nobody waits for one. */
  idle(): Promise<void>;
  /** Slots held now. */
  readonly active: number;
}

export function createLimiter(max: number): Limiter {
  const limit = Math.max(1, Math.floor(max));
  let active = 0;
  const waiting: (() => void)[] = [];
  let head = 0;
  let idlers: (() => void)[] = [];

  const waiters = () => waiting.length - head;
  const checkIdle = () => {
    if (active > 0 || waiters() > 0 || idlers.length === 0) return;
    const wake = idlers;
    idlers = [];
    for (const w of wake) w();
  };
  const acquire = async (): Promise<void> => {
    if (active < limit && waiters() === 0) {
      active++;
      return;
    }
    // The slot is handed over by release (active stays counted), so no one can take it between.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    if (waiters() > 0) {
      const next = waiting[head]!;
      waiting[head++] = undefined as never;
      if (head > 1024 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        head = 0;
      }
      next();
      return;
    }
    active--;
    checkIdle();
  };
  const start = async <T>(work: () => Promise<T>): Promise<{ done: Promise<T> }> => {
    await acquire();
    let done: Promise<T>;
    try {
      done = work();
    } catch (error) {
      done = Promise.reject(error);
    }
    done.then(release, release);
    return { done };
  };
  return {
    acquire,
    release,
    start,
    run: async (work) => (await start(work)).done,
    idle: () => (active === 0 && waiters() === 0 ? Promise.resolve() : new Promise<void>((r) => idlers.push(r))),
    get active() {
      return active;
    },
  };
}

/** Work started in order, at most `max` at a time, whose first failure stops the line. */
export interface Pipeline {
  /** Waits for a slot and starts `work`; throws the first failure seen so far instead. */
  push(work: () => Promise<unknown>): Promise<void>;
  /** Waits for everything started, then throws the first failure if there was one. */
  drain(): Promise<void>;
  /** Waits for everything started; never throws (for a path that already failed). */
  settle(): Promise<void>;
}

export function createPipeline(max: number): Pipeline {
  const limiter = createLimiter(max);
  let failed: { error: unknown } | undefined;
  const throwIfFailed = () => {
    if (failed) throw failed.error;
  };
  return {
    async push(work) {
      throwIfFailed();
      const { done } = await limiter.start(work);
      done.catch((error: unknown) => {
        failed ??= { error };
      });
      throwIfFailed();
    },
    async drain() {
      await limiter.idle();
      throwIfFailed();
    },
    settle: () => limiter.idle(),
  };
}
