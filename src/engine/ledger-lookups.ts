import type { FileKey, Warehouse } from '../ports/warehouse.js';

/**
 * Asks the warehouse's ledger about files while the plan is still listing: files are gathered into
 * chunks, and each full chunk is looked up at once, a few at a time. Listing and ledger queries
 * overlap, and only the chunks in flight are held, not a second copy of every file's key.
 */
export class LedgerLookups {
  private readonly found = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private chunk: FileKey[] = [];
  private failed: { error: unknown } | undefined;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly chunkSize = 2000,
    private readonly maxInFlight = 4,
  ) {}

  /** Adds files to look up; waits only when enough lookups are already running. */
  async add(files: readonly FileKey[]): Promise<void> {
    for (const f of files) {
      this.chunk.push(f);
      if (this.chunk.length >= this.chunkSize) await this.flush();
    }
  }

  /** Waits for every lookup; resolves with the ledger keys of the files already ingested. */
  async done(): Promise<ReadonlySet<string>> {
    await this.flush();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    return this.found;
  }

  private async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const files = this.chunk;
    this.chunk = [];
    const lookup: Promise<void> = this.warehouse.ingested(files).then(
      (keys) => {
        for (const k of keys) this.found.add(k);
      },
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

