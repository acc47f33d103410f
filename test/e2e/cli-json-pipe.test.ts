import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { runCli } from '../helpers/run-cli.js';
import { parseJsonOutput } from '../helpers/json-output.js';

describe('--json through a pipe', () => {
  it('arrives whole when it is far larger than a pipe buffer (a year of partitions)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-json-'));
    const bucket = join(dir, 'bucket');
    const tally = writeSampleBucket(bucket, {
      environments: ['live'],
      categories: ['load', 'shop'],
      start: '2025-01-01',
      stop: '2025-12-31',
      times: ['0-8', '8-16', '16-24'],
      filesPerPartition: 1,
      eventsPerFile: 1,
      badEvery: 0,
      gzipEvery: 0,
      seed: 7,
    });
    const r = await runCli([
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${join(dir, 'w.duckdb')}`,
      '--analytics-environment',
      'live',
      '--event-category',
      'all',
      '--event-ds-start',
      '2025-01-01',
      '--event-ds-stop',
      '2025-12-31',
      '--event-time',
      'all',
      '--record-dir',
      join(dir, 'runs'),
      '--dry-run',
      '--json',
      '--yes',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(4 * 65536);
    const report = parseJsonOutput<{ totals: { files: number }; partitions: unknown[] }>(r.stdout);
    expect(report.partitions).toHaveLength(2 * 365 * 3);
    expect(report.totals.files).toBe(tally.files);
  });
});
