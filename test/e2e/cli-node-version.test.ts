import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';

// On a Node without JSON.rawJSON every event would become a debug row: the CLI refuses to start.
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p) && spawnSync(p, ['--version']).stdout.toString().match(/^v(1\d|2[01])\./));

describe('an older Node', () => {
  it.skipIf(OLD_NODE === undefined)('is refused in one line before anything runs', () => {
    const r = spawnSync(OLD_NODE!, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^analytics-backfill: needs Node\.js 22 or later \(this is v\d+\.\d+\.\d+\)\. Run it with npx, or install a newer Node\.$/);
    expect(r.stdout).toBe('');
  });
});
