/**
 * `--json`, as an interface: every document carries `schemaVersion` and `kind`, keys are
 * camelCase, and a partition has one shape in a backfill's preview and in `status`. The schema is
 * docs/json-output.schema.json; the e2e suite validates every document it produces against it.
 * Change a shape only with the schema, and raise the version for a change that breaks a reader.
 */
import { cellState } from '../core/layout/coverage-map.js';
import { partitionPrefix } from '../core/layout/partition-layout.js';
import { countsOf } from '../engine/cell-counts.js';
import type { BackfillPlan, PartitionPlan } from '../engine/plan-backfill.js';
import type { RunSummary } from '../engine/run-backfill.js';

export const JSON_SCHEMA_VERSION = 1;

/** A partition: where it is, what the bucket holds, what landed, what a backfill would send. */
export function partitionJson(p: PartitionPlan) {
  return {
    prefix: partitionPrefix(p.partition),
    environment: p.partition.environment,
    category: p.partition.category,
    ds: p.partition.ds,
    time: p.partition.time,
    files: p.matched,
    bytes: p.bytes,
    landed: p.alreadyIngested,
    staged: p.staged,
    missing: p.matched - p.alreadyIngested - p.staged,
    failed: p.failed ?? 0,
    rejecting: p.rejecting ?? 0,
    toSend: p.toSend,
    bytesToSend: p.bytesToSend,
    state: cellState(countsOf(p)),
  };
}

/** The same counts over the whole plan. */
export function totalsJson(plan: BackfillPlan) {
  const t = plan.totals;
  const sum = (of: (p: PartitionPlan) => number) => plan.partitions.reduce((n, p) => n + of(p), 0);
  return {
    partitions: t.partitions,
    files: t.matched,
    bytes: t.bytes,
    landed: t.alreadyIngested,
    staged: t.staged,
    missing: t.matched - t.alreadyIngested - t.staged,
    failed: sum((p) => p.failed ?? 0) + plan.unwalkable.length,
    rejecting: sum((p) => p.rejecting ?? 0),
    toSend: t.toSend,
    bytesToSend: t.bytesToSend,
  };
}

/** A backfill's `--json`: the preview, and the run when there was one. */
export function backfillJson(plan: BackfillPlan, summary: RunSummary | undefined, dryRun: boolean) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    kind: 'backfill' as const,
    dryRun,
    source: plan.source,
    selection: plan.selection,
    reprocess: plan.reprocess,
    totals: totalsJson(plan),
    partitions: plan.partitions.map(partitionJson),
    unwalkable: unwalkableJson(plan),
    ...(summary ? { run: runJson(summary) } : {}),
  };
}

function runJson(s: RunSummary) {
  const c = s.counts;
  return {
    runId: s.runId,
    record: s.recordPath,
    counts: {
      published: c.published,
      ingested: c.ingested,
      staged: c.staged,
      alreadyIngested: c['already-ingested'],
      failed: c.failed,
    },
    notSent: s.notSent,
    rows: {
      events: s.rows.events,
      rejectedLines: s.rows.debug,
      filesWithRejectedLines: s.rows.filesWithDebug,
      worst: s.rows.worst,
    },
    interrupted: s.interrupted,
    ...(s.promotionError !== undefined ? { promotionError: s.promotionError } : {}),
    ...(s.recordError !== undefined ? { recordError: s.recordError } : {}),
    failures: s.failures,
    elapsedMs: Math.round(s.elapsedMs),
  };
}

/** `status --json`: each partition of the selection with files, and the totals. */
export function statusJson(plan: BackfillPlan) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    kind: 'status' as const,
    source: plan.source,
    selection: plan.selection,
    partitions: plan.partitions.map(partitionJson),
    unwalkable: unwalkableJson(plan),
    totals: totalsJson(plan),
  };
}

/** Each entry above the partitions that cannot be walked, and why. */
function unwalkableJson(plan: BackfillPlan) {
  return plan.unwalkable.map(({ name, problem }) => ({ name, problem }));
}

/** The header of a document (for `status --sessions --json` and `status --partition --json` lines). */
export function documentOf<K extends string>(kind: K) {
  return { schemaVersion: JSON_SCHEMA_VERSION, kind };
}
