import { partitionPrefix, type Partition } from '../core/partition-layout.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { LedgerLookups } from './ledger-lookups.js';

export type FileState = 'landed' | 'staged' | 'missing' | 'unreadable';

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
): Promise<void> {
  const lookups = new LedgerLookups<SourceObject>(
    warehouse,
    (o) => ({ filePath: source.filePath(o.name), generation: o.generation }),
    (o, landed, staged) =>
      onFile(o, o.problem !== undefined ? 'unreadable' : landed ? 'landed' : staged ? 'staged' : 'missing'),
  );
  for await (const object of source.list(partitionPrefix(partition), signal)) await lookups.add(object);
  await lookups.done();
}
