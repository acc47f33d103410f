import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { BY_FILE_SQL } from '../helpers/big-files.js';
import { bigRun } from '../helpers/big-run.js';
import { countRows, queryDuckDb } from '../helpers/duckdb-query.js';
import { BIN, runCli } from '../helpers/run-cli.js';

// Issue 27, items 6 and 7: SIGTERM and SIGHUP (timeout, systemd, Kubernetes, a closed terminal)
// and a closed stdout (`| head`) end a run as Ctrl-C does: one line, the summary and its resume
// command, no journal left, a documented exit, never Node's stack or a native abort.

describe('a run stopped from outside', () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s stops it: the summary and resume command, no journal, whole files, ended by that signal',
    async (signal) => {
      const { perFile, db, records, child, out, ended, sending } = bigRun(`cli-${signal}-`);
      await sending();
      await new Promise((r) => setTimeout(r, 1000));
      child.kill(signal);
      const { code, signal: by } = await ended;
      expect([code, by]).toEqual([null, signal]); // a shell says 143 (SIGTERM) or 129 (SIGHUP)
      expect(out.stderr).toContain(`Stopping (${signal}): no new files are sent`);
      expect(out.stderr).not.toMatch(/at .*\.js:\d+|Napi::Error|terminate called/);
      expect(out.stdout).toMatch(/^Interrupted after .*not sent/m);
      const resume = /^Resume \(sends only what did not go out\):\nnpx analytics-backfill (.*)$/m.exec(out.stdout)?.[1];
      expect(resume).toBeDefined();
      expect(readdirSync(records).filter((n) => n.startsWith('.plan-'))).toEqual([]);
      const byFile = (await queryDuckDb(db, BY_FILE_SQL)) as [number, bigint][];
      for (const [f, n] of byFile) expect(Number(n), `file f${f}`).toBe(perFile[f]);
      const resumed = await runCli(resume!.split(' '));
      expect(resumed.code, resumed.stderr).toBe(0);
      const total = perFile.reduce((a, b) => a + b, 0);
      expect(await countRows(db, 'events.events_function')).toBe(total);
    },
    120_000,
  );

  it('stdout closed by its reader (| head -2): exit 141, one line on stderr, the run recorded whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-epipe-'));
    const bucket = join(dir, 'bucket');
    const tally = writeSampleBucket(bucket, {
      environments: ['testing'],
      categories: ['gameplay'],
      start: '2026-03-01',
      stop: '2026-03-02',
      times: ['0-8'],
      filesPerPartition: 40,
      eventsPerFile: 10,
      seed: 3,
    });
    const db = join(dir, 'w.duckdb');
    const records = join(dir, 'runs');
    const args = ['-b', bucket, '-w', `duckdb:${db}`, '-e', 'all', '-c', 'all', '-s', '2026-03-01'];
    const child = spawn(process.execPath, [BIN, ...args, '-u', '2026-03-02', '--record-dir', records, '--yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -2`: read the first lines, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code, stderr).toBe(141);
    expect(stderr).toMatch(/stdout closed/);
    expect(stderr).not.toMatch(/EPIPE.*\n\s+at |Napi::Error|terminate called|Unhandled/);
    expect(readdirSync(records).filter((n) => n.startsWith('.plan-'))).toEqual([]);
    // Whatever went out before the stop is whole; a resume of the same flags lands the rest, once.
    const again = await runCli([...args, '-u', '2026-03-02', '--record-dir', records, '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(await countRows(db, 'events.events_function')).toBe(tally.events - tally.rejected);
  }, 60_000);
});
