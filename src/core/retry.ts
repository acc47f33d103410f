/** How {@link retry} tries again. */
export interface RetryPolicy {
  /** Whether the try numbered `attempt` (from 1) that threw `error` may be followed by another. */
  again: (error: unknown, attempt: number) => boolean;
  /** The first wait; each next one doubles, up to `maxDelayMs`. 0: no wait at all. */
  firstDelayMs: number;
  maxDelayMs?: number;
  /** Tries in all (default: no bound but `forMs`). */
  attempts?: number;
  /** No wait that would end past this many ms after the first try began (default: no bound). */
  forMs?: number;
  /** Whether to wait before the next try after `error` (default: always); no wait leaves the delay as it was. */
  pause?: (error: unknown) => boolean;
  /** Told before each wait. */
  waiting?: (error: unknown, delayMs: number) => void;
  /** The wait itself (a test's clock); default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one retry with backoff: runs `work(attempt)` until it resolves, again after a growing wait
 * while `policy.again` says so and the bounds allow; then throws what the last try threw.
 */
export async function retry<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const started = Date.now();
  const sleep = policy.sleep ?? pause;
  let delay = policy.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const more = policy.attempts === undefined || attempt < policy.attempts;
      const inTime = policy.forMs === undefined || Date.now() - started + delay <= policy.forMs;
      if (!more || !inTime || !policy.again(error, attempt)) throw error;
      if (policy.pause && !policy.pause(error)) continue;
      policy.waiting?.(error, delay);
      if (delay > 0) await sleep(delay);
      delay = Math.min(delay * 2, policy.maxDelayMs ?? Infinity);
    }
  }
}
