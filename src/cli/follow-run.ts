import { countOf, formatCount, formatDuration } from '../core/present/format.js';
import { parseObjectName } from '../core/layout/partition-layout.js';
import { eventDsOf } from '../core/parse/file-context.js';
import { followLanding, type FollowProgress } from '../engine/follow-landing.js';
import type { RunEvent } from '../engine/run-backfill.js';
import type { Source } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import type { FollowFlags } from './follow-flags.js';

/** The files a run published, as `--follow` needs them: ledger path, generation, day. */
export class PublishedFiles {
  private readonly files: { filePath: string; generation: string; day: string | null }[] = [];
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
  },
): Promise<number> {
  if (!warehouse?.landingSince) {
    opts.err('--follow: the warehouse cannot be watched (BigQuery only); see `status` for what landed.\n');
    return FOLLOW_TIMED_OUT;
  }
  opts.err(
    `Following ${formatCount(files.size)} published files until they land (every ${formatDuration(opts.intervalMs)}, at most ${formatDuration(opts.timeoutMs)}):\n`,
  );
  let drawn = false;
  const { outcome, progress } = await followLanding({
    warehouse,
    files,
    startedAt: opts.startedAt,
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
  if (outcome === 'landed') {
    const rejected = progress.rejecting > 0 ? ` (${formatCount(progress.rejecting)} with rejected lines)` : '';
    opts.human(
      `Followed: ${formatCount(progress.landed)} landed${rejected} in ${formatDuration(progress.elapsedMs)} ` +
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

/** `1,200 landed (3 with rejected lines), 500 staged, 300 waiting`. */
function followCounts(p: FollowProgress): string {
  const rejected = p.rejecting > 0 ? ` (${formatCount(p.rejecting)} with rejected lines)` : '';
  return `${formatCount(p.landed)} landed${rejected}, ${formatCount(p.staged)} staged, ${formatCount(p.waiting)} waiting`;
}

/** `published 2,000 · 1,200 landed … · 40 files/s · ~20s left`. */
export function followLine(p: FollowProgress): string {
  return (
    `published ${formatCount(p.published)} · ${followCounts(p)} · ${p.filesPerSecond.toFixed(0)} files/s` +
    (p.etaSeconds !== undefined && p.landed < p.published ? ` · ~${formatDuration(p.etaSeconds * 1000)} left` : '')
  );
}
