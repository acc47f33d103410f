import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/core/present/format.js';
import { runMain } from '../helpers/run-main.js';

function bucketOf(files: number): { base: string; args: string[] } {
  const base = mkdtempSync(join(tmpdir(), 'limits-'));
  const part = join(
    base,
    'bucket',
    'data_type=json',
    'analytics_environment=live',
    'event_category=c',
    'event_ds=2026-03-01',
    'event_time=0-8',
  );
  mkdirSync(part, { recursive: true });
  for (let i = 0; i < files; i++)
    writeFileSync(
      join(part, `f${i}`),
      `${JSON.stringify({ eventClass: 'c', eventId: `e${i}`, pad: 'x'.repeat(100) })}\n`,
    );
  const args = [
    '-b',
    join(base, 'bucket'),
    '-w',
    `duckdb:${join(base, 'w.duckdb')}`,
    '-e',
    'live',
    '-c',
    'c',
    '-s',
    '2026-03-01',
    '-u',
    '2026-03-01',
    '--record-dir',
    join(base, 'runs'),
  ];
  return { base, args };
}

const records = (base: string) => (existsSync(join(base, 'runs')) ? readdirSync(join(base, 'runs')) : []);

describe('--max-files and --max-bytes', () => {
  it.each([
    [['--max-files', '2'], 'this backfill would send 3 files, more than --max-files 2: nothing was sent'],
    [['--max-bytes', '300B'], 'this backfill would send 429 B, more than --max-bytes 300 B: nothing was sent'],
  ])(
    'refuse a run over the limit once the preview is shown: exit 2, one line, nothing created (%j)',
    async (limit, line) => {
      const { base, args } = bucketOf(3);
      const r = await runMain([...args, ...limit, '--yes']);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('To send: 3 files');
      expect(r.stderr.trim()).toBe(
        `analytics-backfill: ${line}. Narrow the selection (dates, environments, categories, time buckets), or raise the limit.`,
      );
      expect(existsSync(join(base, 'w.duckdb'))).toBe(false);
      expect(records(base)).toEqual([]);
    },
  );

  it('a run within the limits lands as usual', async () => {
    const { base, args } = bucketOf(3);
    const r = await runMain([...args, '--max-files', '3', '--max-bytes', '1KB', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Done in');
    expect(r.stdout).toContain('Cost on Google Cloud: none (a folder into DuckDB stays on this machine).');
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(
      /Time: about \d+s to read, parse and write into DuckDB \(reading and parsing timed on 3 of its files/,
    );
    expect(existsSync(join(base, 'w.duckdb'))).toBe(true);
  });

  it('sizes read as operators write them, and nonsense is refused', async () => {
    expect([
      parseBytes('5000'),
      parseBytes('20MB'),
      parseBytes('1.5GiB'),
      parseBytes('2 tb'),
      parseBytes('512KiB'),
    ]).toEqual([5000, 20_000_000, 1.5 * 2 ** 30, 2e12, 512 * 1024]);
    expect([parseBytes('lots'), parseBytes('5iB'), parseBytes('-1MB'), parseBytes('')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const { args } = bucketOf(1);
    const r = await runMain([...args, '--max-bytes', 'lots', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-bytes: "lots" is not a size');
  });
});
