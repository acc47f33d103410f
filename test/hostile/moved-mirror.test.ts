import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { runCli } from '../helpers/run-cli.js';

// Issue 27, item 11: the same mirror at another path (moved, copied, another mount) would land
// again in full, since the ledger knows a file by its whole path: the preview says so first.

describe('a mirror at another path', () => {
  it('is warned about in the preview, before anything is sent; a new mirror is not', async () => {
    const base = mkdtempSync(join(tmpdir(), 'moved-'));
    const first = join(base, 'mirror');
    writeSampleBucket(first, {
      environments: ['live'],
      categories: ['c'],
      start: '2026-03-01',
      stop: '2026-03-01',
      times: ['0-8'],
      filesPerPartition: 30,
      eventsPerFile: 3,
      seed: 4,
    });
    const select = ['-w', `duckdb:${join(base, 'w.duckdb')}`, '-e', 'all', '-c', 'all', '-s', '2026-03-01'];
    const run = await runCli(['-b', first, ...select, '-u', '2026-03-01', '--record-dir', join(base, 'runs'), '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('under another path');

    const copy = join(base, 'moved');
    cpSync(first, copy, { recursive: true, preserveTimestamps: true });
    const preview = await runCli(['-b', copy, ...select, '-u', '2026-03-01', '--dry-run']);
    expect(preview.code, preview.stderr).toBe(0);
    const said = preview.stdout.replace(/\s+/g, ' ');
    expect(said).toMatch(
      /Warning: 8 of 8 sampled files to send are already in the warehouse under another path \(.*\/mirror\/data_type=json\//,
    );
    expect(said).toContain('To send: 30 files');
  });
});
