import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { formerGeneration } from '../../core/layout/file-generation.js';
import { INGESTED_EVENT, ledgerKey, ledgerMatcher, type FileKey } from '../../ports/warehouse.js';
import { HashFilter } from './hash-filter.js';
import { ledgerHash } from './ledger-hash.js';

/**
 * Whether the ledger holds a file, asked inside the transaction that would write it. 48-bit hashes
 * of every ledger key in the file are loaded once, into a filter of 4-8 bytes a key
 * (hash-filter.ts): DuckDB lets one process open a file for writing and every write goes through
 * the store, so a key the filter has not seen is not in the ledger and the check costs no query (a
 * scan of the logs table, which grows with every file). A key it may have seen is confirmed by a
 * query. A file's former generation (core/layout/file-generation.ts) counts as the file.
 */
export class LedgerGuard {
  private hashes: HashFilter | undefined;

  constructor(
    /** The ledger table as SQL names it. */
    private readonly ledger: string,
  ) {}

  /** Reads the ledger's keys once, chunk by chunk, keeping only their hashes. */
  async load(connection: DuckDBConnection): Promise<void> {
    if (this.hashes) return;
    const hashes = new HashFilter();
    const result = await connection.stream(
      `SELECT file_path, file_generation FROM ${this.ledger} WHERE starts_with(event, $mark)`,
      { mark: INGESTED_EVENT },
    );
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (const [path, generation] of chunk.getRows()) hashes.add(ledgerHash(String(path), String(generation)));
    }
    this.hashes = hashes;
  }

  /** Whether the ledger may hold the file: its key's hash, or its former generation's, is known. */
  mayHold(path: string, generation: string): boolean {
    const hashes = this.loaded();
    if (hashes.has(ledgerHash(path, generation))) return true;
    const former = formerGeneration(generation);
    return former !== undefined && hashes.has(ledgerHash(path, former));
  }

  /** Remembers keys whose ledger rows were just committed. */
  add(keys: readonly number[]): void {
    for (const k of keys) this.loaded().add(k);
  }

  /** Whether the ledger holds `file` (one query, only when its hash is known). */
  async holds(connection: DuckDBConnection, file: FileKey): Promise<boolean> {
    if (!this.mayHold(file.filePath, file.generation)) return false;
    const former = formerGeneration(file.generation) ?? file.generation;
    const reader = await connection.runAndReadAll(
      `SELECT 1 FROM ${this.ledger} WHERE file_path = $path AND file_generation IN ($generation, $former) AND starts_with(event, $mark) LIMIT 1`,
      { path: file.filePath, generation: file.generation, former, mark: INGESTED_EVENT },
    );
    return reader.currentRowCount > 0;
  }

  /** Of `files`, the indexes of those the ledger holds (one query for those whose hash is known). */
  async held(connection: DuckDBConnection, files: readonly FileKey[]): Promise<Set<number>> {
    const candidates = files.flatMap((f, i) => (this.mayHold(f.filePath, f.generation) ? [i] : []));
    if (candidates.length === 0) return new Set();
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT file_path, file_generation FROM ${this.ledger}
       WHERE starts_with(event, $mark) AND file_path IN (SELECT unnest($paths))`,
      { mark: INGESTED_EVENT, paths: listValue(candidates.map((i) => files[i]!.filePath)) },
    );
    const match = ledgerMatcher(candidates.map((i) => files[i]!));
    const landed = new Set(
      reader.getRowsJS().flatMap(([p, g]) => match({ filePath: String(p), generation: String(g) })),
    );
    return new Set(candidates.filter((i) => landed.has(ledgerKey(files[i]!))));
  }

  private loaded(): HashFilter {
    if (!this.hashes) throw new Error('the ledger guard was asked before load()');
    return this.hashes;
  }
}
