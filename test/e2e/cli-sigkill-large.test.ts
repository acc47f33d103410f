import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BY_FILE_SQL } from '../helpers/big-files.js';
import { bigRun } from '../helpers/big-run.js';
import { queryDuckDb } from '../helpers/duckdb-query.js';
import { BIN, runCli } from '../helpers/run-cli.js';

// Issue 27, item 4 (a file half-landed after a crash): a large file is committed in chunks
// (local/duckdb/duckdb-pending.ts), so a kill can leave some of its chunks committed; the next write
// session removes them before anything else, and the file lands whole, once.

describe('a run of large files killed with SIGKILL, again and again', () => {
  it('leaves no part of a file: each resume lands every file whole, once', async () => {
    const { perFile, db, records, child, exited, sending } = bigRun('cli-kill-large-');
    await sending();
    await new Promise((r) => setTimeout(r, 2500)); // chunks of the first files committed, more being written
    child.kill('SIGKILL');
    await exited;
    const args = ['--record-dir', records, '--yes'];
    // The same flags again, killed again mid-file a few times, then to the end.
    const [record] = readdirSync(records).filter((n) => n.endsWith('.ndjson') && !n.startsWith('.'));
    const runId = record!.replace(/\.ndjson$/, '');
    for (let round = 0; round < 2; round++) {
      const again = spawn(process.execPath, [BIN, '--resume', runId, ...args], { stdio: 'ignore' });
      const closed = new Promise((r) => again.once('close', r));
      await new Promise((r) => setTimeout(r, 1500));
      again.kill('SIGKILL'); // mid-file, or after it ended: either way the next resume finds the file whole
      await closed;
    }
    const last = await runCli(['--resume', runId, ...args]);
    expect(last.code, last.stderr).toBe(0);
    const byFile = (await queryDuckDb(db, BY_FILE_SQL)) as [number, bigint][];
    expect(byFile).toHaveLength(perFile.length);
    for (const [f, n] of byFile) expect(Number(n), `file f${f}`).toBe(perFile[f]);
    const [[all, distinct, pending]] = (await queryDuckDb(
      db,
      'SELECT count(*), count(DISTINCT event_id), (SELECT count(*) FROM logs._backfill_pending) FROM events.events_function',
    )) as [[bigint, bigint, bigint]];
    const total = perFile.reduce((a, b) => a + b, 0);
    expect([Number(all), Number(distinct), Number(pending)]).toEqual([total, total, 0]);
  }, 180_000);
});
