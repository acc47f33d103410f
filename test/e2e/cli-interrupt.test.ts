import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { countRows, queryDuckDb } from '../helpers/duckdb-query.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';
import { BY_FILE_SQL } from '../helpers/big-files.js';
import { bigRun } from '../helpers/big-run.js';

describe('an interrupted backfill', () => {
  it('stops on Ctrl-C, says how to resume, and the resume lands the rest without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-int-'));
    const bucket = join(dir, 'bucket');
    const tally = writeSampleBucket(bucket, {
      environments: ['testing'],
      categories: ['gameplay'],
      start: '2026-03-01',
      stop: '2026-03-10',
      times: ['0-8', '8-16', '16-24'],
      filesPerPartition: 150,
      eventsPerFile: 40,
      seed: 5,
    });
    const db = join(dir, 'w.duckdb');
    const records = join(dir, 'runs');
    const args = [
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      '--analytics-environment',
      'testing',
      '--event-category',
      'all',
      '--event-ds-start',
      '2026-03-01',
      '--event-ds-stop',
      '2026-03-10',
      '--record-dir',
      records,
      '--yes',
    ];

    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // As a shell reports it: a process that ends by SIGINT (as Ctrl-C ends it) exits 130.
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : null))),
    );
    const fileLines = () => {
      if (!existsSync(records)) return 0;
      const [name] = readdirSync(records).filter((n) => !n.startsWith('.')); // not a plan's journal
      return name
        ? readFileSync(join(records, name), 'utf8')
            .split('\n')
            .filter((l) => l.includes('"type":"file"')).length
        : 0;
    };
    await until(() => fileLines() >= 1); // the first group committed
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/Interrupted after .*: [\d,]+ ingested, [\d,]+ failed, [\d,]+ not sent/);
    const resume = /^Resume \(sends only what did not go out\):\nnpx analytics-backfill (.*)$/m.exec(stdout)?.[1];
    expect(resume).toBeDefined();
    const landed = await countRows(db, 'events.events_function');
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(tally.events);
    expect(landed % 40).toBe(0); // whole files only

    const resumed = await runCli(resume!.split(' '));
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(await countRows(db, 'events.events_function')).toBe(tally.events);
    const [[distinct]] = (await queryDuckDb(db, 'SELECT count(DISTINCT event_id) FROM events.events_function')) as [
      [bigint],
    ];
    expect(Number(distinct)).toBe(tally.events);
    expect(await countRows(db, 'logs.events_logs_function')).toBe(tally.files * 2);
  });

  it('stops within seconds in the middle of large files: the one being read is rolled back, the resume lands each event once', async () => {
    const { perFile, db, records, child, out, exited, sending } = bigRun('cli-int-big-');
    const FILES = perFile.length;
    await sending();
    await new Promise((r) => setTimeout(r, 2000)); // two seconds into sending
    const interruptedAt = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - interruptedAt).toBeLessThan(5000);
    expect(out.stderr).toContain('Stopping: no new files are sent');
    const notSent = Number(/([\d,]+) not sent/.exec(out.stdout)?.[1]?.replace(/,/g, ''));
    expect(notSent, out.stdout).toBeGreaterThan(0);
    // Whole files only: each file's events all there, or none.
    const byFile = (await queryDuckDb(db, BY_FILE_SQL)) as [number, bigint][];
    for (const [f, n] of byFile) expect(Number(n), `file f${f}`).toBe(perFile[f]);
    expect(byFile.length).toBeLessThan(FILES);
    const resume = /^Resume \(sends only what did not go out\):\nnpx analytics-backfill (.*)$/m.exec(out.stdout)?.[1];
    const resumed = await runCli(resume!.split(' '));
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const [[all, distinct]] = (await queryDuckDb(
      db,
      'SELECT count(*), count(DISTINCT event_id) FROM events.events_function',
    )) as [[bigint, bigint]];
    const total = perFile.reduce((a, b) => a + b, 0);
    expect([Number(all), Number(distinct)]).toEqual([total, total]);
    expect(readdirSync(records).filter((n) => n.startsWith('.plan-'))).toEqual([]);
  }, 180_000);

  it('a second Ctrl-C quits at once, printing the run and its resume command; no journal is left', async () => {
    const { perFile, db, records, child, out, exited, sending } = bigRun('cli-int-quit-');
    await sending();
    await new Promise((r) => setTimeout(r, 1000));
    // The second Ctrl-C as soon as the first is acknowledged: while the file being read is rolled back.
    const acknowledged = new Promise<void>((resolve) =>
      child.stderr.on('data', () => {
        if (out.stderr.includes('Stopping:')) resolve();
      }),
    );
    child.kill('SIGINT');
    await acknowledged;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(out.stderr).toMatch(/^Quit during run \S+; what went out is in \S+\.$/m);
    const resume = /^Resume \(sends only what did not go out\):\nnpx analytics-backfill (.*)$/m.exec(out.stderr)?.[1];
    expect(resume, out.stderr).toBeDefined();
    expect(readdirSync(records).filter((n) => n.startsWith('.plan-'))).toEqual([]);
    const resumed = await runCli(resume!.split(' '));
    expect(resumed.code, resumed.stderr).toBe(0);
    const byFile = (await queryDuckDb(db, BY_FILE_SQL)) as [number, bigint][];
    expect(byFile.map(([f, n]) => [f, Number(n)]).sort((a, b) => a[0]! - b[0]!)).toEqual(perFile.map((n, f) => [f, n]));
  }, 180_000);
});
