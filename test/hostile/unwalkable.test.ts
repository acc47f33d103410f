import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRows } from '../helpers/duckdb-query.js';
import { BIN, type CliResult } from '../helpers/run-cli.js';

// Issue 27, item 3: what cannot be walked above a partition (a symbolic link, a name that is not
// UTF-8 or not key=VALUE, a hidden or unreadable folder) is a failed entry with its reason,
// counted, and shown by status; never skipped in silence.

const ENV = 'data_type=json/analytics_environment=live';
const CAT = `${ENV}/event_category=c`;
const PART = `${CAT}/event_ds=2026-03-01/event_time=0-8`;

/** Root reads a mode-000 folder: the run is made as `nobody` then, so that folder is unreadable. */
const asNobody = process.getuid?.() === 0;

function bucketWithOddEntries() {
  const base = mkdtempSync(join(tmpdir(), 'unwalkable-'));
  chmodSync(base, 0o777);
  const bucket = join(base, 'bucket');
  const at = (rel: string) => join(bucket, ...rel.split('/'));
  mkdirSync(at(PART), { recursive: true });
  writeFileSync(join(at(PART), 'f.json'), '{"eventClass":"c","eventId":"1"}\n');
  // One per level above the partition, and one inside it.
  symlinkSync(at(ENV), at('data_type=json/analytics_environment=mirror'));
  mkdirSync(Buffer.concat([Buffer.from(`${at('data_type=json')}/analytics_environment=`), Buffer.from([0xff])]));
  mkdirSync(at(`${ENV}/event_category=`));
  symlinkSync(at(CAT), at(`${ENV}/event_category=linked`));
  symlinkSync(at(`${CAT}/event_ds=2026-03-01`), at(`${CAT}/event_ds=2026-03-02`));
  mkdirSync(Buffer.concat([Buffer.from(`${at(CAT)}/event_ds=2026-03-0`), Buffer.from([0xfe])]));
  mkdirSync(at(`${PART}/.sess`));
  writeFileSync(at(`${PART}/.sess/g.json`), '{"eventClass":"c","eventId":"2"}\n');
  const locked = at(`${CAT}/event_ds=2026-03-01/event_time=8-16`);
  mkdirSync(locked);
  writeFileSync(join(locked, 'h.json'), '{"eventClass":"c","eventId":"3"}\n');
  chmodSync(locked, 0o000);
  const everything = (dir: string) => execSyncQuiet('chmod', ['-R', 'a+rwX', '--', dir]);
  return { base, bucket, everything };
}

async function execSyncQuiet(cmd: string, args: string[]) {
  await new Promise((resolve) => spawn(cmd, args, { stdio: 'ignore' }).on('close', resolve));
}

/** The built CLI, as `nobody` when this runs as root (so mode 000 means unreadable). */
function cli(args: string[]): Promise<CliResult> {
  const [cmd, pre] = asNobody
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]]
    : [process.execPath, []];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ODD: [string, RegExp][] = [
  ['data_type=json/analytics_environment=mirror', /is a symbolic link/],
  [
    'data_type=json/analytics_environment=\ufffd',
    /name is not UTF-8 \(bytes 616e616c79746963735f656e7669726f6e6d656e743dff\)/,
  ],
  [`${ENV}/event_category=`, /is not a event_category=VALUE folder/],
  [`${ENV}/event_category=linked`, /is a symbolic link/],
  [`${CAT}/event_ds=2026-03-02`, /is a symbolic link/],
  [`${CAT}/event_ds=2026-03-0\ufffd`, /name is not UTF-8/],
  [`${CAT}/event_ds=2026-03-01/event_time=8-16`, /folder cannot be read \(EACCES/],
  [`${PART}/.sess`, /is a hidden folder/],
];

describe('nothing above a partition is skipped in silence', () => {
  it('a run into DuckDB fails each odd entry with its reason and lands the good file; status counts them', async () => {
    const { base, bucket, everything } = bucketWithOddEntries();
    try {
      const warehouse = join(base, 'w.duckdb');
      const select = ['-b', bucket, '-w', `duckdb:${warehouse}`, '--record-dir', join(base, 'runs')];
      const dates = ['-s', '2026-03-01', '-u', '2026-03-02'];
      const run = await cli([...select, '-e', 'all', '-c', 'all', ...dates, '--yes', '--json']);
      expect(run.stderr).toContain(`1 ingested, ${ODD.length} failed`);
      expect(run.code).toBe(1);
      const doc = JSON.parse(run.stdout) as {
        unwalkable: { name: string; problem: string }[];
        run: { counts: { ingested: number; failed: number }; failures: { name: string; error: string }[] };
      };
      expect(doc.run.counts).toMatchObject({ ingested: 1, failed: ODD.length });
      const failures = new Map(doc.run.failures.map((f) => [f.name, f.error]));
      for (const [name, why] of ODD) expect(failures.get(name), name).toMatch(why);
      expect(doc.unwalkable).toHaveLength(ODD.length - 2); // the two inside a date are listed with their partitions
      expect(await countRows(warehouse, 'events.events_function')).toBe(1);

      const status = await cli(['status', ...select, '-e', 'all', '-c', 'all', ...dates]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/not landed \(\d+ failed/);
      const said = status.stdout.replace(/\s+/g, ' ');
      for (const [name] of ODD.slice(0, 6)) expect(said).toContain(`Not in any partition, cannot be walked: ${name} `);

      // Named, a symbolic link is not a typo: it fails as what it is.
      const named = await cli([...select, '-e', 'mirror', '-c', 'all', ...dates, '--yes']);
      expect(named.code).toBe(1);
      expect(named.stdout).toMatch(/analytics_environment=mirror/);
      expect(named.stdout).toMatch(/1 failed/);
    } finally {
      await everything(base);
    }
  }, 60_000);
});
