import { createPipeline, type Pipeline } from '../core/limiter.js';
import { ledgerKey, type FileKey, type Warehouse } from '../ports/warehouse.js';

/**
 * Asks the warehouse's ledger about files while the plan is still listing: items are gathered into
 * chunks, one per partition (so each query covers one day's partition of the logs table, as
 * BigQuery bills and prunes it), each full chunk is looked up at once, a few at a time, and every
 * item is handed to `onResult` with whether it already landed. Only the chunks being gathered and
 * in flight are held: nothing grows with the number of files. Without a warehouse, every item is
 * at once "not landed".
 */
export class LedgerLookups<T> {
  private readonly chunks = new Map<number, T[]>();
  private readonly lookups: Pipeline;

  constructor(
    private readonly warehouse: Warehouse | undefined,
    private readonly keyOf: (item: T) => FileKey,
    /**
     * `staged`: not landed, but a complete copy waits in staging for the next promotion;
     * `rejecting` (asked only with `ask.rejecting`): landed with lines rejected into debug rows.
     */
    private readonly onResult: (item: T, landed: boolean, staged: boolean, rejecting: boolean) => void,
    private readonly ask: { rejecting?: boolean } = {},
    private readonly chunkSize = 2000,
    maxInFlight = 4,
  ) {
    this.lookups = createPipeline(maxInFlight);
  }

  /** Adds an item of partition `group` to look up; waits only when enough lookups are already running. */
  async add(item: T, group = 0): Promise<void> {
    if (!this.warehouse) return this.onResult(item, false, false, false);
    let chunk = this.chunks.get(group);
    if (!chunk) this.chunks.set(group, (chunk = []));
    chunk.push(item);
    if (chunk.length >= this.chunkSize) await this.flush(group);
  }

  /** The partition `group` has no more items: looks up what it gathered. */
  async end(group = 0): Promise<void> {
    await this.flush(group);
  }

  /** Waits until every item has had its result. */
  async done(): Promise<void> {
    for (const group of [...this.chunks.keys()]) await this.flush(group);
    await this.lookups.drain();
  }

  private async flush(group: number): Promise<void> {
    const items = this.chunks.get(group);
    this.chunks.delete(group);
    if (!items || items.length === 0 || !this.warehouse) return;
    const keys = items.map(this.keyOf);
    const warehouse = this.warehouse;
    const answer = async () => {
      const both =
        this.ask.rejecting && warehouse.ingestedRejecting
          ? await warehouse.ingestedRejecting(keys)
          : { landed: await warehouse.ingested(keys), rejecting: new Set<string>() };
      const { landed, rejecting } = both;
      const open = keys.filter((k) => !landed.has(ledgerKey(k)));
      const staged = warehouse.staged && open.length > 0 ? await warehouse.staged(open) : new Set<string>();
      items.forEach((item, i) => {
        const key = ledgerKey(keys[i]!);
        this.onResult(item, landed.has(key), staged.has(key), rejecting.has(key));
      });
    };
    await this.lookups.push(answer);
  }
}
