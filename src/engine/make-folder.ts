import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

/**
 * Makes a folder and its missing parents, one level at a time, and checks a file can be written
 * in it. Node's `mkdirSync(…, { recursive: true })` loops for ever where `mkdir` keeps failing
 * with ENOENT (under /proc); here every failure is one line naming the flag, the folder and why.
 */
export function makeWritableFolder(dir: string, flag: string): string {
  const path = resolve(dir);
  const missing: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    const info = statOrUndefined(at, flag);
    if (info?.isDirectory()) break;
    if (info)
      throw new UsageError(
        `${flag} ${dir}: ${at} is a file, not a folder`,
        'Give a folder (it is created when missing).',
      );
    if (dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const at of missing) {
    try {
      mkdirSync(at);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST')
        throw new UsageError(
          `${flag} ${dir}: cannot create ${at} (${e.code ?? e.message})`,
          'Give a folder you can write to.',
        );
    }
  }
  const probe = resolve(path, `.write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new UsageError(
      `${flag} ${dir}: cannot write there (${e.code ?? e.message})`,
      'Give a folder you can write to.',
    );
  }
  return path;
}

function statOrUndefined(path: string, flag: string) {
  try {
    return statSync(path);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return undefined;
    throw new UsageError(`${flag}: cannot use ${path} (${e.code ?? e.message})`, 'Give a folder you can write to.');
  }
}
