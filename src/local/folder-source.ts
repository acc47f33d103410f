import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../core/errors.js';
import type { Source, SourceObject } from '../ports/source.js';

/**
 * A folder that mirrors a bucket: `DIR/data_type=json/analytics_environment=…/…`. Given as a path
 * or a `file://` URL. Symlinks are not followed and names never resolve outside the folder.
 */
export async function createFolderSource(location: string): Promise<Source> {
  const given = location.startsWith('file://') ? fileURLToPath(location) : location;
  const root = resolve(given);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(`--gcs-bucket: folder ${root} does not exist`, 'Pass gs://BUCKET, or a folder that mirrors one.', 2);
  }
  const realRoot = await realpath(root);

  /** Resolves an object name inside the folder, refusing anything that would leave it. */
  const pathOf = (name: string): string => {
    const path = resolve(realRoot, ...name.split('/'));
    const rel = relative(realRoot, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`object name "${name}" is outside ${realRoot}`);
    return path;
  };

  async function* walk(dir: string, signal?: AbortSignal): AsyncGenerator<SourceObject> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      signal?.throwIfAborted();
      const full = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full, signal);
      else if (entry.isFile()) {
        const s = await lstat(full, { bigint: true });
        yield {
          name: relative(realRoot, full).split(sep).join('/'),
          size: Number(s.size),
          generation: String(s.mtimeNs / 1000n),
          updated: new Date(Number(s.mtimeMs)).toISOString(),
        };
      }
      // Symlinks and other special files are skipped: a bucket mirror holds plain files only.
    }
  }

  return {
    url: pathToFileURL(realRoot).href,
    bucket: realRoot,
    async *list(prefix, signal) {
      // A prefix ending in `/` names a folder; otherwise list its parent and filter by name.
      const folder = prefix.endsWith('/') || prefix === '' ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const dir = folder === '' ? realRoot : pathOf(folder.slice(0, -1));
      for await (const o of walk(dir, signal)) if (o.name.startsWith(prefix)) yield o;
    },
    async discover(prefix) {
      const dir = prefix === '' ? realRoot : pathOf(prefix.replace(/\/$/, ''));
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      return entries
        .filter((e) => e.isDirectory() && e.name.includes('='))
        .map((e) => e.name.slice(e.name.indexOf('=') + 1))
        .sort();
    },
    read(name) {
      const path = pathOf(name);
      return (async function* () {
        // A name may pass through a symlink inside the folder: check where it really leads.
        const real = await realpath(path);
        if (relative(realRoot, real).startsWith('..')) throw new UserError(`object "${name}" links outside ${realRoot}`);
        yield* createReadStream(real, { highWaterMark: 1 << 20 });
      })();
    },
    filePath(name) {
      return pathOf(name);
    },
  };
}
