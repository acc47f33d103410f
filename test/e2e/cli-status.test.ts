import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-main.js';

const dir = (b: string, env: string, ds: string, time: string) =>
  join(b, 'data_type=json', `analytics_environment=${env}`, 'event_category=c', `event_ds=${ds}`, `event_time=${time}`);

function put(b: string, env: string, ds: string, time: string, name: string, events = 1): void {
  mkdirSync(dir(b, env, ds, time), { recursive: true });
  const lines = Array.from({ length: events }, (_, i) => JSON.stringify({ eventClass: 'c', eventId: `${name}-${i}` }));
  writeFileSync(join(dir(b, env, ds, time), name), `${lines.join('\n')}\n`);
}

describe('analytics-backfill status', () => {
  it('maps a known mix exactly: landed, partly landed, changed since, never ingested, no files; and writes nothing', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-'));
    const b = join(base, 'bucket');
    const w = join(base, 'w.duckdb');
    const runs = join(base, 'runs');
    put(b, 'live', '2026-03-01', '0-8', 'a', 3);
    put(b, 'live', '2026-03-01', '0-8', 'b');
    put(b, 'live', '2026-03-01', '8-16', 'c');
    put(b, 'live', '2026-03-02', '0-8', 'd');
    put(b, 'testing', '2026-03-02', '16-24', 'e');
    put(b, 'testing', '2026-03-02', '16-24', 'f');
    put(b, 'testing', '2026-03-02', '16-24', 'g');
    const landed = await runMain([
      '-b',
      b,
      '-w',
      `duckdb:${w}`,
      '-e',
      'live',
      '-c',
      'c',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-02',
      '--record-dir',
      runs,
      '--yes',
    ]);
    expect(landed.code, landed.stderr).toBe(0);
    put(b, 'live', '2026-03-01', '8-16', 'c2'); // a new file beside a landed one
    const changed = join(dir(b, 'live', '2026-03-02', '0-8'), 'd');
    writeFileSync(changed, '{"eventClass":"c","eventId":"d-new"}\n'); // a new version of a landed file
    utimesSync(changed, new Date('2026-03-05T00:00:00Z'), new Date('2026-03-05T00:00:00Z'));
    const before = statSync(w).mtimeMs;
    const records = readdirSync(runs).length;

    const args = ['status', '-b', b, '-w', `duckdb:${w}`, '-s', '2026-03-01', '-u', '2026-03-03', '--record-dir', runs];
    const json = await runMain([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as { partitions: Record<string, unknown>[]; totals: Record<string, number> };
    const cells = status.partitions.map(
      (p) =>
        `${p.environment} ${p.ds} ${p.time}: ${p.files} files, ${p.landed} landed, ${p.missing} missing, ${p.state}`,
    );
    expect(cells).toEqual([
      'live 2026-03-01 0-8: 2 files, 2 landed, 0 missing, landed',
      'live 2026-03-01 8-16: 2 files, 1 landed, 1 missing, partial',
      'live 2026-03-02 0-8: 1 files, 0 landed, 1 missing, missing',
      'testing 2026-03-02 16-24: 3 files, 0 landed, 3 missing, missing',
    ]);
    expect(status.totals).toMatchObject({ files: 8, landed: 3, staged: 0, missing: 5 });

    const text = await runMain(args, { NO_COLOR: '1' });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('live'))).toBe('live    #+. -.. ...');
    expect(lines.find((l) => l.startsWith('testing'))).toBe('testing ... ..- ...');
    expect(text.stdout).toContain('8 files (');
    expect(text.stdout).toContain('3 landed, 0 staged, 5 not landed.');
    expect(text.stdout).not.toContain('\u001B[');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);

    // Drilling down to one partition: each file and its state.
    const drill = await runMain([...args, '--partition', 'live/c/2026-03-01/8-16']);
    expect(drill.code, drill.stderr).toBe(0);
    expect(
      drill.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.replace(/\s+/g, ' ')),
    ).toEqual([
      'landed 35 B c',
      'missing 36 B c2',
      '2 files in live/c/2026-03-01/8-16: 1 landed, 0 staged, 1 not landed, 0 unreadable.',
    ]);
    const bad = await runMain([...args, '--partition', 'live/c/2026-03-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not ENVIRONMENT/CATEGORY/YYYY-MM-DD/TIME');

    // Read only: the DuckDB file untouched, no run record, no journal.
    expect(statSync(w).mtimeMs).toBe(before);
    expect(readdirSync(runs)).toHaveLength(records);
  });

  it('on a bucket never ingested into a file that does not exist: everything not landed, and no file created', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-'));
    const b = join(base, 'bucket');
    put(b, 'live', '2026-03-01', '0-8', 'a');
    const w = join(base, 'none.duckdb');
    const r = await runMain(['status', '-b', b, '-w', `duckdb:${w}`, '-s', '2026-03-01', '-u', '2026-03-01', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals).toMatchObject({ files: 1, landed: 0, missing: 1 });
    expect(existsSync(w)).toBe(false);
  });

  it('refuses what would write, in one line, exit 2', async () => {
    const r = await runMain(['status', '-b', '/nowhere', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('status only reads');
  });
});
