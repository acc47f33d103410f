import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { countRows, queryDuckDb } from '../helpers/duckdb-query.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { hasTmux, TmuxSession } from './tmux.js';
import { BY_FILE_SQL, writeBigFiles } from '../helpers/big-files.js';

/**
 * The built CLI in a real pseudo-terminal (tmux), driven by keys and read off the screen: a whole
 * backfill of a local bucket folder into DuckDB through the wizard, and a run stopped with Ctrl-C
 * and resumed without duplicates. Needs `npm run build` first.
 */
const BUILT = existsSync(fileURLToPath(new URL('../../dist/ui/run-wizard.js', import.meta.url)));

let session: TmuxSession | undefined;
let dir: string | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The screen's height: capture-pane ends every row, the last included, with a newline. */
const rowsOf = (screen: string) => screen.replace(/\n$/, '').split('\n').length;

function start(args: readonly string[], cwd: string, size = { columns: 80, rows: 24 }): TmuxSession {
  session = TmuxSession.start([process.execPath, BIN, ...args], {
    cwd,
    env: { NO_COLOR: '1', XDG_STATE_HOME: join(cwd, 'state') },
    ...size,
  });
  return session;
}

// Under CI (REQUIRE_PTY=1 or CI set) a missing tmux fails the run instead of skipping these tests.
const mustRun =
  process.env.REQUIRE_PTY === '1' ||
  (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false');

describe.runIf(mustRun && !hasTmux())('the wizard in a terminal, under CI', () => {
  it('needs tmux: install it (apt-get install tmux) so the pseudo-terminal tests run', () => {
    expect.fail('tmux is not installed, so the wizard was not tested in a real terminal');
  });
});

describe.skipIf(!hasTmux() || !BUILT)('the wizard in a terminal', () => {
  it('backfills a bucket folder into DuckDB: chosen on screen, a step back, resized, rows landed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wizard-pty-'));
    const bucket = join(dir, 'bucket');
    const tally = writeSampleBucket(bucket, {
      environments: ['testing', 'staging'],
      categories: ['gameplay', 'economy'],
      start: '2026-03-01',
      stop: '2026-03-03',
      times: ['0-8', '8-16'],
      filesPerPartition: 2,
      eventsPerFile: 5,
      seed: 11,
    });
    const db = join(dir, 'w.duckdb');
    const t = start(['--gcs-bucket', bucket, '--warehouse', `duckdb:${db}`, '--record-dir', join(dir, 'runs')], dir);

    let screen = await t.waitFor(/Which analytics environments\?[\s\S]*0 of 2 selected/);
    expect(screen).toContain('Environments (1/5)');
    expect(screen).toMatch(/testing[\s\S]*staging/);
    expect(screen).not.toContain('production');
    expect(screen).toContain('space select');
    // eslint-disable-next-line no-control-regex -- looking for colour escapes on the screen
    expect(t.screen(true)).not.toMatch(/\u001B\[(3[0-7]|9[0-7]|38;)/); // NO_COLOR
    t.keys('Space');
    await t.waitFor('1 of 2 selected');
    t.keys('Enter');
    await t.waitFor(/Categories \(2\/5\)[\s\S]*0 of 2 selected/);
    t.keys('a');
    await t.waitFor('2 of 2 selected');
    t.keys('Enter');
    // The map up to the bucket's last day, as many days as 80×24 holds for one environment (2
    // blocks of 18): 1 to 3 March hold files in two buckets each, none landed.
    screen = await t.waitFor(/What landed \(3\/5\)[\s\S]*No cell chosen/);
    expect(rowsOf(screen)).toBeLessThanOrEqual(24);
    expect(screen).toMatch(/^testing( \.\.\.)+ --\. --\. --\.$/m);
    expect(screen).toContain('2026-01-27 to 2026-03-03');
    expect(Math.max(...screen.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    t.keys('Enter'); // no cell chosen: on to the dates
    await t.waitFor('In the bucket: 2026-03-01 to 2026-03-03.');
    t.type('2026-03-0');
    await t.waitFor('keep typing: YYYY-MM-DD');
    t.type('2');
    await t.waitFor(/› Start 2026-03-02/);
    t.keys('Enter');
    await t.waitFor(/› Stop/);
    t.type('2026-03-01');
    await t.waitFor('The stop date 2026-03-01 is before the start date 2026-03-02.');
    t.keys('BSpace');
    t.type('3');
    await t.waitFor('2 days');
    t.keys('Enter');
    await t.waitFor('Time buckets (5/5)');
    t.keys('Escape'); // back: the dates are kept
    screen = await t.waitFor('Dates (4/5)');
    expect(screen).toMatch(/Start 2026-03-02/);
    expect(screen).toMatch(/Stop\s+2026-03-03/);
    t.keys('Enter');
    await t.waitFor('3 of 3 selected');
    t.resize(100, 30); // wider: the key help fits whole
    await t.waitFor((s) => rowsOf(s) === 30 && s.includes('enter next · esc back · ctrl-c quit'));
    t.resize(80, 24); // back to 80×24: redrawn clean, the whole key help still on one line
    screen = await t.waitFor(
      (s) =>
        rowsOf(s) === 24 &&
        /^↑↓ move · space select · a all\/none · enter next · esc back · ctrl-c quit$/m.test(s) &&
        s.includes('Time buckets'),
    );
    expect(screen.match(/analytics-backfill ›/g)).toHaveLength(1);
    t.keys('Enter');

    screen = await t.waitFor('Total: 8 partitions');
    // testing × 2 categories × 2 days × 2 time buckets with files, 2 files each
    expect(screen).toMatch(/Total: 8 partitions\s+16\s+[\d.]+ KiB\s+0\s+16/);
    expect(screen).toContain('To send: 16 files');
    t.keys('Enter');
    screen = await t.waitFor('Start the backfill?');
    expect(screen).toContain('printed when the wizard ends');
    t.keys('Enter');
    screen = await t.waitFor('EXIT=', 30_000);
    // The command follows the wizard as one line (the terminal wraps it softly; a copy is one line).
    expect(t.screen(false, true)).toContain(
      `\nnpx analytics-backfill --gcs-bucket ${bucket} --warehouse duckdb:${db} --analytics-environment testing --event-category economy,gameplay ` +
        '--event-ds-start 2026-03-02 --event-ds-stop 2026-03-03 --event-time 0-8,8-16,16-24 --yes\n',
    );
    expect(screen).toContain('Done in');
    // The run's frame gave way to the summary: no "Running" header left above "Done", in the scrollback either.
    expect(t.history()).not.toMatch(/analytics-backfill › (Running|Stopping)/);
    expect(screen).toContain('16 ingested, 0 failed');
    expect(screen).toContain(`Run record: ${join(dir, 'runs')}`);
    expect(screen).toContain('EXIT=0');
    expect(await countRows(db, 'events.events_function')).toBe(16 * 5);
    expect(await queryDuckDb(db, 'SELECT DISTINCT analytics_environment FROM events.events_function')).toEqual([
      ['testing'],
    ]);
    expect(
      await queryDuckDb(db, 'SELECT min(event_ds)::VARCHAR, max(event_ds)::VARCHAR FROM logs.events_logs_function'),
    ).toEqual([['2026-03-02', '2026-03-03']]);
    expect(tally.files).toBe(48);
  });

  it('--cells in a terminal plans exactly those cells, as --yes does: 2 partitions, not the 12 of their span', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wizard-cells-'));
    const bucket = join(dir, 'bucket');
    writeSampleBucket(bucket, {
      environments: ['testing', 'staging'],
      categories: ['gameplay'],
      start: '2026-03-01',
      stop: '2026-03-03',
      times: ['0-8', '16-24'],
      filesPerPartition: 1,
      eventsPerFile: 2,
      seed: 5,
    });
    const args = [
      ...['--gcs-bucket', bucket, '--warehouse', `duckdb:${join(dir, 'w.duckdb')}`, '--record-dir', join(dir, 'runs')],
      ...['--cells', 'testing/2026-03-01/0-8,staging/2026-03-03/16-24', '-c', 'all', '--dry-run'],
    ];
    const yes = await runCli([...args, '--yes'], {}, dir);
    expect(yes.stdout).toMatch(/Total: 2 partitions/);
    const t = start(args, dir);
    const screen = await t.waitFor(/Total: 2 partitions/);
    expect(screen).not.toMatch(/Total: 12 partitions/);
  });

  it('stops on Ctrl-C, shows what went out and the resume command, and the resume lands the rest once', async () => {
    const { t, db, tally } = await runningBackfill(300, 5);
    t.keys('C-c');
    const screen = await t.waitFor('EXIT=', 30_000);
    expect(screen).toContain('EXIT=130');
    const counts = /Interrupted after \S+: ([\d,]+) ingested, 0 failed, ([\d,]+) not sent/.exec(screen);
    expect(counts).not.toBeNull();
    const [ingested, notSent] = [num(counts![1]), num(counts![2])];
    expect(ingested).toBeGreaterThan(0);
    expect(ingested + notSent).toBe(9000);
    expect(screen).toContain(`${counts![1]} files went out; ${counts![2]} were not sent.`);
    expect(t.history()).not.toMatch(/analytics-backfill › (Running|Stopping)/);
    expect(await countRows(db, 'events.events_function')).toBe(ingested * 20);

    // The commands follow the wizard as plain lines: wider than 80 columns, yet one line each to copy.
    const joined = t.screen(false, true);
    const resume = /^Resume \(sends only what did not go out\):\n(.*)$/m.exec(joined)?.[1] ?? '';
    expect(resume).toMatch(/^npx analytics-backfill --resume \S+ --record-dir \S+ --yes$/);
    expect(resume.length).toBeGreaterThan(80);
    expect(joined).toMatch(/^The same backfill from a script:\nnpx analytics-backfill --gcs-bucket \S+ .* --yes$/m);
    const resumed = await runCli(resume.split(' ').slice(2), {}, dir);
    expect(resumed.code).toBe(0);
    expect(await countRows(db, 'events.events_function')).toBe(tally.events);
    // Each file once: one ledger row per file (the sample's event ids repeat across files).
    const [[ledger, files]] = (await queryDuckDb(
      db,
      "SELECT count(*), count(DISTINCT file_path) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')",
    )) as [[bigint, bigint]];
    expect([Number(ledger), Number(files)]).toEqual([tally.files, tally.files]);
  });

  it('stops a run of large files within seconds on Ctrl-C; the resume lands each event once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wizard-pty-big-'));
    const bucket = join(dir, 'bucket');
    const perFile = writeBigFiles(bucket, 12, 24);
    const db = join(dir, 'w.duckdb');
    const t = start(
      ['--gcs-bucket', bucket, '--warehouse', `duckdb:${db}`, '--record-dir', join(dir, 'runs')].concat([
        '-e',
        'live',
        '-c',
        'all',
        '-s',
        '2026-03-01',
        '-u',
        '2026-03-01',
        '-T',
        'all',
      ]),
      dir,
    );
    await t.waitFor('Total: 1 partition', 30_000);
    t.keys('Enter');
    await t.waitFor('Start the backfill?');
    t.keys('Enter');
    await t.waitFor(/Running/, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const interruptedAt = Date.now();
    t.keys('C-c');
    const screen = await t.waitFor('EXIT=', 30_000);
    expect(Date.now() - interruptedAt).toBeLessThan(5000);
    expect(screen).toContain('EXIT=130');
    const notSent = num(/([\d,]+) not sent/.exec(screen)?.[1] ?? '0');
    expect(notSent).toBeGreaterThan(0);
    const joined = t.screen(false, true);
    const resume = /^Resume \(sends only what did not go out\):\n(.*)$/m.exec(joined)?.[1] ?? '';
    const resumed = await runCli(resume.split(' ').slice(2), {}, dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const byFile = (await queryDuckDb(db, BY_FILE_SQL)) as [number, bigint][];
    expect(byFile.map(([f, n]) => [f, Number(n)]).sort((a, b) => a[0]! - b[0]!)).toEqual(perFile.map((n, f) => [f, n]));
  }, 120_000);

  it('quits at once on a second Ctrl-C, printing the run and a resume command that lands the rest once', async () => {
    // 18,000 files: the run outlasts both keys even on a loaded machine.
    const { t, db, tally } = await runningBackfill(600, 6);
    t.keys('C-c');
    t.keys('C-c');
    await t.waitFor('EXIT=', 30_000);
    const joined = t.screen(false, true);
    expect(joined).toContain('EXIT=130');
    expect(joined).toMatch(/^Quit during run \S+; what went out is in \S+\.$/m);
    const resume =
      /^Resume \(sends only what did not go out\):\n(npx analytics-backfill --resume .* --yes)$/m.exec(joined)?.[1] ??
      '';
    expect(resume).not.toBe('');
    const resumed = await runCli(resume.split(' ').slice(2), {}, dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const [[ledger, files]] = (await queryDuckDb(
      db,
      "SELECT count(*), count(DISTINCT file_path) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')",
    )) as [[bigint, bigint]];
    expect([Number(ledger), Number(files)]).toEqual([tally.files, tally.files]);
    expect(await countRows(db, 'events.events_function')).toBe(tally.events);
  });

  it('asks where the rows go, the DuckDB file by its absolute path, and the Confirm screen names it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wizard-pty-'));
    const bucket = join(dir, 'bucket');
    writeSampleBucket(bucket, {
      environments: ['testing'],
      categories: ['gameplay'],
      start: '2026-03-01',
      stop: '2026-03-01',
      times: ['0-8'],
      filesPerPartition: 2,
      eventsPerFile: 3,
      seed: 2,
    });
    const t = start(
      [
        '--gcs-bucket',
        bucket,
        '--gcp',
        'my-project',
        '--record-dir',
        join(dir, 'runs'),
        '-e',
        'testing',
        '-c',
        'all',
        '-s',
        '2026-03-01',
        '-u',
        '2026-03-01',
        '-T',
        'all',
      ],
      dir,
    );
    const screen = await t.waitFor('Where should the rows land?');
    expect(screen).toContain('Destination (1/1)');
    expect(screen).toContain(`❯ DuckDB file ${join(dir, 'analytics-backfill.duckdb')} (new file)`);
    expect(screen).toContain('BigQuery, project my-project');
    t.keys('Enter');
    await t.waitFor('To send: 2 files');
    t.keys('Enter');
    const confirm = await t.waitFor('Start the backfill?');
    expect(confirm.replace(/\s+/g, ' ')).toContain(
      `to DuckDB file ${join(dir, 'analytics-backfill.duckdb')} (new file)?`,
    );
    // Until the person says yes, nothing is created: the DuckDB file that does not exist yet is not made to plan.
    expect(existsSync(join(dir, 'analytics-backfill.duckdb'))).toBe(false);
    t.keys('C-c');
    expect(await t.waitFor('EXIT=')).toContain('EXIT=130');
  });

  it('leaves no dead end: keys in bursts edit and choose, and with nothing to send q finishes (exit 0)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wizard-pty-'));
    const bucket = join(dir, 'bucket');
    writeSampleBucket(bucket, {
      environments: ['testing', 'qa'],
      categories: ['gameplay'],
      start: '2026-03-01',
      stop: '2026-03-01',
      times: ['0-8'],
      filesPerPartition: 2,
      eventsPerFile: 3,
      seed: 4,
    });
    const db = join(dir, 'w.duckdb');
    const fixed = [
      '--warehouse',
      `duckdb:${db}`,
      '--record-dir',
      join(dir, 'runs'),
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '-T',
      'all',
    ];
    expect((await runCli(['--gcs-bucket', bucket, '-e', 'all', '-c', 'all', ...fixed, '--yes'])).code).toBe(0); // everything landed already
    const t = start(fixed, dir);
    await t.waitFor(`Bucket › ${bucket}`); // prefilled from the last run
    t.keys('C-u'); // cleared: the placeholder shows
    await t.waitFor('Bucket › gs://my-analytics-bucket');
    t.type(`${bucket}XX`);
    await t.waitFor(`${bucket}XX`);
    t.burst('BSpace', 'BSpace'); // two Backspaces in one write
    await t.waitFor((s) => s.includes(`Bucket › ${bucket}`) && !s.includes('XX'));
    t.keys('C-w'); // the last path segment
    await t.waitFor((s) => !s.includes(`${bucket}`) && s.includes(`Bucket › ${dir}/`));
    t.type('bucket');
    t.keys('Enter');
    await t.waitFor(/Which analytics environments\?[\s\S]*0 of 2 selected/); // qa, present in the bucket, is offered
    t.burst('a', 'Enter'); // select all and go on, in one write
    await t.waitFor(/Which event categories\?[\s\S]*0 of 1 selected/);
    t.burst('Space', 'Enter');
    const screen = await t.waitFor('Nothing to send');
    expect(screen).toMatch(/q finish \(nothing to send\) · esc back/);
    t.keys('q');
    const end = await t.waitFor('EXIT=');
    expect(end).toContain('Nothing was sent: every matched file is already ingested.');
    expect(end).toContain('EXIT=0');
  });
});

