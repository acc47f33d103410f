import { levelPrefix, partitionPrefix, type Partition } from '../core/partition-layout.js';
import { datesOf, type ResolvedSelection, type Selection } from '../core/selection.js';
import type { Source, SourceObject } from '../ports/source.js';
import { ledgerKey, type Warehouse } from '../ports/warehouse.js';
import { LedgerLookups } from './ledger-lookups.js';
import { mapConcurrent } from './map-concurrent.js';
import { resolveSelection } from './resolve-selection.js';

/** One `event_time=` folder of the selection and what the backfill will do with it. */
export interface PartitionPlan {
  partition: Partition;
  matched: number;
  bytes: number;
  alreadyIngested: number;
  /** The files to send: matched, less those already ingested unless reprocessing. */
  toSend: SourceObject[];
  bytesToSend: number;
}

export interface PlanTotals {
  partitions: number;
  matched: number;
  bytes: number;
  alreadyIngested: number;
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
}

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
  listConcurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: PlanProgress) => void;
}

/** Lists the selection's partitions, asks the warehouse what already landed, and sums it up. */
export async function planBackfill(opts: PlanOptions): Promise<BackfillPlan> {
  const { source, signal } = opts;
  const selection = await resolveSelection(source, opts.selection, signal);
  const partitions = await existingPartitions(source, selection, signal);
  const progress: PlanProgress = { listedPartitions: 0, totalPartitions: partitions.length, matched: 0 };
  opts.onProgress?.({ ...progress });

  const listed = new Map<string, { partition: Partition; files: SourceObject[] }>();
  const listOne = async (partition: Partition) => {
    const files: SourceObject[] = [];
    for await (const o of source.list(partitionPrefix(partition), signal)) files.push(o);
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { partition, files };
  };
  // The ledger is asked while listing goes on, a chunk of files at a time.
  const fileKey = (o: SourceObject) => ({ filePath: source.filePath(o.name), generation: o.generation });
  const lookups = opts.warehouse ? new LedgerLookups(opts.warehouse) : undefined;
  for await (const result of mapConcurrent(partitions, opts.listConcurrency ?? 16, listOne, signal)) {
    listed.set(partitionPrefix(result.partition), result);
    progress.listedPartitions++;
    progress.matched += result.files.length;
    opts.onProgress?.({ ...progress });
    await lookups?.add(result.files.map(fileKey));
  }
  signal?.throwIfAborted();
  const done = (await lookups?.done()) ?? new Set<string>();

  const plans: PartitionPlan[] = [];
  for (const partition of partitions) {
    const entry = listed.get(partitionPrefix(partition));
    if (!entry || entry.files.length === 0) continue;
    const isDone = entry.files.map((o) => done.size > 0 && done.has(ledgerKey(fileKey(o))));
    const already = entry.files.filter((_, i) => isDone[i]);
    const toSend = entry.files.filter((o, i) => (opts.reprocess || !isDone[i]) && !opts.exclude?.has(`${o.name}#${o.generation}`));
    plans.push({
      partition,
      matched: entry.files.length,
      bytes: sum(entry.files),
      alreadyIngested: already.length,
      toSend,
      bytesToSend: sum(toSend),
    });
  }
  return { source: source.url, selection, reprocess: opts.reprocess ?? false, partitions: plans, totals: totalsOf(plans) };
}

function sum(files: readonly SourceObject[]): number {
  return files.reduce((n, o) => n + o.size, 0);
}

export function totalsOf(plans: readonly PartitionPlan[]): PlanTotals {
  const t: PlanTotals = { partitions: plans.length, matched: 0, bytes: 0, alreadyIngested: 0, toSend: 0, bytesToSend: 0 };
  for (const p of plans) {
    t.matched += p.matched;
    t.bytes += p.bytes;
    t.alreadyIngested += p.alreadyIngested;
    t.toSend += p.toSend.length;
    t.bytesToSend += p.bytesToSend;
  }
  return t;
}

/**
 * The selection's partitions that exist: per environment and category, one delimiter listing finds
 * the dates present, so a year-long range costs a listing per date that has data, not per day.
 */
async function existingPartitions(source: Source, s: ResolvedSelection, signal?: AbortSignal): Promise<Partition[]> {
  const wanted = new Set(datesOf(s.start, s.stop));
  const out: Partition[] = [];
  for (const environment of s.environments) {
    for (const category of s.categories) {
      const dates = await source.discover(levelPrefix([s.dataType, environment, category]), signal);
      for (const ds of dates.filter((d) => wanted.has(d)).sort()) {
        for (const time of s.times) out.push({ dataType: s.dataType, environment, category, ds, time });
      }
    }
  }
  return out;
}
