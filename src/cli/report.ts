import { backfillJson } from './json-output.js';
import { countOf, formatBytes, formatCount, wrapText } from '../core/present/format.js';
import { partitionTable } from '../engine/partition-table.js';
import type { BackfillPlan } from '../engine/plan-backfill.js';
import { previewWarnings, warningLine } from '../engine/preview-warnings.js';
import type { RunSummary } from '../engine/run-backfill.js';
import {
  failureGroups,
  failureLine,
  outcomeLine,
  RESUME_INTRO,
  rowsLines,
  stagedLines,
} from '../engine/run-outcome.js';

/** The width the `--yes` text keeps to: an 80-column terminal or log viewer shows it unwrapped. */
export const TEXT_WIDTH = 80;

/**
 * The preview as text: the wizard's partition table (the first `maxPartitions` rows, then a count
 * of the rest: `--json` lists each), the totals, and any warnings, every line within 80 columns.
 */
export function previewText(plan: BackfillPlan, maxPartitions = 20): string {
  const t = plan.totals;
  const table = partitionTable(TEXT_WIDTH);
  const lines: string[] = [];
  const shown = plan.partitions.slice(0, maxPartitions);
  if (shown.length > 0) lines.push(table.header, ...shown.map(table.row));
  if (plan.partitions.length > shown.length)
    lines.push(
      `… and ${formatCount(plan.partitions.length - shown.length)} more partitions (--dry-run --json lists each)`,
    );
  if (shown.length > 0) lines.push(table.total(t));
  lines.push(
    `Matched ${countOf(t.matched, 'file')} (${formatBytes(t.bytes)}) in ${countOf(t.partitions, 'partition')}.`,
  );
  lines.push(
    `To send: ${countOf(t.toSend, 'file')} (${formatBytes(t.bytesToSend)}); ${formatCount(t.alreadyIngested)} already ingested.`,
  );
  for (const w of previewWarnings(plan)) lines.push(...wrapText(warningLine(w), TEXT_WIDTH, '  '));
  return `${lines.join('\n')}\n`;
}

/** The run's outcome as text, with the failures and how to resume. */
export function summaryText(s: RunSummary, resumeCommand: string): string {
  const c = s.counts;
  const lines = [outcomeLine(s)];
  lines.push(...rowsLines(s));
  for (const l of stagedLines(s)) lines.push(...wrapText(l, TEXT_WIDTH));
  const groups = failureGroups(s.failures);
  for (const g of groups.slice(0, 10)) lines.push(...wrapText(`  ${failureLine(g)}`, TEXT_WIDTH, '      '));
  const shown = groups.slice(0, 10).reduce((n, g) => n + g.count, 0);
  if (c.failed > shown) lines.push(`  … and ${formatCount(c.failed - shown)} more failures (see the run record)`);
  lines.push(`Run record: ${s.recordPath}`);
  if (c.failed > 0 || c.staged > 0 || s.notSent > 0) lines.push(RESUME_INTRO, resumeCommand);
  return `${lines.join('\n')}\n`;
}

/** The `--json` document: one object on stdout (json-output.ts; docs/json-output.schema.json). */
export function summaryJson(plan: BackfillPlan, summary: RunSummary | undefined, dryRun: boolean): string {
  return `${JSON.stringify(backfillJson(plan, summary, dryRun))}\n`;
}
