import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse-args.js';
import { defaultRecordDir } from '../../src/engine/run-record.js';
import { ONE_PART, oneFileBucket } from '../helpers/one-file-bucket.js';
import { runCli } from '../helpers/run-cli.js';
import { MiB, parseAll, repeated, stream } from './parse-stream.js';

// Issue 27, item 12: the smaller defects, each as an operator meets it.

function landed() {
  const { base, bucket, records } = oneFileBucket('small-');
  const where = ['-b', bucket, '-w', `duckdb:${join(base, 'w.duckdb')}`, '--record-dir', records];
  return { base, where };
}

describe('the smaller items', () => {
  it('a flag given twice is refused, naming both values (it silently took the last)', () => {
    expect(() => parseArgs(['-c', 'nope', '-c', 'c'], {})).toThrow(
      /^--event-category given twice \("nope", then "c"\)$/,
    );
    expect(() => parseArgs(['--event-category=a', '-c', 'b'], {})).toThrow(/given twice/);
  });

  it('an empty or relative XDG_STATE_HOME is ignored, as the XDG spec says (records landed in the current folder)', () => {
    const home = { HOME: '/home/op' };
    expect(defaultRecordDir({ ...home, XDG_STATE_HOME: '' })).toBe('/home/op/.local/state/analytics-backfill/runs');
    expect(defaultRecordDir({ ...home, XDG_STATE_HOME: 'state' })).toBe(
      '/home/op/.local/state/analytics-backfill/runs',
    );
    expect(defaultRecordDir({ ...home, XDG_STATE_HOME: '/s' })).toBe('/s/analytics-backfill/runs');
  });

  it('status maps a range of 9,999 years over the days that hold files, and a stop before 1970 alone', async () => {
    const { where } = landed();
    const run = await runCli([...where, '-e', 'all', '-c', 'all', '-s', '2026-03-01', '-u', '2026-03-01', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    const wide = await runCli(['status', ...where, '-s', '0001-01-01', '-u', '9999-12-31']);
    expect(wide.code, wide.stderr).toBe(0);
    expect(wide.stdout.replace(/\s+/g, ' ')).toContain(
      'The map shows 2026-03-01 to 2026-03-01, the days of the range that hold files',
    );
    expect(wide.stdout.split('\n').length).toBeLessThan(40);
    const early = await runCli(['status', ...where, '-u', '1969-12-31']);
    expect(early.stderr).toBe('');
    expect(early.code).toBe(0);
    expect(early.stdout).toContain('1969-12-31 to 1969-12-31');
  });

  it('status --partition marks no file when files in other partitions share its last two name segments', async () => {
    const { base, where } = landed();
    // The same event_time=0-8/f.json under another day: both files' events land under one batch id.
    const other = ONE_PART.replace('2026-03-01', '2026-03-02');
    cpSync(join(base, 'bucket', ...ONE_PART.split('/')), join(base, 'bucket', ...other.split('/')), {
      recursive: true,
    });
    const run = await runCli([...where, '-e', 'all', '-c', 'all', '-s', '2026-03-01', '-u', '2026-03-02', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    const partition = ['status', ...where, '--partition', 'live/c/2026-03-01/0-8'];
    const clean = await runCli(partition);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/landed +\S+ B +1\/1 ev 0\/0 dbg +f\.json/);
    expect(clean.stdout).not.toContain('!');
    // One of the two events lost: the shared batch is short, and that is still said.
    const db = await DuckDBInstance.create(join(base, 'w.duckdb'));
    const c = await db.connect();
    await c.run('DELETE FROM events.events_function WHERE rowid = (SELECT min(rowid) FROM events.events_function)');
    c.closeSync();
    db.closeSync();
    const short = await runCli(partition);
    expect(short.stdout).toMatch(/0\/1 ev 0\/0 dbg !/);
  });
});

describe('a blank line longer than a line may be (issue 27, item 12)', () => {
  it('is skipped as any blank line is, not a debug row; a long line of text after spaces still is one', async () => {
    const ok = (id: string) => `{"eventClass":"ok","eventId":"${id}"}\n`;
    const blank = await parseAll(stream(ok('a'), repeated(' \t', 20 * MiB), '\n', ok('b')));
    expect(blank.debugCount).toBe(0);
    expect(blank.events.map((e) => e.event_id)).toEqual(['a', 'b']);
    const spacesThenText = await parseAll(stream(ok('a'), repeated(' ', 20 * MiB), 'x\n', ok('b')));
    expect(spacesThenText.debugCount).toBe(1);
    expect(spacesThenText.eventCount).toBe(2);
  });
});

describe('a record folder on a full disk (issue 27, item 12: ENOSPC without a path)', () => {
  it.runIf(process.getuid?.() === 0)(
    'is refused in one line naming the folder; nothing is created or sent',
    async () => {
      const { base, bucket } = oneFileBucket('full-records-');
      const disk = mkdtempSync(join(tmpdir(), 'full-disk-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk], { stdio: 'ignore' });
      try {
        try {
          for (let i = 0; ; i++) writeFileSync(join(disk, `filler-${i}`), Buffer.alloc(4096));
        } catch {
          // full
        }
        const db = join(base, 'w.duckdb');
        const r = await runCli(
          ['-b', bucket, '-w', `duckdb:${db}`, '--record-dir', disk, '-e', 'all', '-c', 'all'].concat([
            '-s',
            '2026-03-01',
            '-u',
            '2026-03-01',
            '--yes',
          ]),
        );
        expect(r.code).toBe(1);
        const said = r.stderr.trim().split('\n');
        expect(said).toEqual([
          `analytics-backfill: --record-dir ${disk}: the plan's list of files cannot be written (ENOSPC). ` +
            'Free space there, or give another --record-dir. Nothing was sent.',
        ]);
        expect(existsSync(db)).toBe(false);
      } finally {
        execFileSync('umount', [disk]);
      }
    },
  );
});
