import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/emulators.js';
import { runCli } from '../helpers/run-cli.js';

describe('a bucket that does not answer', () => {
  it('says what could not be reached and what to check, in one last line, while saying it is still trying; nothing created', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cli-unreachable-'));
    const port = await freePort(); // nothing listens there
    const result = await runCli(
      [
        '--gcs-bucket',
        'gs://events',
        '--warehouse',
        `duckdb:${join(work, 'w.duckdb')}`,
        '-e',
        'all',
        '-c',
        'all',
        '-s',
        '2026-03-01',
        '-u',
        '2026-03-01',
        '--record-dir',
        join(work, 'runs'),
        '--yes',
      ],
      { STORAGE_EMULATOR_ENDPOINT: `http://127.0.0.1:${port}` },
    );
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^analytics-backfill: could not reach Cloud Storage \(gs:\/\/events\): .*ECONNREFUSED.*\. Check the network and credentials .*STORAGE_EMULATOR_ENDPOINT/,
    );
    // The client retries for several seconds: the operator sees that it is trying, not silence.
    expect(
      lines.slice(0, -1).every((l) => /^Still trying to reach Cloud Storage \(gs:\/\/events\), \d+ s…$/.test(l)),
    ).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
    expect(result.stderr).not.toMatch(/Warning|at .*\.js:\d+/);
    expect(readdirSync(work)).toEqual([]);
  });
});
