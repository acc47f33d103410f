import { partitionPrefix } from '../core/partition-layout.js';
import { formatBytes, formatCount, formatDuration } from '../core/format.js';
import { alreadyIngestedNote, STAGED_NOTE, type BackfillPlan } from '../engine/plan-backfill.js';
import type { RunSummary } from '../engine/run-backfill.js';

/** The preview as text: a line per partition, then the totals and any warnings. */
export function previewText(plan: BackfillPlan, maxPartitions = 50): string {
  const lines: string[] = [];
  const t = plan.totals;
  const shown = plan.partitions.slice(0, maxPartitions);
  for (const p of shown) {
    lines.push(
      `  ${partitionPrefix(p.partition)}  ${formatCount(p.matched)} files, ${formatBytes(p.bytes)}, ` +
        `${formatCount(p.alreadyIngested)} already ingested, ${formatCount(p.toSend)} to send`,
    );
  }
  if (plan.partitions.length > shown.length) lines.push(`  … and ${plan.partitions.length - shown.length} more partitions`);
  lines.push(
    `Matched ${formatCount(t.matched)} files (${formatBytes(t.bytes)}) in ${formatCount(t.partitions)} partitions; ` +
      `${formatCount(t.alreadyIngested)} already ingested; ${formatCount(t.toSend)} to send (${formatBytes(t.bytesToSend)}).`,
  );
  if (t.staged > 0) lines.push(`Note: ${formatCount(t.staged)} files are ${STAGED_NOTE}.`);
  if (t.matched === 0) lines.push('Warning: nothing matched the selection.');
  else if (t.alreadyIngested > 0) {
    lines.push(`${plan.reprocess ? 'Warning' : 'Note'}: ${alreadyIngestedNote(formatCount(t.alreadyIngested), plan.reprocess)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The run's outcome as text, with the failures and how to resume. */
export function summaryText(s: RunSummary, resumeCommand: string): string {
  const c = s.counts;
  const lines = [
    `${s.interrupted ? 'Interrupted' : 'Done'} in ${formatDuration(s.elapsedMs)}: ` +
      `${formatCount(c.published)} published, ${formatCount(c.ingested)} ingested, ` +
      `${formatCount(c['already-ingested'])} already ingested, ${formatCount(c.failed)} failed` +
      (s.notSent > 0 ? `, ${formatCount(s.notSent)} not sent` : '') +
      ` (${formatBytes(s.bytes)}).`,
  ];
  for (const f of s.failures.slice(0, 20)) lines.push(`  failed: ${f.name}: ${f.error}`);
  if (c.failed > 20) lines.push(`  … and ${formatCount(c.failed - 20)} more failures (see the run record)`);
  lines.push(`Run record: ${s.recordPath}`);
  if (c.failed > 0 || s.notSent > 0) lines.push(`Resume with: ${resumeCommand}`);
  return `${lines.join('\n')}\n`;
}

/** The `--json` document: one object on stdout. */
export function summaryJson(plan: BackfillPlan, summary: RunSummary | undefined, dryRun: boolean): string {
  const t = plan.totals;
  return `${JSON.stringify({
    dryRun,
    source: plan.source,
    selection: plan.selection,
    reprocess: plan.reprocess,
    files: { matched: t.matched, alreadyIngested: t.alreadyIngested, staged: t.staged, toSend: t.toSend },
    bytes: { matched: t.bytes, toSend: t.bytesToSend },
    partitions: plan.partitions.map((p) => ({
      prefix: partitionPrefix(p.partition),
      matched: p.matched,
      bytes: p.bytes,
      alreadyIngested: p.alreadyIngested,
      staged: p.staged,
      toSend: p.toSend,
    })),
    ...(summary
      ? {
          run: {
            runId: summary.runId,
            record: summary.recordPath,
            counts: summary.counts,
            notSent: summary.notSent,
            interrupted: summary.interrupted,
            failures: summary.failures,
            elapsedMs: Math.round(summary.elapsedMs),
          },
        }
      : {}),
  })}\n`;
}
