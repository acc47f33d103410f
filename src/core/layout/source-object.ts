/** One object (file) in a source. */
export interface SourceObject {
  /** Object name relative to the bucket root, `/`-separated: `data_type=json/…/event_time=0-8/…`. */
  name: string;
  size: number;
  /** GCS generation; for a local file, its mtime in microseconds. With the name, identifies one version. */
  generation: string;
  /** ISO 8601 time of the last change. */
  updated: string;
  /**
   * Why this entry cannot be read, found while listing (a folder that cannot be opened, a name that
   * is not UTF-8, a symbolic link): the run reports it as a failed file instead of skipping it.
   */
  problem?: string;
}

/** The one key of one version of one object: `name#generation` (the ledger's, a run record's, a plan's). */
export function objectKey(object: { name: string; generation: string }): string {
  return `${object.name}#${object.generation}`;
}
