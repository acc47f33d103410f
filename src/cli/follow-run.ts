import { countOf, formatCount, formatDuration, printable } from '../core/present/format.js';
import { parseObjectName } from '../core/layout/partition-layout.js';
import { eventDsOf } from '../core/parse/file-context.js';
import { followLanding, type FollowProgress } from '../engine/follow-landing.js';
import type { RunEvent, RunSummary } from '../engine/run-backfill.js';
import type { Source } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import type { CloudFactories } from '../ports/cloud.js';
import type { DeadLetters } from '../ports/dead-letters.js';
import { RunRecord } from '../engine/run-record.js';
import { shortObjectName } from '../core/layout/partition-layout.js';
import type { FollowFlags } from './follow-flags.js';

/** The files a run published, as `--follow` needs them: ledger path, generation, day; and when the run began. */
export class PublishedFiles {
  private readonly files: { filePath: string; generation: string; day: string | null }[] = [];
  readonly startedAt = new Date();
  constructor(private readonly source: Source) {}

  onEvent(e: RunEvent): void {
    if (e.type !== 'file' || e.status !== 'published') return;
    this.files.push({
      filePath: this.source.filePath(e.object.name),
      generation: e.object.generation,
      day: eventDsOf(parseObjectName(e.object.name).ds),
    });
  }

  get size(): number {
    return this.files.length;
  }

  [Symbol.iterator]() {
    return this.files[Symbol.iterator]();
  }
}

/** Exit codes of `--follow` (also in `--help`): every file landed, or the timeout passed first. */
export const FOLLOW_TIMED_OUT = 3;

/**
 * After a run that published `files`: follows them (`--follow`, and the wizard's follow), unless the
 * run was interrupted or published nothing. Returns the run's exit `code` when all landed, else
 * the follow's (1 some failed, 3 timed out, 130 interrupted).
 */
export async function followPublished(
  files: PublishedFiles,
  summary: RunSummary,
  code: number,
  /** Opened only when there is something to follow. */
  warehouse: () => Promise<Warehouse | undefined>,
  opts: Omit<Parameters<typeof followRun>[2], 'startedAt' | 'run'> & { topic: string; project: string | undefined },
): Promise<number> {
  if (summary.interrupted || files.size === 0) return code;
  const { topic, project, ...rest } = opts;
  const run = { runId: summary.runId, recordPath: summary.recordPath, topic, project };
  const followed = await followRun(files, await warehouse(), { ...rest, startedAt: files.startedAt, run });
  return followed === 0 ? code : followed;
}

/**
 * `--follow`: one line per look (redrawn on a terminal), then what became of every published file.
 * Returns 0 when all landed, 3 when the timeout passed first, 130 when interrupted.
 */
export async function followRun(
  files: PublishedFiles,
  warehouse: Warehouse | undefined,
  opts: FollowFlags & {
    startedAt: Date;
    signal: AbortSignal;
    live: boolean;
    err: (text: string) => void;
    human: (text: string) => void;
    /** The run: its id and record (dead-lettered files are added to it), its topic and project. */
    run: { runId: string; recordPath: string; topic: string; project: string | undefined };
    cloud: CloudFactories;
    source: Source;
  },
): Promise<number> {
  if (!warehouse?.landingSince) {
    opts.err('--follow: the warehouse cannot be watched (BigQuery only); see `status` for what landed.\n');
    return FOLLOW_TIMED_OUT;
  }
  const subscription = opts.deadLetterSubscription ?? `${opts.run.topic.split('/').at(-1)}-dead-hold`;
  let reader: DeadLetters | undefined;
  try {
    reader = await opts.cloud.deadLetters?.(subscription, opts.run.project);
  } catch (error) {
    opts.err(
      `--follow: dead letters not read (${printable(error instanceof Error ? error.message : String(error))}).\n`,
    );
  }
  if (!reader)
    opts.err(
      `--follow: no dead-letter subscription ${subscription} (docs/function.md): a file Pub/Sub gives up on shows as waiting until the timeout.\n`,
    );
  try {
    return await follow(files, warehouse, opts, reader);
  } finally {
    await reader?.close();
  }
}

