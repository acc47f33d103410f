import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryOf, listFolder } from './folder-listing.js';

describe('listFolder', () => {
  it('lists every entry in byte order of its name, with its kind, a name that is not UTF-8 kept byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'listing-'));
    const names = ['b', 'a', 'a-1', 'a0', 'B', 'é', 'z\u0001', 'n\nl'];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    mkdirSync(join(dir, 'a.d'));
    symlinkSync('b', join(dir, 'ln'));
    const latin1 = Buffer.from([0x61, 0xff]); // "a" then a byte that is not UTF-8
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), latin1]), 'x');
    const listed = (await listFolder(dir)).map(entryOf);
    const expected = [...names, 'a.d', 'ln'].map((n) => Buffer.from(n)).concat([latin1]);
    expected.sort(Buffer.compare);
    expect(listed.map((e) => e.bytes())).toEqual(expected);
    const kinds = Object.fromEntries(listed.map((e) => [e.name, e.kind]));
    expect(kinds).toMatchObject({ a: 'file', 'a.d': 'folder', ln: 'link', é: 'file', 'n\nl': 'file' });
    expect(listed.find((e) => e.bytes().equals(latin1))!.name).toBe('a\uFFFD');
  });

  it('lists a folder of more entries than one run of reads, each once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'listing-'));
    const n = 10_000;
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${i}`), '');
    const listed = (await listFolder(dir)).map((l) => entryOf(l).name);
    expect(listed).toEqual(Array.from({ length: n }, (_, i) => `f${i}`).sort());
  });
});
