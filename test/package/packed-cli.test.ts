/**
 * Issue 25: the package as a user gets it. The tarball `npm pack` makes from a clean build of the
 * tracked files is installed into a fresh prefix with the machine's Node (20) and with Node 24,
 * and the installed bin runs: --version, --help, a --yes DuckDB backfill, status, the wizard.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, TmuxSession } from '../pty/tmux.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_24 = process.execPath;
const NODE_20 = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (p) => existsSync(p) && /^v20\./.test(spawnSync(p, ['--version']).stdout.toString()),
);
const NODES = [...(NODE_20 ? [['20', NODE_20]] : []), ['24', NODE_24]] as const;

/** The tracked files, built from clean and packed as `npm pack` does. Returns the tarball. */
function pack(): string {
  const copy = mkdtempSync(join(tmpdir(), 'abf-pack-src-'));
  const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)) && lstatSync(join(ROOT, f)).isFile());
  for (const file of tracked) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: copy, stdio: ['ignore', 'ignore', 'inherit'] });
  const into = mkdtempSync(join(tmpdir(), 'abf-pack-'));
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', into], {
    cwd: copy,
    encoding: 'utf8',
  }).trim();
  return join(into, name.split('\n').at(-1)!);
}

/** An environment whose `node` is `node` (the installed bin's shebang finds it on the PATH). */
const envWith = (node: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${dirname(node)}:/usr/bin:/bin`,
  ...extra,
});

/** A bucket folder of one day with a file whose event index a double cannot hold. */
function bucket(): string {
  const dir = mkdtempSync(join(tmpdir(), 'abf-pack-data-'));
  const folder = join(
    dir,
    'bucket/data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8/s1',
  );
  mkdirSync(folder, { recursive: true });
  const line = (i: string) =>
    `{"eventClass":"a","eventId":"e${i}","eventIndex":${i},"sessionId":"s1","eventTimestamp":"2026-03-01T01:00:00Z"}`;
  writeFileSync(join(folder, 'f1'), [line('1'), line('9007199254740993')].join('\n'));
  writeFileSync(join(folder, 'f2'), line('2'));
  return dir;
}

describe('the package as installed', () => {
  let tarball: string;

  beforeAll(() => {
    tarball = pack();
  }, 300_000);

  it('holds the CLI only: no functions framework, no function or demo modules, no maps, no stale modules; a LICENSE', () => {
    const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(entries).toContain('package/LICENSE');
    expect(entries).toContain('package/bin/analytics-backfill.js');
    expect(entries.filter((e) => /^package\/dist\/(function|demo)\//.test(e) || e.endsWith('.map'))).toEqual([]);
    const modules = entries.filter((e) => e.startsWith('package/dist/') && e.endsWith('.js'));
    const sources = new Set(
      execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'src'], { cwd: ROOT, encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((f) => f.replace(/^src\//, '').replace(/\.tsx?$/, '.js')),
    );
    sources.add('ui/wizard-bundle.js'); // the wizard as bin/ loads it (scripts/build-wizard.js)
    expect(modules.filter((m) => !sources.has(m.replace('package/dist/', '')))).toEqual([]);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies)).not.toContain('@google-cloud/functions-framework');
  });

  for (const [version, node] of NODES) {
    describe(`on Node ${version}`, () => {
      let bin: string;
      const data = bucket();

      beforeAll(() => {
        const prefix = mkdtempSync(join(tmpdir(), `abf-prefix-${version}-`));
        execFileSync(
          'npm',
          ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--loglevel=error'],
          {
            env: envWith(node),
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        bin = join(prefix, 'bin', 'analytics-backfill');
      }, 300_000);

      const run = (args: string[]) =>
        spawnSync(bin, args, {
          cwd: data,
          encoding: 'utf8',
          env: envWith(node, { XDG_STATE_HOME: data, NO_COLOR: '1' }),
        });

      it('prints its version and help, backfills a folder into DuckDB exactly, and maps it', () => {
        const v = run(['--version']);
        expect([v.status, v.stderr, v.stdout]).toEqual([0, '', '0.1.0\n']);
        expect(run(['--help']).stdout).toMatch(/^analytics-backfill: send event files/);
        const select = ['-b', 'bucket', '-e', 'all', '-c', 'all', '-s', '2026-03-01', '-u', '2026-03-01'];
        const backfill = run([...select, '-w', 'duckdb:w.duckdb', '--yes', '--json']);
        expect(backfill.status, backfill.stderr).toBe(0);
        expect(JSON.parse(backfill.stdout)).toMatchObject({
          run: { counts: { ingested: 2, failed: 0 }, rows: { events: 3, rejectedLines: 0 } },
        });
        const status = run(['status', ...select, '-w', 'duckdb:w.duckdb', '--json']);
        expect(status.status, status.stderr).toBe(0);
        expect(JSON.parse(status.stdout)).toMatchObject({ totals: { files: 2, landed: 2 } });
        expect(readdirSync(data)).toContain('w.duckdb');
      }, 120_000);

      it.skipIf(!hasTmux())(
        'opens the wizard in a terminal',
        async () => {
          const t = TmuxSession.start([bin, '-b', 'bucket'], {
            cwd: data,
            env: { PATH: envWith(node).PATH!, XDG_STATE_HOME: data, NO_COLOR: '1', TERM: 'xterm-256color' },
          });
          try {
            await t.waitFor(/Which analytics environments\?/, 30_000);
            t.keys('C-c');
          } finally {
            t.kill();
          }
        },
        60_000,
      );
    });
  }
});
