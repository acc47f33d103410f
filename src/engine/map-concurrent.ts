/**
 * Runs `work` over `items` with at most `limit` in flight, yielding results as they finish
 * (not in input order). Stops taking new items once `signal` aborts; what is in flight completes.
 */
export async function* mapConcurrent<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  const inFlight = new Map<number, Promise<{ id: number; result: R }>>();
  let nextId = 0;
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && inFlight.size < limit && !signal?.aborted) {
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      const id = nextId++;
      inFlight.set(id, work(step.value).then((result) => ({ id, result })));
    }
  };
  await fill();
  while (inFlight.size > 0) {
    const { id, result } = await Promise.race(inFlight.values());
    inFlight.delete(id);
    yield result;
    await fill();
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
