import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSampleBucket, type SampleTally } from '../../src/demo/sample-bucket.js';
import { countRows, queryDuckDb } from '../helpers/duckdb-query.js';
import { runCli } from '../helpers/run-cli.js';
import { parseJsonOutput } from '../helpers/json-output.js';

let dir: string;
let bucket: string;
let tally: SampleTally;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
  bucket = join(dir, 'bucket');
  tally = writeSampleBucket(bucket, {
    environments: ['testing', 'staging', 'production'],
    categories: ['gameplay', 'store'],
    start: '2026-02-28',
    stop: '2026-03-04',
    times: ['0-8', '8-16', '16-24'],
    filesPerPartition: 2,
    eventsPerFile: 7,
    badEvery: 3,
    gzipEvery: 4,
    seed: 99,
  });
});

/** What the selection of the command covers, from what the generator wrote. */
function expected(envs: string[], dates: string[], times: string[]) {
  let files = 0;
  let events = 0;
  let rejected = 0;
  for (const [prefix, p] of tally.byPartition) {
    const m = /analytics_environment=([^/]+)\/event_category=[^/]+\/event_ds=([^/]+)\/event_time=([^/]+)\//.exec(
      prefix,
    );
    if (m && envs.includes(m[1]!) && dates.includes(m[2]!) && times.includes(m[3]!)) {
      files += p.files;
      events += p.events;
      rejected += p.rejected;
    }
  }
  return { files, events, rejected };
}

const selection = [
  '--analytics-environment',
  'testing,staging',
  '--event-category',
  'all',
  '--event-ds-start',
  '2026-03-01',
  '--event-ds-stop',
  '2026-03-03',
  '--event-time',
  '0-8,16-24',
];

