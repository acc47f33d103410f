import type { TableNames } from '../core/table-schemas.js';
import type { FileKey, RowBatch, WriteOutcome } from '../ports/warehouse.js';
import { insertStatement, type TableSpec } from './bigquery-ddl.js';
import { writeJobStem, type RunOnce } from './bigquery-jobs.js';
import { Cutter, encodeEvent, encodeLog, type Part } from './bigquery-rows.js';

type Kind = TableSpec['kind'];

export interface DmlWriteDeps {
  project: () => string;
  names: TableNames;
  spec: (kind: Kind) => TableSpec;
  runOnce: RunOnce;
  jobPrefix: string;
  /** Size budget of one job's rows; a file within it lands in one atomic job, a larger one in parts. */
  maxJobBytes: number;
  maxJobRows: number;
  /** Runs first: an outcome here (the file is in the ledger) means nothing is written. */
  before: (file: FileKey) => Promise<WriteOutcome | undefined>;
}

/**
 * The per-file DML path: each file in one multi-statement transaction (or, past one job's budget,
 * in once-only parts, the ledger row last) under job ids derived from the file, so BigQuery refuses
 * to run the same write twice. Limited by BigQuery's DML rate to about 2.5 files/s: kept for tests
 * of this path only; the CLI and the function stage and promote (docs/exactly-once.md).
 */
export function createDmlFileWrite(
  deps: DmlWriteDeps,
): (file: FileKey, batches: AsyncIterable<RowBatch>) => Promise<WriteOutcome> {
  const { project, names, spec, runOnce, maxJobBytes, maxJobRows } = deps;
  const jobStem = (file: FileKey, part: string) => writeJobStem(deps.jobPrefix, project(), names, file, part);

  return async function writeFile(file: FileKey, batches: AsyncIterable<RowBatch>): Promise<WriteOutcome> {
    const before = await deps.before(file);
    if (before) return before;

    const cut: Record<Kind, Cutter> = {
      events: new Cutter(maxJobBytes, maxJobRows),
      debug: new Cutter(maxJobBytes, maxJobRows),
      logs: new Cutter(maxJobBytes, maxJobRows),
    };
    let stableTotal = 0;
    let rowsTotal = 0;
    let parted = false;
    let wroteAny = false;
    const flushed: Record<Kind, number> = { events: 0, debug: 0, logs: 0 };

    // Parted mode: writes one table's part as its own once-only job.
    const writePart = async (kind: Kind, index: number, part: Part) => {
      const s = spec(kind);
      const r = await runOnce(jobStem(file, `${kind}_p${index}`), insertStatement(project(), s, 'rows'), {
        rows: `[${part.rows.map((x) => JSON.stringify(x)).join(',')}]`,
      });
      if (r === 'ran') wroteAny = true;
    };
    // Parted mode: writes every completed events/debug part not written yet (memory stays bounded).
    const flushDone = async () => {
      for (const kind of ['events', 'debug'] as const) {
        const c = cut[kind];
        while (flushed[kind] < c.done.length) {
          const i = flushed[kind];
          await writePart(kind, i, c.done[i]!);
          c.done[i] = { rows: [], stable: 0, actual: 0 }; // release the rows
          flushed[kind]++;
        }
      }
    };

    for await (const batch of batches) {
      for (const row of batch.events) stableTotal += cut.events.push(encodeEvent(row));
      for (const row of batch.debug) stableTotal += cut.debug.push(encodeLog(row));
      for (const row of batch.logs) stableTotal += cut.logs.push(encodeLog(row));
      rowsTotal += batch.events.length + batch.debug.length + batch.logs.length;
      // Over one job's budget: cut per table instead (decided by content alone, so a retry agrees).
      if (stableTotal > maxJobBytes || rowsTotal > maxJobRows) parted = true;
      if (parted) await flushDone();
    }

    if (!parted) {
      // The whole file in one job: one transaction over the three tables, the ledger row last.
      const statements: string[] = [];
      const params: Record<string, string> = {};
      for (const kind of ['events', 'debug', 'logs'] as const) {
        const rows = cut[kind].all().flatMap((p) => p.rows);
        if (rows.length === 0) continue;
        statements.push(insertStatement(project(), spec(kind), kind) + ';');
        params[kind] = `[${rows.map((x) => JSON.stringify(x)).join(',')}]`;
      }
      if (statements.length === 0) return 'written';
      // No ledger test inside the job: the check above and the job id together already exclude a
      // second copy (see docs/exactly-once.md), and a test here would scan the logs table again.
      const sql = ['BEGIN TRANSACTION;', ...statements, 'COMMIT TRANSACTION;'].join('\n');
      const r = await runOnce(jobStem(file, 'all'), sql, params);
      return r === 'ran' ? 'written' : 'already-ingested';
    }

    // Parted: the rest of events and debug, then the logs, the part with the ledger row last.
    for (const kind of ['events', 'debug'] as const) {
      const parts = cut[kind].all();
      for (let i = flushed[kind]; i < parts.length; i++) await writePart(kind, i, parts[i]!);
    }
    const logParts = cut.logs.all();
    for (let i = 0; i < logParts.length; i++) await writePart('logs', i, logParts[i]!);
    return wroteAny ? 'written' : 'already-ingested';
  };
}
