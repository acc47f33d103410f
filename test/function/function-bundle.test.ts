/**
 * Issue 25: the function ships what was tested. Its folder (scripts/build-function.js), installed
 * as Cloud Build installs it, holds exactly the package versions this repository's lockfile pins
 * (the tree the suites ran), and refuses to start on a Node it is not tested on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFunction } from './function-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_20 = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (p) => existsSync(p) && /^v20\./.test(spawnSync(p, ['--version']).stdout.toString()),
);

interface Lock {
  packages: Record<string, { version?: string }>;
}

describe('the function folder as Cloud Build installs it', () => {
  let out: string;
  let installed: string;

  beforeAll(() => {
    out = buildFunction();
    installed = dirname(realpathSync(join(out, 'node_modules')));
  }, 300_000);

  it('holds exactly the versions the repository pins, at the same places, and nothing else', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
    const own = JSON.parse(readFileSync(join(out, 'package-lock.json'), 'utf8')) as Lock;
    const paths = Object.keys(own.packages).filter((p) => p !== '');
    expect(paths.length).toBeGreaterThan(100);
    const differing = paths.filter((path) => {
      const onDisk = JSON.parse(readFileSync(join(installed, path, 'package.json'), 'utf8')) as { version: string };
      return onDisk.version !== root.packages[path]?.version;
    });
    expect(differing).toEqual([]);
    const ls = spawnSync('npm', ['ls', '--all', '--omit=dev'], { cwd: installed, encoding: 'utf8' });
    expect(ls.status, ls.stdout + ls.stderr).toBe(0);
    expect(ls.stdout).not.toMatch(/extraneous|invalid|missing/);
  });

  it.skipIf(NODE_20 === undefined)('refuses to start on Node 20, in one log line', () => {
    const main = join(out, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
    const r = spawnSync(
      NODE_20!,
      [main, '--target=ingest', '--signature-type=cloudevent', `--source=${out}`, '--port=0'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ALLOWED_BUCKETS: 'b', METADATA_SERVER_DETECTION: 'none' },
      },
    );
    expect(r.status).not.toBe(0);
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { severity?: string; message?: string });
    expect(lines).toContainEqual(
      expect.objectContaining({
        severity: 'ERROR',
        message: expect.stringMatching(
          /^Node\.js v20\.\d+\.\d+ is not a runtime this function is tested on: deploy with --runtime=nodejs24/,
        ),
      }),
    );
  });
});
