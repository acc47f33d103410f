import { existsSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { duckDbFile } from '../core/warehouse-spec.js';
import { makeWritableFolder } from '../engine/make-folder.js';
import type { Source } from '../ports/source.js';

/**
 * Refuses, before any work (and before creating anything), the places that cannot work: a record folder that cannot be made or
 * written (checked only when something will be written), and, for a folder bucket, a DuckDB file or
 * a record folder inside the bucket (their files would be listed as data).
 */
export function checkPlaces(source: Source, warehouse: string, recordDir: string, dryRun: boolean): void {
  const writable = () => {
    if (!dryRun) makeWritableFolder(recordDir, '--record-dir');
  };
  if (!source.url.startsWith('file:')) return writable();
  const root = fileURLToPath(source.url);
  const inside = (path: string) => {
    const rel = relative(root, realOrResolved(path));
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  const file = duckDbFile(warehouse);
  if (file !== undefined && inside(file)) {
    throw new UsageError(
      `--warehouse ${warehouse} is inside the bucket folder ${root}`,
      'Keep the DuckDB file outside the folder being read.',
    );
  }
  if (inside(recordDir))
    throw new UsageError(
      `--record-dir ${recordDir} is inside the bucket folder ${root}`,
      'Keep run records outside the folder being read.',
    );
  writable();
}

/** A path's real location: itself when it exists, else its nearest existing parent's, plus the rest. */
function realOrResolved(path: string): string {
  const full = resolve(path);
  if (existsSync(full)) return realpathSync(full);
  const parent = dirname(full);
  return parent === full ? full : resolve(realOrResolved(parent), full.slice(parent.length + 1));
}
