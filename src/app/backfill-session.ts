import { planBackfill, type BackfillPlan, type PlanOptions, type PlanProgress } from '../engine/plan-backfill.js';
import { runBackfill, type RunEvent, type RunSummary } from '../engine/run-backfill.js';
import { resolveSelection } from '../engine/resolve-selection.js';
import { newRunId, RunRecord } from '../engine/run-record.js';
import type { Source } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import type { BackfillRequest } from './backfill-request.js';
import type { CloudFactories } from '../ports/cloud.js';
import { existsSync } from 'node:fs';
import { checkPlaces } from './check-places.js';
import { duckDbFile } from '../core/schema/warehouse-spec.js';
import { openPublisher, openSource, prepareWarehouse } from './open-ports.js';
import { persist, reach } from './reach.js';

export interface SessionOptions {
  cloud: CloudFactories;
  recordDir: string;
  dryRun: boolean;
  /** A source already opened for this bucket (the wizard opens it to discover values). */
  source?: Source;
  /** `name#generation` of files a resumed run already sent. */
  exclude?: ReadonlySet<string>;
  /** The run id this run resumes. */
  resumes?: string;
  /** Where "still trying to reach …" lines go while a service does not answer. */
  notify?: (line: string) => void;
  /**
   * Close the warehouse between planning and running (the wizard): a DuckDB file is locked while
   * open, and a person may read the preview for as long as they like.
   */
  releaseBetween?: boolean;
  /**
   * How long the final promotion of a direct BigQuery run waits for BigQuery to answer again
   * (default 120 s; env ANALYTICS_BACKFILL_WAIT_SECONDS). Then the run ends with its files staged.
   */
  waitMs?: number;
  /** For `status`: the plan also counts failed files and files with rejected lines (see PlanOptions). */
  coverage?: PlanOptions['coverage'];
}

/** One backfill from plan to run: the steps the `--yes` CLI and the wizard both take. */
export interface BackfillSession {
  source: Source;
  warehouse: Warehouse | undefined;
  /** The warehouse, opened again when released between steps (the wizard's follow after a run); closed with the session. */
  openWarehouse(): Promise<Warehouse | undefined>;
  plan(signal?: AbortSignal, onProgress?: (p: PlanProgress) => void): Promise<BackfillPlan>;
  run(plan: BackfillPlan, signal?: AbortSignal, onEvent?: (e: RunEvent) => void): Promise<RunSummary>;
  /** The run started last (its id and record), once `run` has begun: what a resume needs. */
  readonly started: { runId: string; recordPath: string } | undefined;
  close(): Promise<void>;
}

/** Opens the source and warehouse of a request. A dry run opens nothing it could write to. */
export async function openSession(req: BackfillRequest, opts: SessionOptions): Promise<BackfillSession> {
  const notify = opts.notify ?? (() => undefined);
  const source = opts.source ?? (await openSource(req.bucket, req.project, opts.cloud));
  // What cannot work is refused before anything is created (no DuckDB file, no record): a bucket
  // that does not answer, a value it does not hold, a topic that does not exist.
  // DuckDB loads on its worker meanwhile (nothing is opened or created before the checks pass).
  const warehouses = await prepareWarehouse(req.warehouse, req.project, opts.cloud, { readOnly: opts.dryRun });
  try {
    const service = source.url.startsWith('gs://') ? 'storage' : 'cloud';
    await reach(service, source.url, () => resolveSelection(source, req.selection), notify);
    if (req.topic !== undefined) {
      const topic = req.topic;
      await reach('pubsub', topic, () => opts.cloud.checkTopic(topic, req.project), notify);
    }
    checkPlaces(source, req.warehouse, opts.recordDir, opts.dryRun);
  } catch (error) {
    await warehouses.dispose();
    throw error;
  }
  const openIt = () => warehouses.open();
  // A DuckDB file that does not exist yet holds no ledger: it is created when the run starts, not
  // while planning, so a plan that is refused (--max-files) or never confirmed creates nothing.
  const file = duckDbFile(req.warehouse);
  const notYet = () => !opts.dryRun && file !== undefined && !existsSync(file);
  // open() takes the started worker whatever comes of it: nothing is left to dispose of here.
  let warehouse = notYet() ? undefined : await openIt();
  const use = async () => (warehouse ??= await openIt());
  const forPlan = async () => warehouse ?? (notYet() ? undefined : await use());
  const release = async () => {
    if (!opts.releaseBetween) return;
    const w = warehouse;
    warehouse = undefined;
    await w?.close();
  };
  /** The last plan made: its journal is removed when another replaces it and at close. */
  let last: BackfillPlan | undefined;
  const closeAll = async () => {
    last?.discard();
    await warehouse?.close();
    await warehouses.dispose();
  };
  let started: BackfillSession['started'];
  return {
    source,
    get warehouse() {
      return warehouse;
    },
    get started() {
      return started;
    },
    openWarehouse: use,
    plan: async (signal, onProgress) => {
      last?.discard();
      const w = await forPlan();
      last = await reach(
        'cloud',
        req.bucket,
        () =>
          planBackfill({
            source,
            warehouse: w,
            selection: req.selection,
            reprocess: req.reprocess,
            exclude: opts.exclude,
            ...(opts.coverage ? { coverage: opts.coverage } : {}),
            signal,
            onProgress,
            // A dry run writes nothing: it keeps no list of files, only the counts.
            ...(opts.dryRun ? {} : { journalDir: opts.recordDir }),
          }),
        notify,
        0,
        { forMs: 0 }, // a plan is not started again: its journal and progress are its own
      ).finally(release);
      return last;
    },
    async run(plan, signal, onEvent) {
      const runId = newRunId();
      const w = await use();
      const publisher = await openPublisher({
        topic: req.topic,
        project: req.project,
        source,
        warehouse: w,
        jobName: (id) => req.jobName ?? `analytics-backfill-${id}`,
        cloud: opts.cloud,
      });
      const record = RunRecord.create(opts.recordDir, {
        type: 'start',
        runId,
        createdAt: new Date().toISOString(),
        source: source.url,
        publisher: publisher.url,
        warehouse: w?.url,
        selection: plan.selection,
        reprocess: req.reprocess,
        planned: plan.totals.toSend,
        resumes: opts.resumes,
        request: req,
      });
      started = { runId, recordPath: record.path };
      try {
        return await runBackfill({
          plan,
          publisher,
          record,
          runId,
          signal,
          onEvent,
          // The final promotion of what a direct BigQuery run staged: a short outage is waited out.
          settling: (settle) => persist('bigquery', w?.url ?? 'BigQuery', settle, notify, opts.waitMs),
        });
      } finally {
        await publisher.close();
        await release();
      }
    },
    close: closeAll,
  };
}
