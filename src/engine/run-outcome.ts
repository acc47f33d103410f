import { formatBytes, formatCount, formatDuration, printable } from '../core/present/format.js';
import { shortObjectName } from '../core/layout/partition-layout.js';
import { DEFAULT_TABLE_NAMES as T } from '../core/schema/table-schemas.js';
import type { RunFailure, RunSummary } from './run-backfill.js';

/** The outcome's first line: `Done in 12s: 12 ingested, 0 failed (12 KiB).` (zero counts left out, failed kept). */
export function outcomeLine(s: RunSummary): string {
  const c = s.counts;
  const parts = [
    c.ingested > 0 ? `${formatCount(c.ingested)} ingested` : '',
    c.staged > 0 ? `${formatCount(c.staged)} staged, not yet landed` : '',
    c.published > 0 ? `${formatCount(c.published)} published` : '',
    c['already-ingested'] > 0 ? `${formatCount(c['already-ingested'])} already ingested` : '',
    `${formatCount(c.failed)} failed`,
    s.notSent > 0 || s.interrupted || s.recordError !== undefined ? `${formatCount(s.notSent)} not sent` : '',
  ].filter((p) => p !== '');
  const how = s.interrupted
    ? `Interrupted after ${formatDuration(s.elapsedMs)}`
    : s.recordError !== undefined
      ? `Stopped after ${formatDuration(s.elapsedMs)}: ${s.recordError}`
      : `Done in ${formatDuration(s.elapsedMs)}`;
  return `${how}: ${parts.join(', ')} (${formatBytes(s.bytes)}).`;
}

/** A run's exit code: 130 interrupted, 1 when a file failed or did not land (staged), else 0. */
export function exitCodeOfRun(s: RunSummary): number {
  if (s.interrupted) return 130;
  return s.counts.failed > 0 || s.counts.staged > 0 || s.recordError !== undefined ? 1 : 0;
}

/** While the run's staged files are promoted into the tables (BigQuery). */
export function landingLine(staged: number): string {
  return `Landing ${formatCount(staged)} staged files: promoting them into the tables…`;
}

/** Why staged files did not land, and what lands them: said by the `--yes` text and the wizard alike. */
export function stagedLines(s: RunSummary): string[] {
  if (s.counts.staged === 0) return [];
  return [
    `${formatCount(s.counts.staged)} files are staged but not landed: ${s.promotionError ?? 'the promotion did not finish'}.`,
    "The next promotion lands them (the function's scheduled promote, or the resume below); nothing lands twice.",
  ];
}

/** The line that introduces the resume command, printed on a line of its own below it. */
export const RESUME_INTRO = 'Resume (sends only what did not go out):';

/**
 * What landed, in words, said the same way by the `--yes` text and the wizard's Done screen: events
 * landed and lines rejected (and where they went), with the files that lost the most lines.
 */
export function rowsLines(s: RunSummary): string[] {
  const r = s.rows;
  if (s.counts.ingested === 0 && s.counts.staged === 0) {
    return s.counts.published > 0
      ? ['Events land as the ingest function takes each notification; its tables count them.']
      : [];
  }
  const lines = [
    s.counts.staged > 0
      ? `${formatCount(r.events)} events staged for ${T.eventsDataset}.${T.eventsTable}; they land with their files.`
      : `${formatCount(r.events)} events landed in ${T.eventsDataset}.${T.eventsTable}.`,
    r.debug === 0
      ? 'No line was rejected.'
      : `${formatCount(r.debug)} lines rejected into ${T.logsDataset}.${T.debugTable}, from ${formatCount(r.filesWithDebug)} files${r.worst.length > 1 ? '; most from:' : ':'}`,
  ];
  for (const w of r.worst) {
    const counts = `: ${formatCount(w.debug)} rejected, ${formatCount(w.events)} landed`;
    lines.push(`  ${fitName(shortObjectName(w.name), 78 - counts.length)}${counts}`);
  }
  return lines;
}

/** A name cut in the middle to `width`, keeping its partition (the start) and its file (the end). */
export function fitName(name: string, width: number): string {
  if (name.length <= width) return name;
  const keep = Math.max(4, width - 1);
  const head = Math.ceil(keep / 2);
  return `${name.slice(0, head)}…${name.slice(name.length - (keep - head))}`;
}

export interface FailureGroup {
  reason: string;
  count: number;
  /** The first file that failed this way, named by what differs between files. */
  example: string;
}

/**
 * Failures by reason, most frequent first: a thousand files refused by a missing table read as
 * one line, and each different reason still shows. Counts cover the failures the summary kept.
 */
export function failureGroups(failures: readonly RunFailure[]): FailureGroup[] {
  const byReason = new Map<string, FailureGroup>();
  for (const f of failures) {
    const reason = printable(f.error.split('\n')[0] ?? f.error);
    const g = byReason.get(reason);
    if (g) g.count++;
    else byReason.set(reason, { reason, count: 1, example: shortObjectName(f.name) });
  }
  return [...byReason.values()].sort((a, b) => b.count - a.count);
}

/** One group as a line: `3 failed: reason (e.g. env/cat/date/time/file)`. */
export function failureLine(g: FailureGroup): string {
  return `${formatCount(g.count)} failed: ${g.reason} (${g.count > 1 ? 'e.g. ' : ''}${g.example})`;
}
