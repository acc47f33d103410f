/**
 * Ledger lookups made while another is running, answered together: one query for all of them once
 * the running one ends, instead of one each. A plan asks the ledger once per partition (BigQuery
 * bills and prunes by day), and DuckDB answers each by scanning the logs table; queued one after
 * another, a plan of 60 partitions of 10,000 landed files spent ~0.5 s in 60 such scans.
 *
 * `lookup(keys)` gets the union of the waiting callers' keys (at most `maxKeys` at once, in the
 * order asked) and its answer goes to each of them: callers keep only the rows about their own keys.
 */
export function coalescedLookup<K, R>(
  lookup: (keys: readonly K[]) => Promise<R>,
  maxKeys = 20_000,
): (keys: readonly K[]) => Promise<R> {
  interface Waiting {
    keys: readonly K[];
    resolve: (answer: R) => void;
    reject: (error: unknown) => void;
  }
  const waiting: Waiting[] = [];
  let running = false;

  const runNext = () => {
    if (running || waiting.length === 0) return;
    const batch: Waiting[] = [];
    let count = 0;
    while (waiting.length > 0 && (batch.length === 0 || count + waiting[0]!.keys.length <= maxKeys)) {
      const next = waiting.shift()!;
      batch.push(next);
      count += next.keys.length;
    }
    running = true;
    lookup(batch.flatMap((w) => w.keys))
      .then(
        (answer) => batch.forEach((w) => w.resolve(answer)),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        running = false;
        runNext();
      });
  };

  return (keys) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ keys, resolve, reject });
      runNext();
    });
}
