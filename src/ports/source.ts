import type { SourceObject } from '../core/source-object.js';

export type { SourceObject };

/**
 * Where event files are read from: a GCS bucket (`gs://bucket`) or a folder that mirrors one.
 * Implementations: `src/gcp/gcs-source.ts`, `src/local/folder-source.ts`.
 */
export interface Source {
  /** `gs://bucket` or `file:///abs/folder`. */
  readonly url: string;
  /** The bucket name; for a folder, its absolute path. */
  readonly bucket: string;
  /** Every object whose name starts with `prefix`, at any depth, following every page. */
  list(prefix: string, signal?: AbortSignal): AsyncIterable<SourceObject>;
  /**
   * The values of the next `key=value` level below `prefix` (which ends in `/`), sorted:
   * `discover('data_type=json/')` → `['staging', 'testing']` for `analytics_environment=…` folders.
   */
  discover(prefix: string, signal?: AbortSignal): Promise<string[]>;
  /** The object's bytes as stored (no transparent decompression), streamed. */
  read(name: string, generation?: string): AsyncIterable<Uint8Array>;
  /**
   * Whether `generation` has the form this source gives its objects (GCS: a positive integer; a
   * folder: `mtime:size`). A notification naming another is refused unread.
   */
  isGeneration?(generation: string): boolean;
  /** How logs name the file: `gs://bucket/name`, or the local file's absolute path. */
  filePath(name: string): string;
  /**
   * Partitions to list at once (default 16: a bucket's pages are round trips). A folder answers at
   * once, and listing more partitions at a time only holds more of the listing in memory.
   */
  readonly listConcurrency?: number;
}
