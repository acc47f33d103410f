import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
