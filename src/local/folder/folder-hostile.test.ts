import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFolderSource } from './folder-source.js';

// A bucket mirror as hostile testing found them (issue 11, items 3, 4, 5, 9 and 11).

const PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8';

function bucket(): string {
  const dir = mkdtempSync(join(tmpdir(), 'folder-hostile-'));
  mkdirSync(join(dir, ...PART.split('/')), { recursive: true });
  return dir;
}
const put = (dir: string, name: string, text: string) => {
  mkdirSync(join(dir, ...name.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, ...name.split('/')), text);
};
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const text = async (it: AsyncIterable<Uint8Array>) =>
  Buffer.concat((await collect(it)).map((c) => Buffer.from(c))).toString();
const rootUser = process.getuid?.() === 0;

describe('folder source, hostile mirrors', () => {
  it('reads a file only as the version it listed: appended, truncated or replaced after listing, it fails whole', async () => {
    const dir = bucket();
    for (const f of ['a', 'b', 'c']) put(dir, `${PART}/${f}`, '{"n":1}\n{"n":2}\n');
    const source = await createFolderSource(dir);
    const listed = await collect(source.list(`${PART}/`));
    expect(listed.map((o) => o.name.split('/').pop())).toEqual(['a', 'b', 'c']);
    appendFileSync(join(dir, PART, 'a'), '{"n":3}\n');
    writeFileSync(join(dir, PART, 'b'), '{"n":1}\n');
    await expect(text(source.read(listed[0]!.name, listed[0]!.generation))).rejects.toThrow(
      /a changed since it was listed: nothing of it was written/,
    );
    await expect(text(source.read(listed[1]!.name, listed[1]!.generation))).rejects.toThrow(
      /changed since it was listed/,
    );
    expect(await text(source.read(listed[2]!.name, listed[2]!.generation))).toBe('{"n":1}\n{"n":2}\n');
    // Listed again, the new versions read whole.
    const again = await collect(source.list(`${PART}/`));
    expect(await text(source.read(again[0]!.name, again[0]!.generation))).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('leaves out the dotfiles a syncing mirror writes; stray key=value folders are no values, and are said', async () => {
    const dir = bucket();
    put(dir, `${PART}/f`, '{}\n');
    put(dir, `${PART}/.f.Xy12Ab`, '{"partial');
    put(
      dir,
      'data_type=json/analytics_environment=live/event_category=c/backup_event_ds=2026-03-01/event_time=0-8/f',
      '{}\n',
    );
    put(
      dir,
      'data_type=json/old_analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8/f',
      '{}\n',
    );
    const source = await createFolderSource(dir);
    expect((await collect(source.list(`${PART}/`))).map((o) => o.name.split('/').pop())).toEqual(['f']);
    const envs = await source.discover('data_type=json/');
    expect(envs.values).toEqual(['live']);
    expect(envs.problems.map((p) => [p.name, p.problem])).toEqual([
      [
        'data_type=json/old_analytics_environment=live',
        'is not a analytics_environment=VALUE folder: rename it to ingest it',
      ],
    ]);
    const dates = await source.discover('data_type=json/analytics_environment=live/event_category=c/');
    expect(dates.values).toEqual(['2026-03-01']);
    expect(dates.problems.map((p) => p.name.split('/').pop())).toEqual(['backup_event_ds=2026-03-01']);
  });

  it('reports what it cannot list or read, one entry each, instead of skipping it', async () => {
    const dir = bucket();
    put(dir, `${PART}/ok`, '{}\n');
    put(dir, `${PART}/locked/f`, '{}\n');
    if (!rootUser) chmodSync(join(dir, PART, 'locked'), 0o000);
    writeFileSync(
      Buffer.concat([Buffer.from(join(dir, PART, 'bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.json')]),
      '{}\n',
    );
    symlinkSync(join(dir, PART, 'ok'), join(dir, PART, 'link'));
    const source = await createFolderSource(dir);
    const listed = await collect(source.list(`${PART}/`));
    chmodSync(join(dir, PART, 'locked'), 0o755);
    const problems = Object.fromEntries(listed.map((o) => [o.name.slice(PART.length + 1), o.problem]));
    expect(problems.ok).toBeUndefined();
    expect(problems['bad-\uFFFD\uFFFD.json']).toMatch(/^name is not UTF-8 \(bytes 6261642dfffe2e6a736f6e\)/);
    expect(problems.link).toMatch(/symbolic link/);
    if (!rootUser) expect(problems.locked).toMatch(/folder cannot be read \(EACCES/);
  });

  it('does not follow a partition folder that is a symbolic link', async () => {
    const dir = bucket();
    put(dir, `${PART}/f`, '{}\n');
    const linked = PART.replace('0-8', '8-16');
    symlinkSync(join(dir, PART), join(dir, ...linked.split('/')));
    const source = await createFolderSource(dir);
    const listed = await collect(source.list(`${linked}/`));
    expect(listed).toEqual([
      expect.objectContaining({ name: linked, problem: expect.stringMatching(/symbolic link/) }),
    ]);
  });

  it('refuses a FIFO put in place of a listed file at once, instead of waiting on it', async () => {
    const dir = bucket();
    put(dir, `${PART}/f`, '{}\n');
    const source = await createFolderSource(dir);
    const [listed] = await collect(source.list(`${PART}/`));
    execFileSync('rm', [join(dir, PART, 'f')]);
    execFileSync('mkfifo', [join(dir, PART, 'f')]);
    await expect(text(source.read(listed!.name, listed!.generation))).rejects.toThrow(/not a regular file \(a FIFO/);
  });
});
