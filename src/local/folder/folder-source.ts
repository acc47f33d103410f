import { isLocalGeneration } from '../../core/layout/file-generation.js';
import { constants, openSync, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PermanentFileError, UsageError, UserError } from '../../core/errors.js';
import type { Source } from '../../ports/source.js';
import { readFile, readWholeFile } from './folder-read.js';
import { discoverFolder } from './folder-discover.js';
import { walkFolder } from './folder-walk.js';

/**
 * A folder that mirrors a bucket: `DIR/data_type=json/analytics_environment=…/…`. Given as a path
 * or a `file://` URL. Symlinks are not followed and names never resolve outside the folder.
 */
export async function createFolderSource(location: string): Promise<Source> {
  const given = location.startsWith('file:') ? folderOfUrl(location) : location;
  const root = resolve(given);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(
      info ? `--gcs-bucket: ${root} is a file, not a folder` : `--gcs-bucket: folder ${root} does not exist`,
      'Pass gs://BUCKET, or a folder that mirrors one.',
      2,
    );
  }
  const realRoot = await realpath(root);

  /** Resolves an object name inside the folder, refusing anything that would leave it. */
  const pathOf = (name: string): string => {
    // The common case, cheaply: plain segments (no `.`, `..` or empty ones) cannot leave the folder.
    if (sep === '/' && PLAIN_NAME.test(name)) return `${realRoot}/${name}`;
    const path = resolve(realRoot, ...name.split('/'));
    const rel = relative(realRoot, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
      throw new UserError(`object name "${name}" is outside ${realRoot}`);
    return path;
  };

  /** Real paths of the folders files were read from (undefined: outside), so each file costs no path resolution. */
  const realDirs = new Map<string, string | undefined>();
  const inside = (real: string) => !relative(realRoot, real).startsWith('..');

  /**
   * Opens a file for reading only if it really lies inside the folder: its folder's real path must
   * (a name may pass through a symlink inside the folder), and the file itself must not be a
   * symlink, unless that link too leads inside.
   */
  const openInside = (path: string, name: string): number => {
    const dir = dirname(path);
    let realDir = realDirs.get(dir);
    if (realDir === undefined && !realDirs.has(dir)) {
      const real = realpathSync.native(dir);
      realDir = inside(real) ? real : undefined;
      if (realDirs.size >= 10_000) realDirs.clear();
      realDirs.set(dir, realDir);
    }
    if (realDir === undefined) throw new UserError(`object "${name}" links outside ${realRoot}`);
    const base = path.slice(dir.length + 1);
    try {
      return openSync(
        sep === '/' ? `${realDir === '/' ? '' : realDir}/${base}` : join(realDir, base),
        constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
      const real = realpathSync.native(path);
      if (!inside(real)) throw new UserError(`object "${name}" links outside ${realRoot}`);
      return openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    }
  };

  const open = (path: string, name: string): number => {
    try {
      return openInside(path, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PermanentFileError(`${path} no longer exists`);
      throw error;
    }
  };

  return {
    url: pathToFileURL(realRoot).href,
    bucket: realRoot,
    // 4, not 16: `status` over 100,000 files peaked at 250-254 MiB instead of 263-291, as fast.
    listConcurrency: 4,
    discoversTimes: true,
    async *list(prefix, signal) {
      // A prefix ending in `/` names a folder; otherwise list its parent and filter by name.
      const folder = prefix.endsWith('/') || prefix === '' ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const dir = folder === '' ? realRoot : pathOf(folder.slice(0, -1));
      if (dir !== realRoot && (await realpath(dir).catch(() => dir)) !== dir) {
        // A partition folder that is a symbolic link: its files would land under two paths.
        yield {
          name: folder.slice(0, -1),
          size: 0,
          generation: '0',
          updated: new Date(0).toISOString(),
          problem: 'is a symbolic link (not followed: a bucket holds plain folders)',
        };
        return;
      }
      // A problem naming the partition folder itself (unreadable) has no trailing `/`: it is kept.
      for await (const o of walkFolder(realRoot, dir, signal))
        if (o.name.startsWith(prefix) || `${o.name}/` === folder) yield o;
    },
    discover(prefix) {
      return discoverFolder(prefix === '' ? realRoot : pathOf(prefix.replace(/\/$/, '')), prefix);
    },
    read(name, generation) {
      const path = pathOf(name); // a name that leaves the folder is refused before anything is opened
      return (async function* () {
        yield* readFile(open(path, name), path, generation);
      })();
    },
    readWhole(name, generation, atMost) {
      const path = pathOf(name);
      return readWholeFile(open(path, name), path, generation, atMost);
    },
    filePath(name) {
      return pathOf(name);
    },
    isGeneration: isLocalGeneration,
  };
}

/** The local folder a `file:` URL names: refused (exit 2) when it names another host or encodes a `/`. */
function folderOfUrl(location: string): string {
  try {
    return fileURLToPath(location);
  } catch (error) {
    throw new UsageError(
      `--gcs-bucket ${location}: not a local folder (${(error as Error).message})`,
      'Give file:///PATH or a plain path; gs://BUCKET for a bucket.',
    );
  }
}

/** `/`-separated segments, none empty, `.` or `..`, and no NUL: joined to the root, it stays inside. */
const PLAIN_NAME = /^(?!\.\.?(?:\/|$))(?:[^/\0]+\/(?!\.\.?(?:\/|$)))*[^/\0]+$/;
