import { exitCodeOfRun } from '../../engine/run-outcome.js';
import type { TimeBucket } from '../../core/layout/partition-layout.js';
import type { AllOr, Selection } from '../../core/layout/selection.js';
import type { BackfillPlan, PlanProgress } from '../../engine/plan-backfill.js';
import type { RunEvent, RunSummary } from '../../engine/run-backfill.js';
import type { Source } from '../../ports/source.js';

/**
 * What the wizard gathers. Every field the command line gave is fixed and its step is skipped;
 * the rest start empty (or from `defaults`) and are chosen on screen.
 */
export interface WizardInput {
  bucket?: string;
  environments?: AllOr<string>;
  categories?: AllOr<string>;
  start?: string;
  stop?: string;
  times?: AllOr<TimeBucket>;
  /** Cells chosen on the map (`ENV/YYYY-MM-DD/TIME`): the backfill is exactly these (core/layout/cells.ts). */
  cells?: readonly string[];
  dataType: string;
  reprocess: boolean;
  /** `--dry-run`: the wizard ends at the preview; nothing is sent. */
  dryRun?: boolean;
  /** Where rows go: a warehouse spec (`duckdb:PATH`, `bigquery[:PROJECT]`), or `topic` when --topic gave one. */
  destination?: string;
}

/** A complete choice: enough for the engine to plan and run, and for the equivalent command line. */
export interface WizardChoices {
  bucket: string;
  selection: Selection;
  reprocess: boolean;
  /** As `WizardInput.destination`. */
  destination: string;
}

/**
 * Everything the wizard needs from the outside world. The composition root (src/cli) builds it
 * from the same session the `--yes` path uses, so both modes run one engine.
 */
export interface WizardDeps {
  /** Opens a bucket (`gs://…`) or folder; a rejection with a message is shown under the input. */
  openSource(bucket: string): Promise<Source>;
  /** Plans the backfill (lists, asks the warehouse what already landed). */
  plan(
    choices: WizardChoices,
    source: Source,
    signal: AbortSignal,
    onProgress: (p: PlanProgress) => void,
  ): Promise<BackfillPlan>;
  /**
   * What landed, per partition, for `selection` (read only: listings, the ledger, the run records'
   * failures): the map shown before the dates. Without it there is no map step.
   */
  coverage?(bucket: string, selection: Selection, source: Source, signal: AbortSignal): Promise<BackfillPlan>;
  /**
   * The warehouse the map reads for `bucket` (`--warehouse`, else the bucket's default), and
   * whether it is a DuckDB file that does not exist (nothing has landed there): named on the map.
   */
  mapWarehouse?(bucket: string): { spec: string; missing: boolean };
  /**
   * What the planned backfill costs and (for a direct run) takes, as the `--yes` preview prints it:
   * lines for the Preview step. Without it the step shows none.
   */
  forecast?(choices: WizardChoices, plan: BackfillPlan): Promise<string>;
  /** Runs a plan; aborting `signal` stops new sends and lets what is in flight finish. */
  run(
    choices: WizardChoices,
    plan: BackfillPlan,
    signal: AbortSignal,
    onEvent: (e: RunEvent) => void,
  ): Promise<RunSummary>;
  /** The destination in words, for the header and the Confirm screen (naming the project). */
  destination(destination: string | undefined, bucket: string | undefined): string;
  /** What the destination step offers for `bucket`, the usual choice first. */
  destinations(bucket: string): { value: string; label: string }[];
  /** The destination for a DuckDB file path typed on the Destination step (made absolute). */
  typedDestination?(path: string): string;
  /** A --topic run follows what it published until it landed, once the wizard closes: said on the Confirm step. */
  follows?: boolean;
  /** Prefill for the bucket when no flag fixed it, and where it came from (`ANALYTICS_BACKFILL_BUCKET`, `the last run`). */
  suggestedBucket?: { bucket: string; from: string };
  /** Today's date for the presets (tests pin it). Defaults to the clock. */
  today?: () => Date;
  /** Above this many files to send, the preview warns (default 10 000). */
  largeSelection?: number;
}

/** How the wizard ended. */
export type WizardResult =
  /** A run happened (completed, partly failed, or interrupted by one Ctrl-C). */
  | { kind: 'ran'; choices: WizardChoices; plan: BackfillPlan; summary: RunSummary }
  /** A dry run ended at the preview: nothing was sent. */
  | { kind: 'previewed'; choices: WizardChoices; plan: BackfillPlan }
  /** The operator left before anything was sent (Ctrl-C). */
  | { kind: 'cancelled' }
  /** A second Ctrl-C during a run: quit at once, without waiting for files in flight. */
  | { kind: 'quit' };

/** The process exit code for a wizard outcome: 0 done, 1 some files failed, 130 interrupted or cancelled. */
export function exitCodeOf(result: WizardResult): number {
  if (result.kind === 'previewed') return 0;
  if (result.kind !== 'ran') return 130;
  return exitCodeOfRun(result.summary);
}
