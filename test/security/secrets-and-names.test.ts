/**
 * Issue #6, security: credentials in the environment never reach the CLI's output, its run record
 * or the rows it writes, even when files fail; dataset, table and project names are checked
 * against BigQuery's rules before any use, so no name can carry SQL.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTableNames, DEFAULT_TABLE_NAMES } from '../../src/core/schema/table-schemas.js';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { readConfig } from '../../src/function/function-config.js';
import { queryDuckDb } from '../helpers/duckdb-query.js';
import { runCli } from '../helpers/run-cli.js';
import { FAKE_SECRETS, fakeCredentialsEnv } from '../faults/fake-secrets.js';
import { parseJsonOutput } from '../helpers/json-output.js';

const HOSTILE_NAMES = [
  'events`; DROP TABLE logs.x; --',
  'a.b',
  "x' OR '1'='1",
  '',
  'has space',
  'dash-ed',
  'x'.repeat(1025),
  'événements',
  '1starts_with_digit',
];

describe('credentials never leak', () => {
  it('a backfill with tokens and a key file in its environment, and a file that fails, prints and records none of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const bucket = join(dir, 'bucket');
    writeSampleBucket(bucket, {
      environments: ['live'],
      categories: ['c'],
      start: '2026-03-01',
      stop: '2026-03-01',
      times: ['0-8'],
      filesPerPartition: 3,
      eventsPerFile: 5,
      badEvery: 2,
    });
    const keyFile = join(dir, 'sa.json');
    writeFileSync(keyFile, JSON.stringify(FAKE_SECRETS.serviceAccount));
    const db = join(dir, 'w.duckdb');
    const records = join(dir, 'runs');
    const isRoot = process.getuid?.() === 0;
    const args = [
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      '-e',
      'live',
      '-c',
      'all',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '--record-dir',
      records,
      '--yes',
    ];
    // One file unreadable (as a non-root user), so the failure path prints its error too.
    const [first] = readdirSync(
      join(bucket, 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8'),
      { recursive: true, withFileTypes: true },
    ).filter((e) => e.isFile());
    if (!isRoot && first) chmodSync(join(first.parentPath, first.name), 0o000);
    const env = { ...fakeCredentialsEnv(keyFile), ANALYTICS_BACKFILL_TOKEN: FAKE_SECRETS.strings[0] };
    const human = await runCli(args, env);
    const json = await runCli([...args, '--json', '--reprocess'], env);
    expect(human.code).toBe(isRoot ? 0 : 1);
    parseJsonOutput(json.stdout); // the documented shape, failures and all
    expect(human.stdout + human.stderr).toMatch(isRoot ? /3 ingested/ : /EACCES/);
    const record = readdirSync(records)
      .map((n) => readFileSync(join(records, n), 'utf8'))
      .join('\n');
    const rows = JSON.stringify(
      await queryDuckDb(
        db,
        'SELECT * FROM logs.events_logs_function UNION ALL SELECT * FROM logs.events_debug_function',
      ),
      (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
    );
    const everything = [human.stdout, human.stderr, json.stdout, json.stderr, record, rows].join('\n');
    expect(record).toContain('"type":"start"');
    for (const secret of FAKE_SECRETS.strings) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/PRIVATE KEY|authorization|bearer /i);
  });
});

describe('names are checked before use', () => {
  it('dataset and table names: only letters, digits and underscores, starting with a letter or _, at most 1024', () => {
    for (const bad of HOSTILE_NAMES) {
      for (const key of Object.keys(DEFAULT_TABLE_NAMES) as (keyof typeof DEFAULT_TABLE_NAMES)[]) {
        expect(() => validateTableNames({ ...DEFAULT_TABLE_NAMES, [key]: bad }), `${key}=${bad}`).toThrow(
          `invalid ${key} `,
        );
      }
    }
    expect(
      validateTableNames({ ...DEFAULT_TABLE_NAMES, eventsTable: `_${'x'.repeat(1023)}` }).eventsTable,
    ).toHaveLength(1024);
  });

  it('the function refuses to start with a hostile dataset, table or project name, naming the variable', () => {
    const base = { ALLOWED_BUCKETS: 'game-events' };
    expect(() => readConfig({ ...base, EVENTS_DATASET: HOSTILE_NAMES[0] })).toThrow(
      /^EVENTS_DATASET: invalid eventsDataset/,
    );
    expect(() => readConfig({ ...base, DEBUG_TABLE: "x' OR '1'='1" })).toThrow(/^DEBUG_TABLE: invalid debugTable/);
    expect(() => readConfig({ ...base, GOOGLE_CLOUD_PROJECT: 'evil`.x; --' })).toThrow(
      'GOOGLE_CLOUD_PROJECT "evil`.x; --" is not a project id',
    );
    expect(() => readConfig({ ALLOWED_BUCKETS: 'gs://ok-bucket,../x' })).toThrow(
      'ALLOWED_BUCKETS: "../x" is not a bucket name',
    );
    expect(() => readConfig({ ...base, ALLOWED_PREFIXES: 'data_type=json/../' })).toThrow(/ALLOWED_PREFIXES/);
  });

  it('the CLI refuses a hostile project (--gcp, --warehouse bigquery:P) with exit 2 before writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    const common = [
      '-e',
      'live',
      '-c',
      'all',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-01',
      '--record-dir',
      join(dir, 'runs'),
      '--yes',
    ];
    const viaGcp = await runCli(['--gcs-bucket', 'gs://game-events', '--gcp', 'evil`proj', ...common]);
    expect([viaGcp.code, viaGcp.stderr.trim()]).toEqual([
      2,
      'analytics-backfill: --gcp: "evil`proj" is not a valid project id. Run with --help to see the flags.',
    ]);
    const viaWarehouse = await runCli([
      '--gcs-bucket',
      dir,
      '--warehouse',
      "bigquery:x'; DROP TABLE logs.y; --",
      ...common,
    ]);
    expect(viaWarehouse.code).toBe(2);
    expect(viaWarehouse.stderr).toContain('is not a valid project id');
    expect(readdirSync(dir)).toEqual([]);
  });
});