async function follow(
  files: PublishedFiles,
  warehouse: Warehouse,
  opts: Parameters<typeof followRun>[2],
  reader: DeadLetters | undefined,
): Promise<number> {
  opts.err(
    `Following ${formatCount(files.size)} published files until they land (every ${formatDuration(opts.intervalMs)}, at most ${formatDuration(opts.timeoutMs)}):\n`,
  );
  let drawn = false;
  const { outcome, progress, failures } = await followLanding({
    warehouse,
    files,
    startedAt: opts.startedAt,
    ...(reader
      ? {
          deadLetters: {
            reader,
            runId: opts.run.runId,
            filePathOf: (name: string) => opts.source.filePath(name),
          },
        }
      : {}),
    intervalMs: opts.intervalMs,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onProgress: (p) => {
      if (opts.live) {
        if (drawn) opts.err('\r\u001B[2K');
        opts.err(followLine(p).slice(0, 79));
        drawn = true;
      } else opts.err(`${followLine(p)}\n`);
    },
  });
  if (drawn) opts.err('\n');
  const counts = followCounts(progress);
  if (failures.length > 0) {
    // In the run record, so `--resume` sends exactly these again once the cause is fixed.
    RunRecord.addTo(
      opts.run.recordPath,
      failures.map((f) => ({
        type: 'file' as const,
        name: f.name,
        generation: f.generation,
        status: 'failed' as const,
        error: f.error,
      })),
    );
    for (const f of failures.slice(0, 20)) opts.human(`failed: ${printable(shortObjectName(f.name))}: ${f.error}\n`);
    if (failures.length > 20)
      opts.human(`… and ${formatCount(failures.length - 20)} more failed files, in ${opts.run.recordPath}\n`);
    opts.human(`Why, as the function logged each attempt:\n${logsCommand(opts.run.runId, opts.run.project)}\n`);
  }
  if (outcome === 'failed') {
    opts.human(
      `Followed: ${formatCount(progress.landed)} landed, ${formatCount(progress.failed)} failed (dead-lettered) in ${formatDuration(progress.elapsedMs)}. ` +
        `Once the cause is fixed, --resume ${opts.run.runId} --yes sends exactly those again.\n`,
    );
    return 1;
  }
  if (outcome === 'landed') {
    opts.human(
      `Followed: ${landedText(progress)} in ${formatDuration(progress.elapsedMs)} ` +
        `(${countOf(progress.looks, 'look')} at the warehouse, 2 queries each).\n`,
    );
    return 0;
  }
  if (outcome === 'interrupted') {
    opts.human(`Stopped following: ${counts}. The files keep landing; \`status\` shows them.\n`);
    return 130;
  }
  opts.human(
    `Not all landed within ${formatDuration(opts.timeoutMs)}: ${counts}. ` +
      "Files still waiting may be retried by Pub/Sub or dead-lettered: see `status`, and the function's logs.\n",
  );
  return FOLLOW_TIMED_OUT;
}

/**
 * The Cloud Logging query for the function's failed attempts on this run's files (docs/function.md,
 * "Logs"): each names the file and the error it retried on.
 */
export function logsCommand(runId: string, project: string | undefined): string {
  const filter = `resource.type="cloud_run_revision" AND jsonPayload.outcome="retry" AND jsonPayload.backfill_run_id="${runId}"`;
  const where = project !== undefined ? ` --project=${project.replace(/[^\w.:-]/g, '')}` : '';
  return `gcloud logging read '${filter}'${where} --format='value(jsonPayload.file,jsonPayload.error)'`;
}

/** `1,200 landed (3 with rejected lines)`. */
function landedText(p: FollowProgress): string {
  return `${formatCount(p.landed)} landed${p.rejecting > 0 ? ` (${formatCount(p.rejecting)} with rejected lines)` : ''}`;
}

/** `1,200 landed (3 with rejected lines), 500 staged, 300 waiting`. */
function followCounts(p: FollowProgress): string {
  const failed = p.failed > 0 ? `, ${formatCount(p.failed)} failed` : '';
  return `${landedText(p)}, ${formatCount(p.staged)} staged, ${formatCount(p.waiting)} waiting${failed}`;
}

/** `published 2,000 · 1,200 landed … · 40 files/s · ~20s left`. */
export function followLine(p: FollowProgress): string {
  return (
    `published ${formatCount(p.published)} · ${followCounts(p)} · ${p.filesPerSecond.toFixed(0)} files/s` +
    (p.etaSeconds !== undefined && p.landed < p.published ? ` · ~${formatDuration(p.etaSeconds * 1000)} left` : '')
  );
}
