#!/usr/bin/env node
// Kills a direct DuckDB backfill with SIGKILL right after its first group commits, ROUNDS times
// (default 20), and checks after each kill that the file holds whole groups only: 20 events per
// ledger row (the sample's files hold 20 events each). Run it beside a CPU load to widen the
// window in which the kill lands inside a commit (docs/reliability.md). Exit 1 on a torn state.
//
//   npm run build && node scripts/kill-loop.js
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeSampleBucket } from '../dist/demo/sample-bucket.js';

const BIN = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 20);
const base = mkdtempSync(join(tmpdir(), 'kill-loop-'));
const bucket = join(base, 'bucket');
writeSampleBucket(bucket, {
  environments: ['live'],
  categories: ['gameplay', 'economy'],
  start: '2026-03-01',
  stop: '2026-03-05',
  times: ['0-8', '8-16', '16-24'],
  filesPerPartition: 100,
  eventsPerFile: 20,
  badEvery: 3,
  gzipEvery: 4,
  seed: 11,
});

const query = async (db, sql) => {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

let torn = 0;
for (let round = 1; round <= rounds; round++) {
  const dir = mkdtempSync(join(base, 'run-'));
  const db = join(dir, 'w.duckdb');
  const records = join(dir, 'runs');
  const child = spawn(
    process.execPath,
    [
      BIN,
      '-b',
      bucket,
      '-w',
      `duckdb:${db}`,
      '-e',
      'live',
      '-c',
      'all',
      '-s',
      '2026-03-01',
      '-u',
      '2026-03-05',
      '--record-dir',
      records,
      '--yes',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const recorded = () => {
    const name = existsSync(records) ? readdirSync(records).find((n) => !n.startsWith('.')) : undefined;
    return name !== undefined && readFileSync(join(records, name), 'utf8').includes('"type":"file"');
  };
  while (!recorded()) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  await exited;
  const [[ledger]] = await query(
    db,
    "SELECT count(*) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')",
  );
  const [[events]] = await query(db, 'SELECT count(*) FROM events.events_function');
  const whole = Number(events) === Number(ledger) * 20;
  if (!whole) torn++;
  console.log(JSON.stringify({ round, ledger: Number(ledger), events: Number(events), whole }));
  if (whole) rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'kill-loop', rounds, torn }));
process.exit(torn > 0 ? 1 : 0);
