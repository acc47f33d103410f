import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { generationOf } from '../../src/local/folder/folder-read.js';
import { runMain } from '../helpers/run-main.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { spawn } from 'node:child_process';
import { parseJsonLines, parseJsonOutput } from '../helpers/json-output.js';

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
    // One event of file a lost from the warehouse after it landed (reconciliation must see it).
    const db = await DuckDBInstance.create(w);
    const c = await db.connect();
    await c.run("DELETE FROM events.events_function WHERE event_id = 'a-1'");
    c.closeSync();
    db.closeSync();
    const before = statSync(w).mtimeMs;
    const records = readdirSync(runs).length;

    const args = ['status', '-b', b, '-w', `duckdb:${w}`, '-s', '2026-03-01', '-u', '2026-03-03', '--record-dir', runs];
    const json = await runMain([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const status = parseJsonOutput(json.stdout) as {
      partitions: Record<string, unknown>[];
      totals: Record<string, number>;
    };
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
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(
      '3 landed (0 with lines rejected), 0 staged, 5 not landed (none failed).',
    );
    // What to run next, as a command that runs: the backfill's preview, sending the 5 not landed.
    const next = /^To backfill what is not landed.*:\nnpx analytics-backfill (.* --dry-run)$/m.exec(text.stdout)?.[1];
    expect(next).toBeDefined();
    const preview = await runCli(next!.split(' '));
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('To send: 5 files');
    expect(text.stdout).not.toContain('\u001B[');
    // Within 80 columns, but for the command, one line to copy.
    expect(Math.max(...lines.filter((l) => !l.startsWith('npx ')).map((l) => l.length))).toBeLessThanOrEqual(80);

    // Drilling down to one partition: each file and its state.
    const drill = await runMain([...args, '--partition', 'live/c/2026-03-01/8-16']);
    expect(drill.code, drill.stderr).toBe(0);
    expect(
      drill.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.replace(/\s+/g, ' ')),
    ).toEqual([
      'state size landed/parsed file',
      'landed 35 B 1/1 ev 0/0 dbg c',
      'missing 36 B c2',
      '2 files in live/c/2026-03-01/8-16: 1 landed, 0 staged, 1 not landed, 0 failed, 0',
      'unreadable. Of the landed: 1 hold exactly what their ledger row says was parsed.',
    ]);
    // Reconciled against the ledger: file a lost an event after it landed.
    const lost = await runMain([...args, '--partition', 'live/c/2026-03-01/0-8', '--json']);
    const files = parseJsonLines(lost.stdout);
    expect(files.map((f) => [f.name, f.parsed, f.found, f.matches])).toEqual([
      ['a', { events: 3, debug: 0 }, { events: 2, debug: 0 }, false],
      ['b', { events: 1, debug: 0 }, { events: 1, debug: 0 }, true],
    ]);
    const bad = await runMain([...args, '--partition', 'live/c/2026-03-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not ENVIRONMENT/CATEGORY/YYYY-MM-DD/TIME');
    const typo = await runMain([...args, '--partition', 'live/cc/2026-03-01/0-8']);
    expect([typo.code, typo.stdout]).toEqual([2, '']);
    expect(typo.stderr).toContain('--partition "live/cc/2026-03-01/0-8": category under live "cc" is not in');
    expect(typo.stderr).toContain('Did you mean "c"?');

    // Read only: the DuckDB file untouched, no run record, no journal.
    expect(statSync(w).mtimeMs).toBe(before);
    expect(readdirSync(runs)).toHaveLength(records);
  });

  it('maps failed files and landed files with rejected lines, and names each failure when drilling down', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-'));
    const b = join(base, 'bucket');
    const w = join(base, 'w.duckdb');
    const runs = join(base, 'runs');
    put(b, 'live', '2026-03-01', '0-8', 'clean');
    put(b, 'live', '2026-03-01', '0-8', 'rejects');
    writeFileSync(join(dir(b, 'live', '2026-03-01', '0-8'), 'rejects'), '{"eventClass":"c","eventId":"r"}\nnot json\n');
    put(b, 'live', '2026-03-01', '8-16', 'fine');
    mkdirSync(dir(b, 'live', '2026-03-01', '16-24'), { recursive: true });
    execFileSync('mkfifo', [join(dir(b, 'live', '2026-03-01', '16-24'), 'pipe')]); // unreadable: fails every run
    put(b, 'live', '2026-03-01', '16-24', 'ok');
    const sel = ['-e', 'live', '-c', 'c', '-s', '2026-03-01', '-u', '2026-03-01', '--record-dir', runs];
    const run = await runMain(['-b', b, '-w', `duckdb:${w}`, ...sel, '--yes']);
    expect(run.code).toBe(1); // the pipe failed
    // A file that failed in an earlier run for a reason of the moment (a record line as a run
    // writes it), and has not landed since.
    put(b, 'live', '2026-03-01', '8-16', 'late');
    const late = `${dir(b, 'live', '2026-03-01', '8-16').slice(b.length + 1)}/late`;
    const generation = generationOf(statSync(join(b, late), { bigint: true }));
    const source = `file://${realpathSync(b)}`;
    writeFileSync(
      join(runs, '20000101-000000-0000.ndjson'),
      `${JSON.stringify({ type: 'start', runId: '20000101-000000-0000', source })}\n` +
        `${JSON.stringify({ type: 'file', name: late, generation, status: 'failed', error: 'quota exceeded' })}\n`,
    );

    const args = ['status', '-b', b, '-w', `duckdb:${w}`, '-s', '2026-03-01', '-u', '2026-03-01', '--record-dir', runs];
    const json = await runMain([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const status = parseJsonOutput(json.stdout) as {
      partitions: Record<string, unknown>[];
      totals: Record<string, number>;
    };
    expect(
      status.partitions.map((p) => `${p.time}: ${p.files} ${p.landed} ${p.failed} ${p.rejecting} ${p.state}`),
    ).toEqual(['0-8: 2 2 0 1 rejecting', '8-16: 2 1 1 0 failed', '16-24: 2 1 1 0 failed']);
    expect(status.totals).toMatchObject({ files: 6, landed: 4, missing: 2, failed: 2, rejecting: 1 });
    const text = await runMain(args, { NO_COLOR: '1' });
    expect(text.stdout.split('\n').find((l) => l.startsWith('live'))).toBe('live *!!');
    expect(text.stdout).toContain('! a file failed');
    const drill = await runMain([...args, '--partition', 'live/c/2026-03-01/8-16']);
    expect(drill.stdout).toMatch(/^failed .* late\n +quota exceeded$/m);
    const pipe = await runMain([...args, '--partition', 'live/c/2026-03-01/16-24', '--json']);
    const files = parseJsonLines(pipe.stdout);
    expect(files.map((f) => [f.name, f.state, f.error])).toEqual([
      ['ok', 'landed', undefined],
      ['pipe', 'unreadable', 'is not a regular file'],
    ]);
  });

  it('a backfill of --cells lands exactly those cells, every category of each, and status shows it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-'));
    const b = join(base, 'bucket');
    const w = join(base, 'w.duckdb');
    for (const env of ['live', 'testing'])
      for (const ds of ['2026-03-01', '2026-03-02'])
        for (const time of ['0-8', '8-16', '16-24']) put(b, env, ds, time, `${env}-${ds}-${time}`);
    const other = join(b, 'data_type=json', 'analytics_environment=live', 'event_category=d', 'event_ds=2026-03-02');
    mkdirSync(join(other, 'event_time=8-16'), { recursive: true });
    writeFileSync(join(other, 'event_time=8-16', 'd1'), '{"eventClass":"d","eventId":"d1"}\n');
    const cells = 'live/2026-03-02/8-16,testing/2026-03-01/0-8';
    const run = await runMain([
      '-b',
      b,
      '-w',
      `duckdb:${w}`,
      '-c',
      'all',
      '--cells',
      cells,
      '--record-dir',
      join(base, 'runs'),
      '--yes',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = await runMain([
      'status',
      '-b',
      b,
      '-w',
      `duckdb:${w}`,
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-02',
      '--json',
    ]);
    const landed = (parseJsonOutput(json.stdout) as { partitions: Record<string, unknown>[] }).partitions
      .filter((p) => (p.landed as number) > 0)
      .map((p) => `${p.environment}/${p.category}/${p.ds}/${p.time} ${p.landed}/${p.files}`);
    expect(landed).toEqual([
      'live/c/2026-03-02/8-16 1/1',
      'live/d/2026-03-02/8-16 1/1',
      'testing/c/2026-03-01/0-8 1/1',
    ]);
  });

  it('on a bucket never ingested into a file that does not exist: says nothing landed there, exit 2, no file created', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-'));
    const b = join(base, 'bucket');
    put(b, 'live', '2026-03-01', '0-8', 'a');
    const w = join(base, 'none.duckdb');
    const r = await runMain(['status', '-b', b, '-w', `duckdb:${w}`, '-s', '2026-03-01', '-u', '2026-03-01', '--json']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`no DuckDB file at ${w}: nothing has landed there`);
    expect(existsSync(w)).toBe(false);
  });

  it('--sessions: gaps in event_index within sessions, by partition, beside what the bucket holds there', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-'));
    const b = join(base, 'bucket');
    const w = join(base, 'w.duckdb');
    const ev = (session: string, index: number, at: string) =>
      JSON.stringify({
        eventClass: 'c',
        eventId: `${session}-${index}`,
        sessionId: session,
        eventIndex: index,
        eventTimestamp: at,
      });
    const file = (ds: string, time: string, name: string, events: string[]) => {
      mkdirSync(dir(b, 'live', ds, time), { recursive: true });
      writeFileSync(join(dir(b, 'live', ds, time), name), `${events.join('\n')}\n`);
    };
    file('2026-03-01', '0-8', 'f1', [
      ev('s1', 1, '2026-03-01T01:00:00Z'),
      ev('s1', 2, '2026-03-01T01:10:00Z'),
      ev('s1', 5, '2026-03-01T01:20:00Z'),
    ]);
    file('2026-03-01', '8-16', 'f2', [ev('s2', 1, '2026-03-01T09:00:00Z')]);
    file('2026-03-01', '16-24', 'f3', [ev('s2', 4, '2026-03-01T19:00:00Z')]);
    file('2026-03-02', '0-8', 'f4', [ev('s3', 1, '2026-03-02T01:00:00Z')]);
    file('2026-03-02', '16-24', 'f5', [ev('s3', 3, '2026-03-02T19:00:00Z'), ev('s4', 1, '2026-03-02T23:00:00Z')]);
    file('2026-03-03', '0-8', 'f6', [ev('s4', 3, '2026-03-03T03:00:00Z')]);
    const sel = ['-e', 'live', '-c', 'c', '-s', '2026-03-01', '-u', '2026-03-03'];
    const landed = await runMain(['-b', b, '-w', `duckdb:${w}`, ...sel, '--record-dir', join(base, 'runs'), '--yes']);
    expect(landed.code, landed.stderr).toBe(0);
    file('2026-03-03', '0-8', 'f7', [ev('s5', 1, '2026-03-03T04:00:00Z')]); // not landed

    const json = await runMain(['status', '-b', b, '-w', `duckdb:${w}`, ...sel, '--sessions', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const gaps = (parseJsonOutput(json.stdout) as { gaps: Record<string, unknown>[] }).gaps.map(
      (g) => `${g.ds} ${g.time}: ${g.gaps} gaps, ${g.missing} missing, ${g.sessions} sessions, ${g.bucket}`,
    );
    expect(gaps).toEqual([
      '2026-03-01 0-8: 1 gaps, 2 missing, 1 sessions, landed', // s1 skips 3 and 4
      '2026-03-01 8-16: 1 gaps, 2 missing, 1 sessions, landed', // s2 skips 2 and 3 between 09:00 and 19:00
      '2026-03-02 8-16: 1 gaps, 1 missing, 1 sessions, silent', // s3 skips 2 where the bucket has no file
      '2026-03-03 0-8: 1 gaps, 1 missing, 1 sessions, not-landed', // s4 skips 2 where a file waits
    ]);
    const text = await runMain(['status', '-b', b, '-w', `duckdb:${w}`, ...sel, '--sessions']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('live         2026-03-02  8-16     1        1         1  no file (silent)');
    expect(text.stdout).toContain('live         2026-03-03  0-8      1        1         1  not landed: backfill');
    expect(Math.max(...text.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('--watch draws the map again every interval until Ctrl-C, then ends with exit 0', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-watch-'));
    const b = join(base, 'bucket');
    put(b, 'live', '2026-03-01', '0-8', 'a');
    const w = `duckdb:${join(base, 'w.duckdb')}`;
    const landed = await runMain([
      '-b',
      b,
      '-w',
      w,
      '-e',
      'live',
      '-c',
      'c',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '--yes',
    ]);
    expect(landed.code, landed.stderr).toBe(0);
    const args = ['status', '-b', b, '-w', w, '-s', '2026-03-01', '-u', '2026-03-01'];
    const child = spawn(process.execPath, [BIN, ...args, '--watch', '--follow-interval', '1s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    // Each map: its "status at" line, then its rows. Ctrl-C the moment the second time line shows:
    // it comes with its map, never alone (a log would end on a time with nothing under it).
    const maps = () => stdout.split(/^status at .*\n/m).slice(1);
    let stopped = false;
    const stop = () => {
      if (!stopped) child.kill('SIGINT'); // once: a second Ctrl-C quits at once
      stopped = true;
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (maps().length >= 2) stop();
    });
    const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const timer = setTimeout(stop, 30_000);
    expect(await code).toBe(0);
    clearTimeout(timer);
    expect(maps().length, stdout).toBeGreaterThanOrEqual(2);
    for (const map of maps()) expect(map, stdout).toMatch(/^live /m);
    const refused = await runCli([...args, '--watch', '--sessions']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/status --watch redraws the map: it takes no --sessions or --partition/);
  }, 60_000);

  it('refuses what would write, in one line, exit 2', async () => {
    const r = await runMain(['status', '-b', '/nowhere', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('status only reads');
  });

  it('refuses a DuckDB file that does not exist, naming the one beside it; creates nothing, and no folder for a new file', async () => {
    const base = mkdtempSync(join(tmpdir(), 'status-nofile-'));
    const b = join(base, 'bucket');
    put(b, 'live', '2026-03-01', '0-8', 'a');
    const sel = [
      '-b',
      b,
      '-e',
      'all',
      '-c',
      'all',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '--record-dir',
      join(base, 'runs'),
    ];
    const landed = await runCli([...sel, '-w', `duckdb:${join(base, 'w.duckdb')}`, '--yes']);
    expect(landed.code, landed.stderr).toBe(0);
    const before = readdirSync(base).sort();
    const typo = await runCli(['status', ...sel, '-w', `duckdb:${join(base, 'w.dukdb')}`]);
    expect([typo.code, typo.stdout]).toEqual([2, '']);
    expect(typo.stderr).toBe(
      `analytics-backfill: no DuckDB file at ${join(base, 'w.dukdb')}: nothing has landed there. ` +
        `Did you mean --warehouse duckdb:${join(base, 'w.duckdb')}?\n`,
    );
    expect(readdirSync(base).sort()).toEqual(before);
    const nowhere = join(base, 'no', 'such', 'dir', 'x.duckdb');
    const run = await runCli([...sel, '-w', `duckdb:${nowhere}`, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the folder ${join(base, 'no', 'such', 'dir')} does not exist`);
    expect(existsSync(join(base, 'no'))).toBe(false);
  });
});
