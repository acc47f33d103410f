import type { SourceObject } from '../core/layout/source-object.js';

export type { SourceObject };

/** One level of a bucket's layout: its values, and the entries there that cannot be walked. */
export interface Discovery {
  values: string[];
  /**
   * Each entry that is no folder of this level, with its `problem`; `value` when its name still
   * says one (a symbolic link `analytics_environment=prod`), so a selection can tell whether it is
   * in scope.
   */
  problems: (SourceObject & { problem: string; value?: string })[];
}

/**
 * Where event files are read from: a GCS bucket (`gs://bucket`) or a folder that mirrors one.
 * Implementations: `src/gcp/gcs-source.ts`, `src/local/folder/folder-source.ts`.
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
   * `discover('data_type=json/')` → `['staging', 'testing']` for `analytics_environment=…` folders,
   * and every entry there that cannot be walked (a symbolic link, a name that is not UTF-8 or not
   * that level's `key=VALUE`, a hidden folder), so nothing above a partition is skipped in silence.
   */
  discover(prefix: string, signal?: AbortSignal): Promise<Discovery>;
  /** The object's bytes as stored (no transparent decompression), streamed. */
  read(name: string, generation?: string): AsyncIterable<Uint8Array>;
  /**
   * The object's bytes at once, synchronously, when it holds at most `atMost` bytes (`undefined`,
   * nothing read, when it holds more: `read` streams it), under the same checks as `read`. Only a
   * source that answers at once has it (a folder); most event files are a few KiB, and a stream
   * costs more per file than reading one.
   */
  readWhole?(name: string, generation: string | undefined, atMost: number): Uint8Array | undefined;
  /**
   * Whether `generation` has the form this source gives its objects (GCS: a positive integer; a
   * folder: `mtime:size`). A notification naming another is refused unread.
   */
  isGeneration?(generation: string): boolean;
  /** How logs name the file: `gs://bucket/name`, or the local file's absolute path. */
  filePath(name: string): string;
  /**
   * Whether planning reads each date's time buckets from `discover` (a folder: one directory read,
   * and an odd entry there is reported) rather than listing each bucket the selection names (a
   * bucket: the listings of a bucket's plan stay what they were, one per time bucket named; on
   * GCS either way costs a request or so per date).
   */
  readonly discoversTimes?: boolean;
  /**
   * Partitions to list at once (default 16: a bucket's pages are round trips). A folder answers at
   * once, and listing more partitions at a time only holds more of the listing in memory.
   */
  readonly listConcurrency?: number;
}
