import { countOf, formatBytes, formatCount, printable } from '../core/present/format.js';
import { alreadyIngestedNote, STAGED_NOTE, type BackfillPlan } from './plan-backfill.js';

export interface PreviewWarning {
  level: 'warning' | 'note';
  text: string;
}

/**
 * What the operator should know before sending: nothing matched, a very large selection, files
 * staged or already ingested. Said once for both shells: the `--yes` preview prints these lines, the
 * wizard's Preview step draws them (`changeHint`: how to change the selection there).
 */
export function previewWarnings(
  plan: BackfillPlan,
  opts: { largeSelection?: number; changeHint?: string } = {},
): PreviewWarning[] {
  const t = plan.totals;
  const out: PreviewWarning[] = [];
  if (t.matched === 0)
    out.push({
      level: 'warning',
      text: `Nothing matched the selection${opts.changeHint ? `: ${opts.changeHint}` : ''}.`,
    });
  if (opts.largeSelection !== undefined && t.toSend > opts.largeSelection) {
    out.push({
      level: 'warning',
      text: `Very large selection: ${formatCount(t.toSend)} files (${formatBytes(t.bytesToSend)}) to send. Check the range before going on.`,
    });
  }
  const unwalkable = plan.unwalkable;
  if (unwalkable.length > 0) {
    const first = unwalkable[0]!;
    const more = unwalkable.length > 1 ? `; and ${formatCount(unwalkable.length - 1)} more (--json lists each)` : '';
    out.push({
      level: 'warning',
      text: `${countOf(unwalkable.length, 'entry', 'entries')} above the partitions cannot be walked, each counted as a failed file: ${printable(first.name)} ${printable(first.problem)}${more}.`,
    });
  }
  const elsewhere = plan.elsewhere;
  if (elsewhere !== undefined) {
    out.push({
      level: 'warning',
      text:
        `${elsewhere.found} of ${elsewhere.sampled} sampled files to send are already in the warehouse under another path ` +
        `(${printable(elsewhere.example)}): a mirror moved or copied lands its files again, since a file is known by its whole path. ` +
        'If this is the same data, do not send it again.',
    });
  }
  if (t.alreadyIngested > 0) {
    out.push({
      level: plan.reprocess ? 'warning' : 'note',
      text: alreadyIngestedNote(formatCount(t.alreadyIngested), plan.reprocess),
    });
  }
  if (t.staged > 0) out.push({ level: 'note', text: `${formatCount(t.staged)} files are ${STAGED_NOTE}.` });
  if (t.matched > 0 && t.toSend === 0)
    out.push({ level: 'note', text: 'Nothing to send: every matched file is already ingested.' });
  return out;
}

/** A warning as one line of text: `Warning: …` or `Note: …`. */
export function warningLine(w: PreviewWarning): string {
  return `${w.level === 'warning' ? 'Warning' : 'Note'}: ${w.text}`;
}
