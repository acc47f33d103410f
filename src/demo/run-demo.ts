import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../cli/main.js';
import { DEMO_BUCKET, writeSampleBucket } from './sample-bucket.js';

/**
 * `npm run demo`: writes a sample bucket in the endpoint's format, backfills it into a local
 * DuckDB file with the same command an operator would type, and prints what landed.
 */
export async function runDemo(dir = resolve('.demo'), out: Writable = process.stdout): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  const bucket = join(dir, 'bucket');
  const db = join(dir, 'analytics.duckdb');
  const tally = writeSampleBucket(bucket, DEMO_BUCKET);
  out.write(
    `Wrote a sample bucket: ${tally.files} files, ${tally.events} events, ${tally.rejected} bad lines, in ${bucket}\n\n`,
  );
  const args = [
    '--gcs-bucket',
    bucket,
    '--warehouse',
    `duckdb:${db}`,
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
    '--record-dir',
    join(dir, 'runs'),
    '--yes',
  ];
  out.write(`$ npx analytics-backfill ${args.join(' ')}\n`);
  const io = {
    stdin: process.stdin,
    stdout: out,
    stderr: process.stderr,
    env: process.env,
    interrupt: new AbortController().signal,
  };
  const code = await main(args, io);
  if (code !== 0) return code;

  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
  out.write('\nWhat landed in DuckDB:\n');
  for (const table of ['events.events_function', 'logs.events_logs_function', 'logs.events_debug_function']) {
    const rows = await query(`SELECT count(*) FROM ${table}`);
    out.write(`  ${table.padEnd(30)} ${String(rows[0]?.[0])} rows\n`);
  }
  out.write('\nEvents by environment and class:\n');
  for (const [env, cls, n] of await query(
    'SELECT analytics_environment, event_class, count(*) FROM events.events_function GROUP BY ALL ORDER BY ALL',
  ))
    out.write(`  ${String(env).padEnd(10)} ${String(cls).padEnd(12)} ${String(n)}\n`);
  out.write('\nA rejected line, from the debug table:\n');
  for (const [event, path] of await query('SELECT event, file_path FROM logs.events_debug_function LIMIT 1')) {
    out.write(`  ${String(event)}\n    (from ${String(path)})\n`);
  }
  connection.closeSync();
  instance.closeSync();
  out.write(`\nRun it again and nothing is sent twice: the ledger in logs.events_logs_function knows every file.\n`);
  return 0;
}

// Run directly: `node dist/demo/run-demo.js`.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runDemo();
}
