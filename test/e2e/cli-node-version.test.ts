import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb } from '../helpers/duckdb-query.js';
import { BIN } from '../helpers/run-cli.js';

// Issue 25: the CLI runs on the Node most machines have (20), parsing exactly there too, and on a
// Node that can replace its process it tunes its heap without `env -S` in the shebang.
const NODE_20 = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (p) => existsSync(p) && /^v20\./.test(spawnSync(p, ['--version']).stdout.toString()),
);

/** A bucket folder of one file whose numbers a double cannot hold. */
function exactFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'node20-'));
  const folder = join(
    dir,
    'bucket/data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8/s1',
  );
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'f1'),
    [
      '{"eventClass":"a","eventId":"e1","eventIndex":9007199254740993,"sessionId":"s1","eventTimestamp":"2026-03-01T01:00:00Z","eventAttributes":{"big":123456789012345678901234567890}}',
      '{"eventClass":"a","eventId":"e2","eventIndex":1.0000000000000001,"sessionId":"s1","eventTimestamp":"2026-03-01T01:00:01Z"}',
    ].join('\n'),
  );
  return dir;
}

describe('the Node a machine has', () => {
  it.skipIf(NODE_20 === undefined)(
    'runs the CLI on Node 20: version, usage errors, an exact DuckDB backfill',
    async () => {
      const v = spawnSync(NODE_20!, [BIN, '--version'], { encoding: 'utf8', cwd: tmpdir() });
      expect([v.status, v.stderr]).toEqual([0, '']);
      expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      const bad = spawnSync(NODE_20!, [BIN, '--bogus'], { encoding: 'utf8', cwd: tmpdir() });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^analytics-backfill: unknown flag --bogus/);
      const dir = exactFolder();
      const run = spawnSync(
        NODE_20!,
        [BIN, '-b', join(dir, 'bucket'), '-e', 'all', '-c', 'all', '-s', '2026-03-01', '-u', '2026-03-01'].concat([
          '-w',
          `duckdb:${join(dir, 'w.duckdb')}`,
          '--yes',
        ]),
        { encoding: 'utf8', cwd: dir, env: { ...process.env, XDG_STATE_HOME: dir } },
      );
      expect(run.status, run.stderr).toBe(0);
      const rows = await queryDuckDb(
        join(dir, 'w.duckdb'),
        'SELECT event_id, CAST(event_index AS VARCHAR), event_attributes FROM events.events_function ORDER BY 1',
      );
      expect(rows).toEqual([
        ['e1', '9007199254740993', '{"big":123456789012345678901234567890}'],
        ['e2', null, null],
      ]);
    },
  );

  /**
   * The CLI started as a user starts it (its shebang, or `node …` with `nodeArgs`) on a run that
   * waits a long while (a bucket whose endpoint answers nothing): the process's command line and
   * environment once it waits, and its children.
   */
  async function waitingRun(env: NodeJS.ProcessEnv = {}, nodeArgs?: string[]) {
    const args = ['-b', 'gs://my-events', '-t', 't', '-p', 'my-project', '-e', 'all', '-c', 'all'].concat([
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '--yes',
    ]);
    const cli = spawn(nodeArgs ? process.execPath : BIN, nodeArgs ? [...nodeArgs, BIN, ...args] : args, {
      env: {
        ...process.env,
        STORAGE_EMULATOR_ENDPOINT: 'http://127.0.0.1:1',
        PUBSUB_EMULATOR_HOST: '127.0.0.1:1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: tmpdir(),
    });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      cli.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/Still trying to reach/.test(err)) resolve();
      });
      cli.once('exit', () => reject(new Error(`the run ended early:\n${err}`)));
    });
    const cmdline = readFileSync(`/proc/${cli.pid}/cmdline`, 'utf8').split('\0');
    const environ = readFileSync(`/proc/${cli.pid}/environ`, 'utf8').split('\0');
    const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(cli.pid)], { encoding: 'utf8' }).stdout.trim();
    cli.kill('SIGKILL');
    return { cmdline, environ, children };
  }

  it('tunes its heap with a plain `env node` shebang: same process, flags and one malloc arena', async () => {
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const { cmdline, environ, children } = await waitingRun();
    expect(cmdline).toEqual(expect.arrayContaining(['--max-semi-space-size=4', '--max-old-space-size=512', BIN]));
    expect(environ).toContain('MALLOC_ARENA_MAX=1');
    expect(children, 'no second process to outlive a kill -9').toBe('');
  }, 30_000);

  it("keeps the operator's own heap settings (NODE_OPTIONS, node's flags, MALLOC_ARENA_MAX) and adds only the others", async () => {
    const viaEnv = await waitingRun({ NODE_OPTIONS: '--max-old-space-size=1536', MALLOC_ARENA_MAX: '2' });
    expect(viaEnv.cmdline).toContain('--max-semi-space-size=4');
    expect(viaEnv.cmdline.filter((a) => a.startsWith('--max-old-space-size'))).toEqual([]);
    expect(viaEnv.environ).toContain('NODE_OPTIONS=--max-old-space-size=1536');
    expect(viaEnv.environ).toContain('MALLOC_ARENA_MAX=2');
    const viaFlag = await waitingRun({}, ['--max_semi_space_size=8']);
    expect(viaFlag.cmdline.filter((a) => /^--max[-_]semi[-_]space[-_]size/.test(a))).toEqual([
      '--max_semi_space_size=8',
    ]);
    expect(viaFlag.cmdline).toContain('--max-old-space-size=512');
    expect(viaFlag.children).toBe('');
  }, 30_000);
});
