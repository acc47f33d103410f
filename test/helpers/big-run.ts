import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigFiles } from './big-files.js';
import { BIN } from './run-cli.js';
import { until } from './until.js';

/** A `--yes` run of 12 files of 24 MiB into DuckDB, started, and what it prints. */
export function bigRun(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const perFile = writeBigFiles(join(dir, 'bucket'), 12, 24);
  const db = join(dir, 'w.duckdb');
  const records = join(dir, 'runs');
  const args = ['-b', join(dir, 'bucket'), '-w', `duckdb:${db}`, '-e', 'all', '-c', 'all'].concat([
    '-s',
    '2026-03-01',
    '-u',
    '2026-03-01',
    '--record-dir',
    records,
    '--yes',
  ]);
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  /** As a shell reports it: ending by SIGINT is 130. */
  const exited = ended.then(({ code, signal }) => code ?? (signal === 'SIGINT' ? 130 : null));
  // The run is sending once its record exists.
  const sending = () =>
    until(() => existsSync(records) && readdirSync(records).some((n) => !n.startsWith('.')), 30_000);
  return { perFile, db, records, child, out, exited, ended, sending };
}
