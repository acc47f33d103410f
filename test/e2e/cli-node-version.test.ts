import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';

// On a Node without JSON.rawJSON every event would become a debug row: the CLI never parses on one.
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (p) =>
    existsSync(p) &&
    spawnSync(p, ['--version'])
      .stdout.toString()
      .match(/^v(1\d|2[01])\./),
);

describe('an older Node', () => {
  it.skipIf(OLD_NODE === undefined)(
    'runs the CLI on the project’s own Node 24 (npm link, any folder), exit code passed on',
    () => {
      const r = spawnSync(OLD_NODE!, [BIN, '--version'], { encoding: 'utf8', cwd: tmpdir() });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      const bad = spawnSync(OLD_NODE!, [BIN, '--bogus'], { encoding: 'utf8', cwd: tmpdir() });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^analytics-backfill: unknown flag --bogus/);
    },
  );

  it.skipIf(OLD_NODE === undefined)(
    'the Node 24 run ends when its launcher is killed (kill -9): nothing goes on publishing unseen',
    async () => {
      // A run that waits a long while: a bucket whose endpoint answers nothing.
      const launcher = spawn(
        OLD_NODE!,
        [
          BIN,
          '--gcs-bucket',
          'gs://my-events',
          '--topic',
          't',
          '--gcp',
          'my-project',
          '-e',
          'all',
          '-c',
          'all',
          '-s',
          '2026-03-01',
          '-u',
          '2026-03-01',
          '--yes',
        ],
        {
          env: { ...process.env, STORAGE_EMULATOR_ENDPOINT: 'http://127.0.0.1:1', PUBSUB_EMULATOR_HOST: '127.0.0.1:1' },
          stdio: ['ignore', 'pipe', 'pipe'],
          cwd: tmpdir(),
        },
      );
      const childOf = () =>
        spawnSync('ps', ['-o', 'pid=', '--ppid', String(launcher.pid)], { encoding: 'utf8' })
          .stdout.trim()
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map(Number);
      // Running on Node 24 once it says it is still trying to reach the bucket.
      let err = '';
      await new Promise<void>((resolve, reject) => {
        launcher.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (/Still trying to reach/.test(err)) resolve();
        });
        launcher.once('exit', () => reject(new Error(`the run ended before it was killed:\n${err}`)));
      });
      const child = childOf()[0];
      expect(child, err).toBeDefined();
      launcher.kill('SIGKILL');
      let alive = true;
      for (let i = 0; i < 50 && alive; i++) {
        try {
          process.kill(child!, 0);
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          alive = false;
        }
      }
      if (alive) process.kill(child!, 'SIGKILL');
      expect(alive, 'the Node 24 child outlived its launcher').toBe(false);
    },
    30_000,
  );

  it.skipIf(OLD_NODE === undefined)('is refused in one line when no newer Node is installed beside it', () => {
    const bin = join(mkdtempSync(join(tmpdir(), 'old-node-')), 'bin');
    mkdirSync(bin);
    copyFileSync(BIN, join(bin, 'analytics-backfill.js'));
    const r = spawnSync(OLD_NODE!, [join(bin, 'analytics-backfill.js'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^analytics-backfill: needs Node\.js 22 or later \(this is v\d+\.\d+\.\d+\)\. Run it with npx, or install a newer Node\.$/,
    );
    expect(r.stdout).toBe('');
  });
});
