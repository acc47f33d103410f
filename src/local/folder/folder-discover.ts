import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import { levelKey, levelValue } from '../../core/layout/partition-layout.js';
import type { Discovery } from '../../ports/source.js';
import { reason } from './folder-walk.js';

/**
 * One level of a bucket mirror: the values of its `key=value` folders, and each entry there that
 * cannot be walked, with why. Only dotfiles are left out (a syncing mirror's temporaries), as in
 * a partition; a hidden folder is reported. The first level (`data_type=…/`) unreadable is a user
 * error: nothing below it can be listed.
 */
export async function discoverFolder(dir: string, prefix: string): Promise<Discovery> {
  const found: Discovery = { values: [], problems: [] };
  const key = levelKey(prefix) ?? 'key';
  const problem = (name: string, why: string, value?: string) =>
    found.problems.push({
      name: `${prefix}${name}`,
      size: 0,
      generation: '0',
      updated: new Date(0).toISOString(),
      problem: why,
      ...(value !== undefined ? { value } : {}),
    });
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return found;
    if (prefix.split('/').length <= 2) {
      throw new UserError(
        `folder ${dir} cannot be read (${reason(error)})`,
        'Check its permissions: every folder of the selection must be readable',
      );
    }
    found.problems.push({
      name: prefix.slice(0, -1),
      size: 0,
      generation: '0',
      updated: new Date(0).toISOString(),
      problem: `folder cannot be read (${reason(error)})`,
    });
    return found;
  }
  for (const entry of entries) {
    const name = entry.name.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(entry.name)) {
      problem(name, `name is not UTF-8 (bytes ${entry.name.toString('hex')}): rename it to ingest it`);
      continue;
    }
    const value = levelValue(prefix, name);
    if (name.startsWith('.')) {
      if (entry.isDirectory())
        problem(name, `is a hidden folder (not walked: a bucket holds ${key}=VALUE folders here)`);
    } else if (entry.isSymbolicLink()) {
      problem(name, 'is a symbolic link (not followed: a bucket holds plain folders)', value);
    } else if (!entry.isDirectory()) {
      problem(name, `is not a folder (a bucket holds ${key}=VALUE folders here)`, value);
    } else if (value === undefined) {
      problem(name, `is not a ${key}=VALUE folder: rename it to ingest it`);
    } else {
      found.values.push(value);
    }
  }
  found.values.sort();
  found.problems.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found;
}
