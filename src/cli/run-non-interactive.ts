import type { Writable } from 'node:stream';
import { formatBytes, formatCount, formatDuration } from '../core/format.js';
import type { RunEvent } from '../engine/run-backfill.js';
import { resumeCommand, type BackfillRequest } from './backfill-request.js';
import { openSession, type SessionOptions } from './backfill-session.js';
import { previewText, summaryJson, summaryText } from './report.js';

export interface NonInteractiveIo {
  stdout: Writable;
  stderr: Writable;
  /** Aborts on the first Ctrl-C: stop sending, finish what is in flight, report. */
  interrupt: AbortSignal;
  json: boolean;
  now?: () => number;
}

/**
 * The `--yes` path: plan, print the preview, run (unless a dry run), print the summary.
 * Returns the exit code: 0 done, 1 some files failed, 130 interrupted.
 */
export async function runNonInteractive(req: BackfillRequest, session: SessionOptions, io: NonInteractiveIo): Promise<number> {
  const out = (text: string) => io.stdout.write(text);
  const err = (text: string) => io.stderr.write(text);
  const human = (text: string) => (io.json ? err(text) : out(text));
  const opened = await openSession(req, session);
  try {
    const plan = await opened.plan(io.interrupt);
    human(previewText(plan));
    if (session.dryRun) {
      if (io.json) out(summaryJson(plan, undefined, true));
      else out('Dry run: nothing was sent or written.\n');
      return 0;
    }
    const summary = await opened.run(plan, io.interrupt, progressPrinter(err, io.now ?? (() => performance.now())));
    const resume = resumeCommand(summary.runId, session.recordDir);
    if (io.json) {
      err(summaryText(summary, resume));
      out(summaryJson(plan, summary, false));
    } else out(summaryText(summary, resume));
    if (summary.interrupted) return 130;
    return summary.counts.failed > 0 ? 1 : 0;
  } finally {
    await opened.close();
  }
}

/** Progress to stderr at most every two seconds, and failures as they happen. */
function progressPrinter(err: (text: string) => void, now: () => number) {
  let last = now();
  return (e: RunEvent) => {
    if (e.type === 'file' && e.status === 'failed') err(`failed: ${e.object.name}: ${e.error ?? ''}\n`);
    if (e.type !== 'progress') return;
    const p = e.progress;
    if (p.done < p.total && now() - last < 2000) return;
    last = now();
    const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
    err(
      `${formatCount(p.done)}/${formatCount(p.total)} files, ${formatBytes(p.doneBytes)}/${formatBytes(p.totalBytes)}, ` +
        `${rate.toFixed(1)} files/s, ${formatDuration(p.elapsedMs)} elapsed` +
        (p.failed > 0 ? `, ${formatCount(p.failed)} failed` : '') +
        '\n',
    );
  };
}