/**
 * A wizard run of 10 days × 3 time buckets × `perPartition` files of 20 events, every choice from the
 * flags, confirmed and sending: returned once the first group's commit shows as progress.
 */
async function runningBackfill(perPartition: number, seed: number) {
  dir = mkdtempSync(join(tmpdir(), 'wizard-pty-'));
  const bucket = join(dir, 'bucket');
  const tally = writeSampleBucket(bucket, {
    environments: ['testing'],
    categories: ['gameplay'],
    start: '2026-03-01',
    stop: '2026-03-10',
    times: ['0-8', '8-16', '16-24'],
    filesPerPartition: perPartition,
    eventsPerFile: 20,
    seed,
  });
  const db = join(dir, 'w.duckdb');
  const t = start(
    [
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      '--record-dir',
      join(dir, 'runs'),
      '--analytics-environment',
      'testing',
      '--event-category',
      'all',
      '--event-ds-start',
      '2026-03-01',
      '--event-ds-stop',
      '2026-03-10',
      '--event-time',
      'all',
    ],
    dir,
  );
  const screen = await t.waitFor('Total: 30 partitions'); // every choice came from the flags
  expect(screen).toMatch(/rows 1–\d+ of 30/); // the list scrolls inside 24 rows
  t.keys('Enter');
  await t.waitFor('Start the backfill?');
  t.keys('Enter');
  const total = tally.files.toLocaleString('en-US');
  await t.waitFor((s) => num(new RegExp(`([\\d,]+)/${total} files`).exec(s)?.[1]) >= 1, 30_000);
  return { t, db, tally };
}

/** A count as the screen prints it (`4,500`). */
function num(text: string | undefined): number {
  return Number((text ?? '0').replace(/,/g, ''));
}
