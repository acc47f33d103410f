import { objectKey } from '../core/layout/source-object.js';
import { partitionPrefix, type Partition } from '../core/layout/partition-layout.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { LedgerLookups } from './ledger-lookups.js';

export type FileState = 'landed' | 'staged' | 'missing' | 'failed' | 'unreadable';

/**
 * Every file of one partition with its state, as the listing and the ledger say (no file bytes):
 * streamed to `onFile` a chunk of ledger answers at a time, so a partition of any size fits.
 */
export async function partitionFiles(
  source: Source,
  warehouse: Warehouse | undefined,
  partition: Partition,
  onFile: (object: SourceObject, state: FileState) => void,
  signal?: AbortSignal,
  /** Files whose last attempt failed, by `name#generation` (`failedFiles`): `failed` unless landed since. */
  failed: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const stateOf = (o: SourceObject, landed: boolean, staged: boolean): FileState => {
    if (o.problem !== undefined) return 'unreadable';
    if (landed) return 'landed';
    if (staged) return 'staged';
    return failed.has(objectKey(o)) ? 'failed' : 'missing';
  };
  const lookups = new LedgerLookups<SourceObject>(
    warehouse,
    (o) => ({ filePath: source.filePath(o.name), generation: o.generation, name: o.name }),
    (o, landed, staged) => onFile(o, stateOf(o, landed, staged)),
  );
  for await (const object of source.list(partitionPrefix(partition), signal)) await lookups.add(object);
  await lookups.done();
}
