import { ledgerKey, type FileKey, type Warehouse } from '../ports/warehouse.js';

/**
 * Asks the warehouse's ledger about files while the plan is still listing: items are gathered into
 * chunks, each full chunk is looked up at once, a few at a time, and every item is handed to
 * `onResult` with whether it already landed. Only the chunks in flight are held: nothing grows with
 * the number of files. Without a warehouse, every item is at once "not landed".
 */
export class LedgerLookups<T> {
  private readonly inFlight = new Set<Promise<void>>();
  private chunk: T[] = [];
  private failed: { error: unknown } | undefined;

  constructor(
    private readonly warehouse: Warehouse | undefined,
    private readonly keyOf: (item: T) => FileKey,
    private readonly onResult: (item: T, landed: boolean) => void,
    private readonly chunkSize = 2000,
    private readonly maxInFlight = 4,
  ) {}

  /** Adds an item to look up; waits only when enough lookups are already running. */
  async add(item: T): Promise<void> {
    if (!this.warehouse) return this.onResult(item, false);
    this.chunk.push(item);
    if (this.chunk.length >= this.chunkSize) await this.flush();
  }

  /** Waits until every item has had its result. */
  async done(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private async flush(): Promise<void> {
    if (this.chunk.length === 0 || !this.warehouse) return;
    const items = this.chunk;
    this.chunk = [];
    const keys = items.map(this.keyOf);
    const lookup: Promise<void> = this.warehouse.ingested(keys).then(
      (landed) => items.forEach((item, i) => this.onResult(item, landed.size > 0 && landed.has(ledgerKey(keys[i]!)))),
      (error: unknown) => {
        this.failed ??= { error };
      },
    );
    const tracked = lookup.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    if (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failed) throw this.failed.error;
  }
}
