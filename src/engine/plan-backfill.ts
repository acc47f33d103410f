import { objectKey } from '../core/layout/source-object.js';
import { partitionPrefix, type Partition } from '../core/layout/partition-layout.js';
import type { ResolvedSelection, Selection } from '../core/layout/selection.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { FileJournal } from './file-journal.js';
import { LedgerLookups } from './ledger-lookups.js';
import { mapConcurrent } from './map-concurrent.js';
import { existingPartitions, landedElsewhere, type Elsewhere } from './plan-discovery.js';
import { walkSelection, type Unwalkable } from './resolve-selection.js';
import { LARGEST_FILES, Largest, Reservoir, SAMPLE_FILES } from './sample-time.js';

/** What a staged file is (BigQuery: staged through the Write API, not yet promoted). */
/**
 * What happens to files already ingested, said the same way by the CLI and the wizard. Contract §5
 * lands each file generation once, so sending one again (--reprocess) lands nothing new.
 */
export function alreadyIngestedNote(count: string, reprocess: boolean): string {
  return reprocess
    ? `--reprocess sends ${count} files already ingested again, but they land nothing new: each generation is in the ledger already (they are counted as already ingested). It helps only after their ledger rows were deleted.`
    : `${count} files already ingested are skipped: each file generation lands once (a file changed since has a new generation and is sent).`;
}

export const STAGED_NOTE =
  'staged, not landed yet: the next promotion lands them (they are sent again all the same; nothing lands twice)';

/** One `event_time=` folder of the selection and what the backfill will do with it. */
export interface PartitionPlan {
  partition: Partition;
  matched: number;
  bytes: number;
  alreadyIngested: number;
  /** Not landed, but a complete copy is staged for the next promotion (BigQuery); still sent. */
  staged: number;
  /** How many files to send: matched, less those already ingested unless reprocessing. */
  toSend: number;
  bytesToSend: number;
  /** With `coverage` only: files not landed whose listing or last attempt failed. */
  failed?: number;
  /** With `coverage` only: landed files that had lines rejected into debug rows. */
  rejecting?: number;
}

export interface PlanTotals {
  partitions: number;
  matched: number;
  bytes: number;
  alreadyIngested: number;
  staged: number;
  toSend: number;
  bytesToSend: number;
}

/** What a backfill would do: the preview the CLI prints and the wizard shows. */
export interface BackfillPlan {
  source: string;
  selection: ResolvedSelection;
  reprocess: boolean;
  /** Partitions with at least one matched file, in selection order. */
  partitions: PartitionPlan[];
  totals: PlanTotals;
  /**
   * The files to send, read back from the plan's journal on disk (never all in memory). Absent
   * for a plan made for a preview only (no `journalDir`).
   */
  files?: () => Iterable<SourceObject> | AsyncIterable<SourceObject>;
  /** Removes the journal; the plan can no longer be run. */
  discard(): void;
  /** A few of the files to send, chosen uniformly, and the largest few: what a time forecast reads (`sample-time.ts`). */
  sample: SourceObject[];
  /**
   * Entries above the partitions that the selection would hold but that cannot be walked (a
   * symbolic link, a name not UTF-8 or not `key=VALUE`, an unreadable or hidden folder). Each is
   * counted in the totals as a matched file to send, and the run fails it with its `problem`.
   */
  unwalkable: Unwalkable[];
  /**
   * Of a few sampled files to send, those the warehouse holds under another path (a mirror moved or
   * copied: the ledger keys on the whole path, so they would land again), with one such path.
   */
  elsewhere?: Elsewhere;
}

/** Files to send sampled for {@link BackfillPlan.elsewhere}: one ledger scan whatever the count. */
const ELSEWHERE_SAMPLE = 8;

export interface PlanProgress {
  listedPartitions: number;
  totalPartitions: number;
  matched: number;
}

export interface PlanOptions {
  source: Source;
  /** When given, files already in its ledger are left out unless `reprocess`. */
  warehouse?: Warehouse;
  selection: Selection;
  reprocess?: boolean;
  /** `name#generation` of files to leave out whatever the ledger says (a resumed run's already-sent files). */
  exclude?: ReadonlySet<string>;
  /** Where the journal of files to send is written; without it the plan is a preview only. */
  journalDir?: string;
  listConcurrency?: number;
  /**
   * For `status`: also count, per partition, the files that failed (unreadable when listed, or
   * whose last attempt in a run record failed: `failed`, by `name#generation`) and the landed files
   * whose ledger row counts rejected lines.
   */
  coverage?: { failed: ReadonlyMap<string, string> };
  signal?: AbortSignal;
  onProgress?: (p: PlanProgress) => void;
}

