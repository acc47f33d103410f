import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runMain } from '../helpers/run-main.js';

// Issue 11, items 11 and 12: what cannot work is refused before any work, in one line, exit 2,
// and nothing is created.

const PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2024-03-01/event_time=0-8';

function setup() {
  const base = mkdtempSync(join(tmpdir(), 'refusals-'));
  const bucket = join(base, 'bucket');
  mkdirSync(join(bucket, ...PART.split('/')), { recursive: true });
  writeFileSync(join(bucket, ...PART.split('/'), 'f.json'), '{"eventClass":"c","eventId":"1"}\n');
  writeFileSync(join(base, 'plain-file'), '');
  return { base, bucket, records: join(base, 'runs') };
}
const select = ['-e', 'all', '-c', 'all', '-s', '2024-03-01', '-u', '2024-03-01', '--yes'];

describe('refused before any work', () => {
  it.each([
    [
      'a file:// URL naming another host',
      (b: string) => ['-b', `file://otherhost${b}`],
      /--gcs-bucket file:\/\/otherhost.*: not a local folder \(File URL host must be "localhost" or empty/,
    ],
    [
      'a file:// URL with an encoded /',
      (b: string) => ['-b', `file://${b}%2Fdata_type=json`],
      /not a local folder \(File URL path must not include encoded \/ characters\)/,
    ],
    [
      'a blank DuckDB path',
      (b: string) => ['-b', b, '-w', 'duckdb: '],
      /--warehouse "duckdb: ": no file named after duckdb:/,
    ],
    [
      'a DuckDB file inside the bucket',
      (b: string) => ['-b', b, '-w', `duckdb:${b}/w.duckdb`],
      /--warehouse duckdb:.* is inside the bucket folder/,
    ],
    [
      'a record folder inside the bucket',
      (b: string) => ['-b', b, '--record-dir', `${b}/runs`],
      /--record-dir .* is inside the bucket folder/,
    ],
    [
      'a record folder that is a file',
      (b: string) => ['-b', b, '--record-dir', join(b, '..', 'plain-file')],
      /is a file, not a folder/,
    ],
    [
      'a record folder where mkdir never ends (/proc)',
      (b: string) => ['-b', b, '--record-dir', '/proc/analytics-backfill/runs'],
      /--record-dir \/proc\/analytics-backfill\/runs: cannot create \/proc\/analytics-backfill \(ENOENT\)/,
    ],
  ])('%s', async (_what, args, message) => {
    const { base, bucket, records } = setup();
    const own = args(bucket);
    const defaults = [
      ...(own.includes('-w') ? [] : ['-w', `duckdb:${join(base, 'w.duckdb')}`]),
      ...(own.includes('--record-dir') ? [] : ['--record-dir', records]),
    ];
    const result = await runMain([...own, ...defaults, ...select]);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(existsSync(join(base, 'w.duckdb'))).toBe(false);
    expect(existsSync(records)).toBe(false);
    expect(readdirSync(bucket)).toEqual(['data_type=json']);
  });
});

describe('resuming from a run record that cannot be trusted', () => {
  async function recorded(edit: (lines: string[]) => string[]) {
    const { base, bucket, records } = setup();
    const first = await runCli([
      '-b',
      bucket,
      '-w',
      `duckdb:${join(base, 'w.duckdb')}`,
      '--record-dir',
      records,
      ...select,
    ]);
    expect(first.code).toBe(0);
    const [name] = readdirSync(records).filter((f) => f.endsWith('.ndjson') && !f.startsWith('.'));
    const path = join(records, name!);
    const { readFileSync } = await import('node:fs');
    writeFileSync(path, `${edit(readFileSync(path, 'utf8').trimEnd().split('\n')).join('\n')}\n`);
    return runMain(['--resume', path, '--record-dir', records, '--yes']);
  }

  it('refuses a record damaged in the middle, in one line', async () => {
    const result = await recorded((lines) => [lines[0]!, 'null', ...lines.slice(1)]);
    expect(result.stderr.trim()).toMatch(
      /^analytics-backfill: run record .* is damaged at line 2\. It cannot be resumed/,
    );
    expect(result.code).toBe(2);
  });

  it('checks the recorded request as its flags would be checked', async () => {
    const result = await recorded((lines) => {
      const header = JSON.parse(lines[0]!) as { request: { selection: { start: string } } };
      header.request.selection.start = '2024-02-30';
      return [JSON.stringify(header), ...lines.slice(1)];
    });
    expect(result.stderr.trim()).toBe('analytics-backfill: run record ' + result.stderr.trim().split('run record ')[1]);
    expect(result.stderr).toMatch(/holds a request that is not valid: --event-ds-start: "2024-02-30" is not a date/);
    expect(result.code).toBe(2);
  });
});

describe('a dry run', () => {
  it("writes nothing, not even Node's compile cache", async () => {
    const { base, bucket, records } = setup();
    const tmp = join(base, 'tmp'); // where Node puts its compile cache by default
    mkdirSync(tmp);
    const env = { TMPDIR: tmp, NODE_COMPILE_CACHE: undefined };
    const result = await runCli(
      ['-b', bucket, '-w', `duckdb:${join(base, 'w.duckdb')}`, '--record-dir', records, ...select, '--dry-run'],
      env,
    );
    expect(result.code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(records)).toBe(false);
    expect(existsSync(join(base, 'w.duckdb'))).toBe(false);
  });
});
