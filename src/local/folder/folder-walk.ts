import { lstatSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { join, sep } from 'node:path';
import type { SourceObject } from '../../ports/source.js';
import { generationOf } from './folder-read.js';
import { entryOf, listFolder } from './folder-listing.js';

/**
 * Lists a folder of a bucket mirror at any depth, in name order, as objects named relative to the
 * root. Nothing is skipped in silence: an entry that cannot be listed or read (a folder without
 * permission, a name that is not UTF-8, a path past the system's limit, a symbolic link, a FIFO,
 * a hidden folder) comes out with its `problem`, so the run reports it as a failed file. Only
 * dotfiles are left out: the temporaries a syncing mirror writes beside a file (rsync's
 * `.name.XXXXXX`) are not data.
 */
export async function* walkFolder(root: string, dir: string, signal?: AbortSignal): AsyncGenerator<SourceObject> {
  const state = { sinceYield: 0 };
  yield* walk(root, dir, state, signal);
}

async function* walk(
  root: string,
  dir: string,
  state: { sinceYield: number },
  signal?: AbortSignal,
): AsyncGenerator<SourceObject> {
  let entries: string[];
  try {
    entries = await listFolder(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // no such partition folder: nothing there
    yield problem(root, dir, `folder cannot be read (${reason(error)})`);
    return;
  }
  for (const listed of entries) {
    signal?.throwIfAborted();
    // The listing runs on microtasks alone between folders: let sockets and timers have a turn
    // (a ledger query's request to BigQuery stalled behind 100,000 synchronous lstats and timed out).
    if (++state.sinceYield >= 256) {
      state.sinceYield = 0;
      await setImmediate();
    }
    const { bytes, name, kind } = entryOf(listed);
    const full = sep === '/' ? (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`) : join(dir, name);
    // Bytes that are not UTF-8 decode to U+FFFD; only a name holding one is compared with its bytes.
    if (name.includes('\uFFFD') && !Buffer.from(name, 'utf8').equals(bytes())) {
      yield problem(root, full, `name is not UTF-8 (bytes ${bytes().toString('hex')}): rename it to ingest it`);
    } else if (name.startsWith('.')) {
      // A dotfile is a syncing mirror's temporary (rsync's `.name.XXXXXX`); a hidden folder is said.
      if (kind === 'folder')
        yield problem(root, full, 'is a hidden folder (not walked: rename it to ingest its files)');
    } else if (kind === 'folder') {
      yield* walk(root, full, state, signal);
    } else if (kind === 'file') {
      try {
        // Synchronous: a local lstat takes microseconds, a thread-pool round trip costs more than that.
        const s = lstatSync(full, { bigint: true });
        yield {
          name: nameOf(root, full),
          size: Number(s.size),
          generation: generationOf(s),
          updated: new Date(Number(s.mtimeMs)).toISOString(),
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          yield problem(root, full, `cannot be read (${reason(error)})`); // else deleted since
      }
    } else {
      yield problem(
        root,
        full,
        kind === 'link' ? 'is a symbolic link (not followed: a bucket holds plain files)' : 'is not a regular file',
      );
    }
  }
}

/** The object name of a path under the root: `/`-separated, relative. */
function nameOf(root: string, full: string): string {
  return full.slice(root.length + 1);
}

function problem(root: string, full: string, why: string): SourceObject {
  return { name: nameOf(root, full), size: 0, generation: '0', updated: new Date(0).toISOString(), problem: why };
}

/** An error's code and message, without the path it repeats. */
export function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code
    ? `${e.code}: ${e.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')}`
    : String(e.message ?? error);
}