interface Listed {
  object: SourceObject;
  at: number;
}

/**
 * Lists the selection's partitions, asks the warehouse what already landed, and sums it up. Files
 * stream through: each is counted in its partition and, when it is to be sent, appended to the
 * journal; memory holds only the lookups in flight, whatever the number of files.
 */
export async function planBackfill(opts: PlanOptions): Promise<BackfillPlan> {
  const { source, signal } = opts;
  const walked = await walkSelection(source, opts.selection, signal);
  const selection = walked.selection;
  const { partitions, problems } = await existingPartitions(source, selection, signal);
  const unwalkable = [...walked.problems, ...problems];
  const progress: PlanProgress = { listedPartitions: 0, totalPartitions: partitions.length, matched: 0 };
  opts.onProgress?.({ ...progress });

  const coverage = opts.coverage;
  const plans: PartitionPlan[] = partitions.map((partition) => ({
    partition,
    matched: 0,
    bytes: 0,
    alreadyIngested: 0,
    staged: 0,
    toSend: 0,
    bytesToSend: 0,
    ...(coverage ? { failed: 0, rejecting: 0 } : {}),
  }));
  const journal = opts.journalDir !== undefined ? FileJournal.create(opts.journalDir) : undefined;
  const sample = new Reservoir<SourceObject>(SAMPLE_FILES);
  const largest = new Largest<SourceObject>(LARGEST_FILES);
  // Sent as failed files, so the run counts and records each (a resume tries them again).
  const failing = unwalkable.filter((o) => !opts.exclude?.has(objectKey(o)));
  try {
    for (const o of failing) journal?.append(o);
    const lookups = new LedgerLookups<Listed>(
      opts.warehouse,
      ({ object }) => ({ filePath: source.filePath(object.name), generation: object.generation, name: object.name }),
      ({ object, at }, landed, staged, rejecting) => {
        const p = plans[at]!;
        p.matched++;
        p.bytes += object.size;
        if (landed) p.alreadyIngested++;
        if (staged) p.staged++;
        if (coverage) {
          const failed = object.problem !== undefined || coverage.failed.has(objectKey(object));
          if (!landed && !staged && failed) p.failed!++;
          if (rejecting) p.rejecting!++;
        }
        if ((opts.reprocess || !landed) && !opts.exclude?.has(objectKey(object))) {
          p.toSend++;
          p.bytesToSend += object.size;
          journal?.append(object);
          if (object.problem === undefined) {
            sample.add(object);
            largest.add(object);
          }
        }
      },
      { rejecting: coverage !== undefined },
    );
    // Listing and ledger queries overlap: each listed file joins a lookup chunk at once.
    const listOne = async (at: number) => {
      for await (const object of source.list(partitionPrefix(partitions[at]!), signal)) {
        progress.matched++;
        await lookups.add({ object, at }, at);
      }
      await lookups.end(at);
      progress.listedPartitions++;
      opts.onProgress?.({ ...progress });
    };
    for await (const _ of mapConcurrent(
      partitions.keys(),
      opts.listConcurrency ?? source.listConcurrency ?? 16,
      listOne,
      signal,
    ));
    signal?.throwIfAborted();
    await lookups.done();
    journal?.finish();
  } catch (error) {
    journal?.remove();
    throw error;
  }
  const kept = plans.filter((p) => p.matched > 0);
  const elsewhere = await landedElsewhere(opts.warehouse, source, sample.items.slice(0, ELSEWHERE_SAMPLE));
  const totals = totalsOf(kept);
  totals.matched += unwalkable.length;
  totals.toSend += failing.length;
  return {
    source: source.url,
    selection,
    reprocess: opts.reprocess ?? false,
    partitions: kept,
    totals,
    unwalkable,
    ...(elsewhere ? { elsewhere } : {}),
    ...(journal ? { files: () => journal.read() } : {}),
    discard: () => journal?.remove(),
    sample: [...sample.items, ...largest.items.filter((o) => !sample.items.includes(o))],
  };
}

export function totalsOf(plans: readonly PartitionPlan[]): PlanTotals {
  const t: PlanTotals = {
    partitions: plans.length,
    matched: 0,
    bytes: 0,
    alreadyIngested: 0,
    staged: 0,
    toSend: 0,
    bytesToSend: 0,
  };
  for (const p of plans) {
    t.matched += p.matched;
    t.bytes += p.bytes;
    t.alreadyIngested += p.alreadyIngested;
    t.staged += p.staged;
    t.toSend += p.toSend;
    t.bytesToSend += p.bytesToSend;
  }
  return t;
}
