import type { Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { formatBytes, formatCount, printable } from '../core/present/format.js';
import type { BackfillPlan } from '../engine/plan-backfill.js';
import { shortObjectName } from '../core/layout/partition-layout.js';
import type { RunEvent, RunProgress } from '../engine/run-backfill.js';
import { exitCodeOfRun, landingLine, RESUME_INTRO } from '../engine/run-outcome.js';
import { runStats } from '../engine/run-stats.js';
import { resumeCommand, type BackfillRequest } from './backfill-request.js';
import { openSession, type SessionOptions } from '../app/backfill-session.js';
import { previewText, summaryJson, summaryText } from './report.js';
import { previewForecast } from './preview-forecast.js';
import type { FollowFlags } from './follow-flags.js';
import { followPublished, PublishedFiles } from './follow-run.js';

export interface NonInteractiveIo {
  stdout: Writable;
  stderr: Writable;
  /** Aborts on the first Ctrl-C: stop sending, finish what is in flight, report. */
  interrupt: AbortSignal;
  /** See CliIo: what a second Ctrl-C prints before the process ends. */
  lastWords?: (say: () => string | undefined) => void;
  json: boolean;
  /** stderr is a terminal: progress is redrawn in place instead of a line per interval. */
  live?: boolean;
  now?: () => number;
  /** `--max-files`, `--max-bytes`: a run that would send more is refused once its preview is shown. */
  limits?: { maxFiles?: number | undefined; maxBytes?: number | undefined };
  /** `--follow`: after publishing, watch the published files until they land (exit 3 past the timeout). */
  follow?: FollowFlags;
}

/**
 * The `--yes` path: plan, print the preview, run (unless a dry run), print the summary.
 * Returns the exit code: 0 done, 1 some files failed, 130 interrupted.
 */
export async function runNonInteractive(
  req: BackfillRequest,
  session: SessionOptions,
  io: NonInteractiveIo,
): Promise<number> {
  const out = (text: string) => io.stdout.write(text);
  const err = (text: string) => io.stderr.write(text);
  const human = (text: string) => (io.json ? err(text) : out(text));
  const opened = await openSession(req, { notify: (line) => err(`${line}\n`), ...session });
  const stopping = () => err(`${stoppingLine(io.interrupt.reason)}\n`);
  io.interrupt.addEventListener('abort', stopping, { once: true });
  /** The plan being run: its journal goes with the process, even when a second Ctrl-C ends it at once. */
  let planned: BackfillPlan | undefined;
  io.lastWords?.(() => {
    planned?.discard();
    const started = opened.started;
    return started
      ? `Quit during run ${started.runId}; what went out is in ${started.recordPath}.\n${RESUME_INTRO}\n${resumeCommand(started.runId, session.recordDir)}\n`
      : undefined;
  });
  try {
    const plan = await opened.plan(io.interrupt);
    planned = plan;
    human(previewText(plan));
    human(await previewForecast(plan, req, opened.source, io.follow));
    refuseOverLimits(plan, io.limits);
    if (session.dryRun) {
      if (io.json) out(summaryJson(plan, undefined, true));
      else out('Dry run: nothing was sent or written.\n');
      return 0;
    }
    if (plan.totals.toSend === 0) {
      // Nothing to send: no run, so no run record (a daily job that finds nothing leaves nothing behind).
      if (io.json) out(summaryJson(plan, undefined, false));
      else out('Nothing to send: every matched file is already ingested. No run was started.\n');
      return 0;
    }
    if (io.follow && req.topic === undefined)
      throw new UsageError('--follow watches a --topic run; this run writes directly and lands its files itself');
    const progress = progressPrinter(err, io.now ?? (() => performance.now()), io.live === true);
    const published = io.follow ? new PublishedFiles(opened.source) : undefined;
    const summary = await opened.run(plan, io.interrupt, (e) => {
      published?.onEvent(e);
      progress.onEvent(e);
    });
    progress.end();
    const resume = resumeCommand(summary.runId, session.recordDir);
    if (io.json) {
      err(summaryText(summary, resume));
      out(summaryJson(plan, summary, false));
    } else out(summaryText(summary, resume));
    const code = exitCodeOfRun(summary);
    if (!io.follow || !published) return code;
    return await followPublished(published, summary, code, async () => opened.warehouse, {
      ...io.follow,
      signal: io.interrupt,
      live: io.live === true,
      err,
      human,
      topic: req.topic!,
      project: req.project,
      cloud: session.cloud,
      source: opened.source,
    });
  } finally {
    io.interrupt.removeEventListener('abort', stopping);
    await opened.close();
  }
}

/**
 * Progress on stderr: files, bytes, rate and time left. On a terminal one line redrawn in place
 * (a few times a second); in a log, a line every ten seconds. Failures as they happen, once each.
 */
function progressPrinter(err: (text: string) => void, now: () => number, live: boolean) {
  let last = now();
  let drawn = false;
  const clear = () => {
    if (drawn) err('\r\u001B[2K');
    drawn = false;
  };
  return {
    onEvent(e: RunEvent) {
      if (e.type === 'file' && e.status === 'failed') {
        clear();
        err(`failed: ${shortObjectName(e.object.name)}: ${printable(e.error ?? '')}\n`);
      }
      if (e.type === 'landing') {
        clear();
        err(`${landingLine(e.staged)}\n`);
      }
      if (e.type !== 'progress') return;
      const p = e.progress;
      if (p.done < p.total && now() - last < (live ? 250 : 10_000)) return;
      last = now();
      const line = progressLine(p);
      if (live) {
        clear();
        err(line.slice(0, 79));
        drawn = true;
      } else err(`${line}\n`);
    },
    end: () => {
      if (drawn) err('\n');
      drawn = false;
    },
  };
}

/** `1,200/9,000 files, 12 MiB/90 MiB, 340 files/s, 4s elapsed, ~23s left`. */
export function progressLine(p: RunProgress): string {
  const s = runStats(p, p.elapsedMs);
  return (
    `${s.files}, ${s.bytes}, ${s.perSecond.toFixed(0)} files/s, ${s.elapsed} elapsed` +
    (s.leftMs !== undefined ? `, ~${s.eta} left` : '') +
    (p.failed > 0 ? `, ${formatCount(p.failed)} failed` : '')
  );
}

/** Refuses (exit 2, nothing sent) a plan that sends more files or bytes than the operator allowed. */
function refuseOverLimits(plan: BackfillPlan, limits: NonInteractiveIo['limits']): void {
  const t = plan.totals;
  const over =
    limits?.maxFiles !== undefined && t.toSend > limits.maxFiles
      ? `${formatCount(t.toSend)} files, more than --max-files ${formatCount(limits.maxFiles)}`
      : limits?.maxBytes !== undefined && t.bytesToSend > limits.maxBytes
        ? `${formatBytes(t.bytesToSend)}, more than --max-bytes ${formatBytes(limits.maxBytes)}`
        : undefined;
  if (over !== undefined) {
    throw new UsageError(
      `this backfill would send ${over}: nothing was sent`,
      'Narrow the selection (dates, environments, categories, time buckets), or raise the limit.',
    );
  }
}

/** What the first interruption says: Ctrl-C, a signal from outside (SIGTERM, SIGHUP), or stdout closed. */
export function stoppingLine(reason: unknown): string {
  const why =
    reason === 'SIGTERM' || reason === 'SIGHUP' ? ` (${reason})` : reason === 'EPIPE' ? ' (stdout closed)' : '';
  const again = reason === 'SIGTERM' || reason === 'SIGHUP' ? `${reason} again` : 'Ctrl-C again';
  return `Stopping${why}: no new files are sent; files being read are rolled back. ${again} quits at once.`;
}
