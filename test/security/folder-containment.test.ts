/**
 * Issue #6, security: a local source never reads outside its folder, whatever the object name
 * says (`..`, absolute paths, encoded dots) and wherever a symlink inside it points.
 */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFolderSource } from '../../src/local/folder/folder-source.js';

const PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8';

function setup() {
  const base = mkdtempSync(join(tmpdir(), 'contain-'));
  const root = join(base, 'bucket');
  mkdirSync(join(root, ...PART.split('/'), 's'), { recursive: true });
  writeFileSync(join(root, ...PART.split('/'), 's', 'inside'), '{"eventClass":"in"}\n');
  const outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'SECRET');
  writeFileSync(join(base, 'secret'), 'SECRET');
  return { base, root, outside };
}

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const text = async (it: AsyncIterable<Uint8Array>) =>
  Buffer.concat((await collect(it)).map((c) => Buffer.from(c))).toString();

describe('a folder source stays inside its folder', () => {
  it('refuses names whose .. segments leave it, before touching the disk', async () => {
    const { root } = setup();
    const source = await createFolderSource(root);
    for (const name of [
      '../secret',
      `${PART}/../../../../../../secret`,
      'data_type=json/../../secret',
      '..',
      '../bucket/../secret',
    ]) {
      expect(() => source.read(name), name).toThrow(/is outside/);
      expect(() => source.filePath(name), name).toThrow(/is outside/);
    }
    await expect(collect(source.list('../'))).rejects.toThrow(/is outside/);
  });

  it('reads names that only look like escapes as plain names inside it', async () => {
    const { root } = setup();
    const source = await createFolderSource(root);
    expect(source.filePath('/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(source.filePath('%2e%2e/secret')).toBe(join(root, '%2e%2e', 'secret'));
    await expect(collect(source.read('/etc/passwd'))).rejects.toThrow(/bucket\/etc\/passwd no longer exists/);
    expect(await text(source.read(`${PART}/s/../s/inside`))).toBe('{"eventClass":"in"}\n');
  });

  it('neither lists nor reads through a symlinked file or folder that points outside', async () => {
    const { root, outside, base } = setup();
    const dir = join(root, ...PART.split('/'), 's');
    symlinkSync(join(base, 'secret'), join(dir, 'file-link'));
    symlinkSync(outside, join(dir, 'dir-link'));
    symlinkSync(outside, join(root, 'data_type=json', 'analytics_environment=evil'));
    const source = await createFolderSource(root);
    // Listed as what they are (failed files with their reason, never followed); only the plain file is data.
    const listed = await collect(source.list(''));
    expect(listed.filter((o) => o.problem === undefined).map((o) => o.name)).toEqual([`${PART}/s/inside`]);
    expect(listed.filter((o) => o.problem !== undefined).map((o) => [o.name, o.problem])).toEqual(
      ['data_type=json/analytics_environment=evil', `${PART}/s/dir-link`, `${PART}/s/file-link`].map((n) => [
        n,
        expect.stringMatching(/^is a symbolic link/),
      ]),
    );
    const envs = await source.discover('data_type=json/');
    expect(envs.values).toEqual(['live']);
    expect(envs.problems.map((p) => [p.name, p.problem])).toEqual([
      ['data_type=json/analytics_environment=evil', expect.stringMatching(/^is a symbolic link/)],
    ]);
    await expect(collect(source.read(`${PART}/s/file-link`))).rejects.toThrow(/links outside/);
    await expect(collect(source.read(`${PART}/s/dir-link/secret`))).rejects.toThrow(/links outside/);
    await expect(collect(source.read('data_type=json/analytics_environment=evil/secret'))).rejects.toThrow(
      /links outside/,
    );
  });

  it('a folder that is itself a symlink is read through its real path, still contained', async () => {
    const { root, base } = setup();
    const link = join(base, 'bucket-link');
    symlinkSync(root, link);
    const source = await createFolderSource(link);
    expect(source.bucket).toBe(root);
    expect(await text(source.read(`${PART}/s/inside`))).toBe('{"eventClass":"in"}\n');
    expect(() => source.read('../outside/secret')).toThrow(/is outside/);
  });

  it('an unreadable file fails its read with the OS error, and nothing else is read instead', async () => {
    const { root } = setup();
    const path = join(root, ...PART.split('/'), 's', 'inside');
    chmodSync(path, 0o000);
    const source = await createFolderSource(root);
    const isRoot = process.getuid?.() === 0;
    if (isRoot)
      expect(await text(source.read(`${PART}/s/inside`))).toBe('{"eventClass":"in"}\n'); // root reads anyway
    else await expect(collect(source.read(`${PART}/s/inside`))).rejects.toThrow(/EACCES/);
  });
});
