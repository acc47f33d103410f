import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
    // The common case, cheaply: plain segments (no `.`, `..` or empty ones) cannot leave the folder.
    if (sep === '/' && PLAIN_NAME.test(name)) return `${realRoot}/${name}`;
    const path = resolve(realRoot, ...name.split('/'));
    const rel = relative(realRoot, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`object name "${name}" is outside ${realRoot}`);
    return path;
  };

  /** Real paths of the folders files were read from, so each file costs no path resolution. */
  const realDirs = new Map<string, string>();
  const inside = (real: string) => !relative(realRoot, real).startsWith('..');

  /**
   * Opens a file for reading only if it really lies inside the folder: its folder's real path must
   * (a name may pass through a symlink inside the folder), and the file itself must not be a
   * symlink, unless that link too leads inside.
   */
  const openInside = (path: string, name: string): number => {
    const dir = dirname(path);
    let realDir = realDirs.get(dir);
    if (realDir === undefined) {
      realDir = realpathSync.native(dir);
      if (realDirs.size >= 10_000) realDirs.clear();
      realDirs.set(dir, realDir);
    }
    if (!inside(realDir)) throw new UserError(`object "${name}" links outside ${realRoot}`);
    try {
      return openSync(join(realDir, path.slice(dir.length + 1)), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
      const real = realpathSync.native(path);
      if (!inside(real)) throw new UserError(`object "${name}" links outside ${realRoot}`);
      return openSync(real, 'r');
    }
  };

  /** Files listed since the event loop last had a turn. */
  let sinceYield = 0;

  async function* walk(dir: string, signal?: AbortSignal): AsyncGenerator<SourceObject> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      signal?.throwIfAborted();
      // The listing runs on microtasks alone between folders: let sockets and timers have a turn
      // (a ledger query's request to BigQuery stalled behind 100,000 synchronous lstats and timed out).
      if (++sinceYield >= 256) {
        sinceYield = 0;
        await setImmediate();
      }
      const full = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full, signal);
      else if (entry.isFile()) {
        // Synchronous: a local lstat takes microseconds, a thread-pool round trip costs more than that.
        const s = lstatSync(full, { bigint: true });
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
      return readFile(() => openInside(path, name));
    },
    filePath(name) {
      return pathOf(name);
    },
  };
}

/** `/`-separated segments, none empty, `.` or `..`, and no NUL: joined to the root, it stays inside. */
const PLAIN_NAME = /^(?!\.\.?(?:\/|$))(?:[^/\0]+\/(?!\.\.?(?:\/|$)))*[^/\0]+$/;

/** Reads at most this much at once: a small file in one read, a large one streamed in bounded memory. */
const READ_CHUNK = 1 << 20;

/**
 * An open file's bytes, then closes it: the size seen at open in reads of up to 1 MiB, each into a
 * buffer of the size it needs, then one small read that finds the end (or that the file grew).
 * Synchronous: most event files are a few KiB, and for those a thread-pool round trip per call (and
 * a stream's fixed 1 MiB buffer) cost more than the reading itself.
 */
async function* readFile(openFile: () => number): AsyncGenerator<Uint8Array> {
  const fd = openFile();
  try {
    let left = fstatSync(fd).size;
    for (;;) {
      const buffer = left > 0 ? Buffer.allocUnsafe(Math.min(left, READ_CHUNK)) : probe;
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      left = Math.max(0, left - bytesRead) || (buffer === probe ? READ_CHUNK : 0);
      yield buffer === probe ? Buffer.from(buffer.subarray(0, bytesRead)) : buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

/** Shared by every read for the end-of-file check; copied before anything leaves. */
const probe = Buffer.alloc(16 * 1024);