describe('analytics-backfill into DuckDB', () => {
  it('ingests exactly the selected files, and a second run adds nothing', async () => {
    const db = join(dir, 'a.duckdb');
    const records = join(dir, 'runs-a');
    const want = expected(['testing', 'staging'], ['2026-03-01', '2026-03-02', '2026-03-03'], ['0-8', '16-24']);
    expect(want.files).toBe(48);

    const first = await runCli([
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      ...selection,
      '--record-dir',
      records,
      '--yes',
    ]);
    expect(first.stderr).not.toMatch(/failed|error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Matched ${want.files} files`);
    // The summary says what landed and what was rejected, and where, not only files.
    expect(first.stdout).toContain(`${want.events} events landed in events.events_function.`);
    expect(first.stdout).toMatch(
      new RegExp(`^${want.rejected} lines rejected into logs.events_debug_function, from \\d+ files`, 'm'),
    );
    expect(first.stdout.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(await countRows(db, 'events.events_function')).toBe(want.events);
    expect(await countRows(db, 'logs.events_debug_function')).toBe(want.rejected);
    // Two log rows per file: parse_initiated, then the ledger row.
    expect(await countRows(db, 'logs.events_logs_function')).toBe(want.files * 2);
    const outside = await queryDuckDb(
      db,
      "SELECT count(*) FROM events.events_function WHERE analytics_environment = 'production'",
    );
    expect(outside).toEqual([[0n]]);

    const second = await runCli([
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      ...selection,
      '--record-dir',
      records,
      '--yes',
      '--json',
    ]);
    expect(second.code).toBe(0);
    const summary = parseJsonOutput<{ totals: Record<string, number> }>(second.stdout);
    expect(summary.totals).toMatchObject({ files: want.files, landed: want.files, staged: 0, toSend: 0 });
    expect(await countRows(db, 'events.events_function')).toBe(want.events);
    expect(await countRows(db, 'logs.events_logs_function')).toBe(want.files * 2);
    // Nothing to send: no run, so no second run record (a daily job finding nothing leaves nothing).
    expect(readdirSync(records).filter((n) => !n.startsWith('.'))).toHaveLength(1);
    const third = await runCli([
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      ...selection,
      '--record-dir',
      records,
      '--yes',
    ]);
    expect(third.stdout).toContain('Nothing to send: every matched file is already ingested. No run was started.');
    expect(readdirSync(records).filter((n) => !n.startsWith('.'))).toHaveLength(1);
  });

  it('dry run previews without creating the warehouse or a run record', async () => {
    const db = join(dir, 'dry.duckdb');
    const records = join(dir, 'runs-dry');
    const result = await runCli([
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      ...selection,
      '--record-dir',
      records,
      '--dry-run',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const summary = parseJsonOutput<{ dryRun: boolean; totals: { toSend: number }; partitions: unknown[] }>(
      result.stdout,
    );
    expect(summary.dryRun).toBe(true);
    expect(summary.totals.toSend).toBe(48);
    expect(summary.partitions).toHaveLength(24);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(records)).toBe(false);
  });

  it('writes a run record that says what happened to every file', async () => {
    const db = join(dir, 'rec.duckdb');
    const records = join(dir, 'runs-rec');
    const result = await runCli([
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      ...selection,
      '--record-dir',
      records,
      '--yes',
      '--json',
    ]);
    expect(result.code).toBe(0);
    // --json says what landed too: events, rejected lines, and the files that lost the most.
    const want = expected(['testing', 'staging'], ['2026-03-01', '2026-03-02', '2026-03-03'], ['0-8', '16-24']);
    const { run } = parseJsonOutput(result.stdout) as {
      run: { rows: { events: number; rejectedLines: number; worst: unknown[] } };
    };
    expect(run.rows).toMatchObject({ events: want.events, rejectedLines: want.rejected });
    expect(run.rows.worst.length).toBeGreaterThan(0);
    const [file] = readdirSync(records);
    const { readRunRecord } = await import('../../src/engine/run-record.js');
    const record = readRunRecord(join(records, file!), records);
    expect(record.header.planned).toBe(48);
    expect(record.counts.ingested).toBe(48);
    expect(record.end?.interrupted).toBe(false);
  });

  const bad: [string, string[], RegExp][] = [
    ['an unknown flag', ['--gcs-bucket', 'B', '--bogus'], /unknown flag --bogus/],
    ['a bad date', ['--event-ds-start', '2026-13-01'], /--event-ds-start: "2026-13-01" is not a date/],
    [
      'stop before start',
      ['--event-ds-start', '2026-03-03', '--event-ds-stop', '2026-03-01'],
      /--event-ds-stop 2026-03-01 is before --event-ds-start 2026-03-03/,
    ],
    [
      'an environment the bucket does not hold',
      ['--analytics-environment', 'testin'],
      /--analytics-environment \(-e\): "testin" not in file:.* \(environments present: production, staging, testing\)\. Did you mean "testing"\?\n$/,
    ],
    [
      'a mistyped category',
      ['--event-category', 'gamepaly'],
      /--event-category \(-c\): "gamepaly" not in file:.*\(categories under testing present: gameplay, store\)\. Did you mean "gameplay"\?\n$/,
    ],
    [
      'a typo beside a good category',
      ['--event-category', 'gameplay,nosuch'],
      /--event-category \(-c\): "nosuch" not in .*\(categories under testing present: gameplay, store\)\. Choose from the values present, or all\.\n$/,
    ],
    ['an unknown time bucket', ['--event-time', '0-9'], /--event-time: unknown time bucket "0-9"/],
    [
      'a missing bucket folder',
      ['--gcs-bucket', '/nonexistent/bucket'],
      /--gcs-bucket: folder \/nonexistent\/bucket does not exist/,
    ],
    ['a missing choice', ['--event-category', ''], /--event-category/],
    ['a bad warehouse', ['--warehouse', 'sqlite:x'], /--warehouse: "sqlite:x"/],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what} with one line, exit 2, and nothing written`, async () => {
      const work = mkdtempSync(join(tmpdir(), 'cli-bad-'));
      const db = join(work, 'w.duckdb');
      const base: Record<string, string> = {
        '--gcs-bucket': bucket,
        '--warehouse': `duckdb:${db}`,
        '--analytics-environment': 'testing',
        '--event-category': 'all',
        '--event-ds-start': '2026-03-01',
        '--event-ds-stop': '2026-03-01',
      };
      for (let i = 0; i < args.length; i += 2) if (args[i + 1] !== undefined) base[args[i]!] = args[i + 1]!;
      const extra = args.length % 2 === 1 ? [args[args.length - 1]!] : [];
      const argv = [...Object.entries(base).flat(), ...extra, '--record-dir', join(work, 'runs'), '--yes'];
      const result = await runCli(argv);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
      expect(readdirSync(work)).toEqual([]);
    });
  }
});
