import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { commandLine, missingFlags, requestFromOptions } from './backfill-request.js';
import { followArgs } from './follow-flags.js';
import { parseArgs } from './parse-args.js';

const full = [
  '--gcs-bucket',
  'gs://events',
  '--topic',
  'ingest',
  '--gcp',
  'my-project',
  '--analytics-environment',
  'testing,staging',
  '--event-category',
  'all',
  '--event-ds-start',
  '2026-03-01',
  '--event-ds-stop',
  '2026-03-03',
  '--event-time',
  '0-8,16-24',
];

describe('parseArgs', () => {
  it('reads --follow, --follow-timeout and --follow-interval as durations, and refuses what is not one', () => {
    expect(parseArgs(['--follow', '--follow-timeout', '1h30m', '--follow-interval', '5s'], {}).follow).toEqual({
      timeoutMs: 5_400_000,
      intervalMs: 5000,
    });
    expect(parseArgs(['--follow'], {}).follow).toEqual({ timeoutMs: 3_600_000, intervalMs: 15_000 });
    expect(parseArgs(['--watch', '--follow-interval', '90'], {}).watch).toEqual({ intervalMs: 90_000 });
    expect(() => parseArgs(['--follow', '--follow-timeout', 'soon'], {})).toThrow(
      /--follow-timeout: "soon" is not a duration/,
    );
    expect(() => parseArgs(['--follow-interval', '5s'], {})).toThrow(/go with --follow/);
  });

  it("writes a follow back as the flags that ask for it, defaults left out (the wizard's script line)", () => {
    const again = (args: string[]) => followArgs(parseArgs(args, {}).follow!);
    expect(again(['--follow'])).toBe(' --follow');
    const given = [
      '--follow',
      '--follow-interval',
      '5s',
      '--follow-timeout',
      '1h30m',
      '--dead-letter-subscription',
      'dl',
    ];
    expect(again(given)).toBe(' --follow --follow-interval 5s --follow-timeout 1h30m --dead-letter-subscription dl');
    expect(parseArgs(again(given).trim().split(' '), {}).follow).toEqual(parseArgs(given, {}).follow);
  });

  it('refuses selection flags beside --resume instead of ignoring them', () => {
    expect(() => parseArgs(['--resume', 'r1', '--event-category', 'shop', '--event-time', '0-8', '--yes'], {})).toThrow(
      '--resume repeats the run as it was recorded; it cannot take --event-category, --event-time',
    );
    // The environment's defaults are not flags: a resume in a shell that sets them still works.
    expect(
      parseArgs(['--resume', 'r1', '--record-dir', 'runs', '--yes'], {
        ANALYTICS_BACKFILL_BUCKET: '/b',
        GOOGLE_CLOUD_PROJECT: 'my-project',
      }).resume,
    ).toBe('r1');
  });

  it('keeps the original backfill script flags', () => {
    const opts = parseArgs(full, {});
    expect(opts).toMatchObject({
      bucket: 'gs://events',
      topic: 'ingest',
      project: 'my-project',
      environments: ['testing', 'staging'],
      categories: 'all',
      start: '2026-03-01',
      stop: '2026-03-03',
      times: ['0-8', '16-24'],
    });
  });

  it('accepts short aliases', () => {
    const opts = parseArgs(
      ['-b', 'gs://events', '-e', 'all', '-c', 'a', '-s', '2026-03-01', '-u', '2026-03-01', '-y'],
      {},
    );
    expect(opts).toMatchObject({ bucket: 'gs://events', environments: 'all', categories: ['a'], yes: true });
  });

  it('takes the bucket and project from the environment', () => {
    expect(parseArgs([], { ANALYTICS_BACKFILL_BUCKET: './b', GOOGLE_CLOUD_PROJECT: 'env-project' })).toMatchObject({
      bucket: './b',
      project: 'env-project',
    });
  });

  it('refuses a topic with a local folder: the function reads from Cloud Storage', () => {
    expect(() => parseArgs(['--gcs-bucket', './b', '--topic', 't'], {})).toThrow(/--topic needs a gs:\/\/ bucket/);
  });

  it('refuses bad project ids and warehouses', () => {
    expect(() => parseArgs(['--gcp', 'X'], {})).toThrow(/--gcp: "X" is not a valid project id/);
    expect(() => parseArgs(['--warehouse', 'bigquery:Bad_Project'], {})).toThrow(UsageError);
  });

  it('lists every missing choice for a non-interactive run', () => {
    const opts = parseArgs(['--gcs-bucket', './b', '--event-category', 'a'], {});
    expect(missingFlags(opts)).toEqual(['--analytics-environment', '--event-ds-start', '--event-ds-stop']);
    expect(() => requestFromOptions(opts)).toThrow(
      /missing --analytics-environment, --event-ds-start, --event-ds-stop/,
    );
  });

  it('round-trips a request through the equivalent command line', () => {
    const request = requestFromOptions(parseArgs(full, {}));
    const line = commandLine(request);
    expect(line).toBe(
      'npx analytics-backfill --gcs-bucket gs://events --topic ingest --gcp my-project --warehouse bigquery ' +
        '--analytics-environment testing,staging --event-category all --event-ds-start 2026-03-01 --event-ds-stop 2026-03-03 ' +
        '--event-time 0-8,16-24 --yes',
    );
    const again = requestFromOptions(parseArgs(line.split(' ').slice(2), {}));
    expect(again).toEqual(request);
  });

  it('--cells: only those cells, their span as the ranges; round-trips; refuses bad cells and range flags', () => {
    const args = ['-b', 'gs://events', '-c', 'all', '--cells', 'live/2026-03-04/16-24,testing/2026-03-01/0-8'];
    const request = requestFromOptions(parseArgs(args, {}));
    expect(request.selection).toEqual({
      dataType: 'json',
      environments: ['live', 'testing'],
      categories: 'all',
      start: '2026-03-01',
      stop: '2026-03-04',
      times: ['0-8', '16-24'],
      cells: ['live/2026-03-04/16-24', 'testing/2026-03-01/0-8'],
    });
    const line = commandLine(request);
    expect(line).toContain('--cells live/2026-03-04/16-24,testing/2026-03-01/0-8 --event-category all');
    expect(line).not.toContain('--event-ds-start');
    expect(requestFromOptions(parseArgs(line.split(' ').slice(2), {}))).toEqual(request);
    for (const bad of ['live/2026-03-04', 'live/2026-02-30/0-8', 'live/2026-03-04/0-9', '../2026-03-04/0-8', ','])
      expect(() => parseArgs(['--cells', bad], {}), bad).toThrow(/--cells/);
    expect(() => parseArgs(['--cells', 'live/2026-03-04/0-8', '-s', '2026-03-01'], {})).toThrow(
      /--cells names the environments, days and time buckets itself; it cannot take --event-ds-start/,
    );
  });
});
