import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFolderSource } from './folder-source.js';

function bucket(): string {
  const dir = mkdtempSync(join(tmpdir(), 'folder-source-'));
  const put = (name: string, text: string) => {
    const path = join(dir, ...name.split('/'));
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  put('data_type=json/analytics_environment=testing/event_category=a/event_ds=2026-03-01/event_time=0-8/s1/f1', 'one');
  put(
    'data_type=json/analytics_environment=testing/event_category=a/event_ds=2026-03-01/event_time=0-8/s1/deep/f2',
    'two!',
  );
  put('data_type=json/analytics_environment=testing/event_category=a/event_ds=2026-03-01/event_time=0-8x/s1/f3', 'no');
  put('data_type=json/analytics_environment=staging/event_category=b/event_ds=2026-03-02/event_time=8-16/s/f', 'x');
  return dir;
}

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('folder source', () => {
  it('lists objects at any depth under a partition, and nothing outside it', async () => {
    const source = await createFolderSource(bucket());
    const names = (
      await collect(
        source.list(
          'data_type=json/analytics_environment=testing/event_category=a/event_ds=2026-03-01/event_time=0-8/',
        ),
      )
    ).map((o) => o.name);
    expect(names).toEqual([
      'data_type=json/analytics_environment=testing/event_category=a/event_ds=2026-03-01/event_time=0-8/s1/deep/f2',
      'data_type=json/analytics_environment=testing/event_category=a/event_ds=2026-03-01/event_time=0-8/s1/f1',
    ]);
  });

  it('gives size and a generation that changes when the file does', async () => {
    const dir = bucket();
    const source = await createFolderSource(pathToFileURL(dir).href);
    const [first] = await collect(source.list('data_type=json/analytics_environment=staging/'));
    expect(first?.size).toBe(1);
    expect(first?.generation).toMatch(/^\d+:1$/); // modification time in µs, then the size
  });

  it('discovers the values of the next level', async () => {
    const source = await createFolderSource(bucket());
    expect(await source.discover('data_type=json/')).toEqual({ values: ['staging', 'testing'], problems: [] });
    expect((await source.discover('data_type=json/analytics_environment=testing/')).values).toEqual(['a']);
    expect(await source.discover('data_type=json/analytics_environment=nope/')).toEqual({ values: [], problems: [] });
  });

  it('reads bytes and refuses names that leave the folder', async () => {
    const dir = bucket();
    const source = await createFolderSource(dir);
    const chunks = await collect(
      source.read(
        'data_type=json/analytics_environment=staging/event_category=b/event_ds=2026-03-02/event_time=8-16/s/f',
      ),
    );
    expect(Buffer.concat(chunks.map((c) => Buffer.from(c))).toString()).toBe('x');
    expect(() => source.read('../etc/passwd')).toThrow(/outside/);
    expect(() => source.read('data_type=json/../../x')).toThrow(/outside/);
  });

  it('does not follow symlinks out of the folder', async () => {
    const dir = bucket();
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret'), 'secret');
    symlinkSync(outside, join(dir, 'data_type=json', 'analytics_environment=staging', 'link'));
    const source = await createFolderSource(dir);
    const names = (await collect(source.list('data_type=json/'))).map((o) => o.name);
    expect(names.some((n) => n.includes('secret'))).toBe(false);
    await expect(collect(source.read('data_type=json/analytics_environment=staging/link/secret'))).rejects.toThrow(
      /links outside/,
    );
  });

  it('names a missing folder in a usage error, and a file given for a folder as a file', async () => {
    await expect(createFolderSource('/nonexistent/bucket')).rejects.toThrow(
      /--gcs-bucket: folder \/nonexistent\/bucket does not exist/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'folder-file-')), 'events.ndjson');
    writeFileSync(file, '{}\n');
    await expect(createFolderSource(file)).rejects.toThrow(`--gcs-bucket: ${file} is a file, not a folder`);
  });
});
