import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneFileBucket } from '../helpers/one-file-bucket.js';
import { runCli } from '../helpers/run-cli.js';

// Issue 27, item 5: --resume (and status, which reads every record) takes a regular file of
// bounded size, read a line at a time: a device, a FIFO or a giant line is refused in one line.

function setup() {
  const made = oneFileBucket('records-');
  mkdirSync(made.records);
  return made;
}

describe('run records are read bounded', () => {
  it.each([
    ['a link to /dev/zero', (path: string) => symlinkSync('/dev/zero', path), /is not a regular file/],
    ['a FIFO', (path: string) => execFileSync('mkfifo', [path]), /is not a regular file/],
    [
      'a 3 MiB line with no newline',
      (path: string) => writeFileSync(path, `{"type":"start","runId":"r","x":"${'a'.repeat(3 * 1024 * 1024)}"}`),
      /has a line longer than 1 MiB/,
    ],
  ])('--resume of %s is refused in one line, exit 2', async (_, make, why) => {
    const { records } = setup();
    make(join(records, 'r1.ndjson'));
    const r = await runCli(['--resume', 'r1', '--record-dir', records, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^analytics-backfill: run record .*r1\.ndjson /);
  });

  it('--resume of a record whose request has another shape says so, not a TypeError (issue 27, item 12)', async () => {
    const { bucket, records } = setup();
    writeFileSync(
      join(records, 'r1.ndjson'),
      `${JSON.stringify({ type: 'start', runId: 'r1', request: { bucket, selection: null } })}\n`,
    );
    const r = await runCli(['--resume', 'r1', '--record-dir', records, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'analytics-backfill: run record r1 holds a request that is not valid: its fields are not the shape a run ' +
        'record holds. Run the backfill again with its flags instead.',
    ]);
  });

  it('status passes over records that are no regular file, and still answers', async () => {
    const { base, bucket, records } = setup();
    symlinkSync('/dev/zero', join(records, 'z.ndjson'));
    execFileSync('mkfifo', [join(records, 'p.ndjson')]);
    const r = await runCli([
      'status',
      '-b',
      bucket,
      '-w',
      `duckdb:${join(base, 'none.duckdb')}`,
      '--record-dir',
      records,
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
    ]);
    // The warehouse does not exist: status says so (exit 2) after reading the records, not hanging on them.
    expect(r.stderr + r.stdout).toMatch(/none\.duckdb/);
    expect(r.code).toBe(2);
  });
});
