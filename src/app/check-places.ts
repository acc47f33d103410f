import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { didYouMean } from '../core/present/did-you-mean.js';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { duckDbFile } from '../core/schema/warehouse-spec.js';
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
  const file = duckDbFile(warehouse);
  if (file !== undefined && !dryRun) checkFolderOf(file, warehouse);
  if (!source.url.startsWith('file:')) return writable();
  const root = fileURLToPath(source.url);
  const inside = (path: string) => {
    const rel = relative(root, realOrResolved(path));
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
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

/** A new DuckDB file goes into a folder the operator has: none is created for it. */
function checkFolderOf(file: string, warehouse: string): void {
  const folder = dirname(resolve(file));
  if (!existsSync(folder))
    throw new UsageError(
      `--warehouse ${warehouse}: the folder ${folder} does not exist`,
      'Create it first, or choose a file in a folder that exists.',
    );
}

/**
 * `status` reads a DuckDB file that exists: a name that does not is refused, not mapped as "nothing
 * landed", with the nearest DuckDB file beside it when one is close.
 */
export function checkDuckDbToRead(warehouse: string): void {
  const file = duckDbFile(warehouse);
  if (file === undefined || existsSync(file)) return;
  const full = resolve(file);
  let near: string | undefined;
  try {
    const beside = readdirSync(dirname(full)).filter((n) => /\.(duckdb|db)$/i.test(n));
    near = didYouMean(basename(full), beside);
  } catch {
    // no folder: nothing to suggest
  }
  throw new UsageError(
    `no DuckDB file at ${full}: nothing has landed there`,
    near !== undefined
      ? `Did you mean --warehouse duckdb:${join(dirname(file), near)}?`
      : 'Pass --warehouse duckdb:PATH of the file a backfill wrote.',
  );
}
