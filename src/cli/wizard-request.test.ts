import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession } from '../app/backfill-session.js';
import type { CloudFactories } from '../ports/cloud.js';
import { choicesOf } from '../ui/hooks/use-wizard-flow.js';
import { commandLine, requestFromOptions, type BackfillRequest } from './backfill-request.js';
import { parseArgs } from './parse-args.js';
import { requestOfChoices, wizardInputOf } from './wizard-request.js';
import { resumeRequest } from './resume-request.js';
import { RunRecord } from '../engine/run-record.js';

/** A folder mirroring a bucket: 2 environments × 3 days × 2 time buckets, one file each. */
function folder(): string {
  const root = mkdtempSync(join(tmpdir(), 'same-request-'));
  for (const env of ['testing', 'staging'])
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03'])
      for (const time of ['0-8', '16-24']) {
        const dir = join(
          root,
          `data_type=json/analytics_environment=${env}/event_category=c/event_ds=${day}/event_time=${time}/s`,
        );
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'f1'), '{"eventClass":"x"}\n');
      }
  return root;
}

/** No cloud is reached for a folder into DuckDB: any use is a bug in the test. */
const noCloud = new Proxy({} as CloudFactories, {
  get: (_, key) => () => {
    throw new Error(`the cloud was asked for ${String(key)}`);
  },
});

/** The wizard given these flags, every step fixed by them: the request it ends with. */
function wizardRequest(argv: string[]): BackfillRequest {
  const opts = parseArgs(argv, {});
  const choices = choicesOf(wizardInputOf(opts, {}));
  if (choices === undefined) throw new Error('the flags left a step open');
  return requestOfChoices(choices, opts);
}

const bucket = folder();
const base = ['--gcs-bucket', bucket, '-w', 'duckdb:/tmp/same-request.duckdb'];
const CASES: [string, string[]][] = [
  ['--cells, every category', [...base, '--cells', 'testing/2026-03-01/0-8,staging/2026-03-03/16-24', '-c', 'all']],
  ['a -T subset', [...base, '-e', 'testing', '-c', 'c', '-s', '2026-03-01', '-u', '2026-03-02', '-T', '16-24']],
  ['all of everything', [...base, '-e', 'all', '-c', 'all', '-s', '2026-03-01', '-u', '2026-03-03', '-T', 'all']],
  ['no -T (all buckets)', [...base, '-e', 'staging,testing', '-c', 'all', '-s', '2026-03-02', '-u', '2026-03-02']],
  [
    '--topic, --reprocess, --job-name',
    [
      '--gcs-bucket',
      'gs://my-events',
      '-t',
      'ingest',
      '-p',
      'my-project',
      '-e',
      'all',
      '-c',
      'c',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '--reprocess',
      '--job-name',
      'j',
    ],
  ],
];

describe('the wizard and the flags build one request', () => {
  it.each(CASES)('%s: the same request, and the same command line', (_, argv) => {
    const flags = requestFromOptions(parseArgs(argv, {}));
    const wizard = wizardRequest(argv);
    expect(wizard).toEqual(flags);
    expect(commandLine(wizard)).toBe(commandLine(flags));
  });

  it.each(CASES)("%s, resumed: the run record of the wizard's run gives --resume the same request", (_, argv) => {
    const records = mkdtempSync(join(tmpdir(), 'same-request-runs-'));
    const wizard = wizardRequest(argv);
    const record = RunRecord.create(records, {
      type: 'start',
      runId: 'r1',
      createdAt: new Date().toISOString(),
      source: wizard.bucket,
      publisher: 'test',
      selection: {
        dataType: 'json',
        environments: [],
        categories: [],
        start: '2026-03-01',
        stop: '2026-03-01',
        times: [],
      },
      reprocess: wizard.reprocess,
      planned: 0,
      request: wizard,
    });
    record.close();
    const resumed = resumeRequest('r1', records).request;
    expect(resumed).toEqual(requestFromOptions(parseArgs(argv, {})));
    expect(commandLine(resumed)).toBe(commandLine(wizard));
  });

  it('--cells plans exactly its cells in both: 2 partitions, not the 12 of their span', async () => {
    const argv = CASES[0]![1];
    const plans = await Promise.all(
      [requestFromOptions(parseArgs(argv, {})), wizardRequest(argv)].map(async (req) => {
        const session = await openSession(req, { cloud: noCloud, recordDir: tmpdir(), dryRun: true });
        try {
          const plan = await session.plan();
          return { partitions: plan.partitions.length, files: plan.totals.matched };
        } finally {
          await session.close();
        }
      }),
    );
    expect(plans).toEqual([
      { partitions: 2, files: 2 },
      { partitions: 2, files: 2 },
    ]);
  });
});
