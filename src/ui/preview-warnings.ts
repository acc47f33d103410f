import { formatBytes, formatCount } from '../core/format.js';
import { alreadyIngestedNote, STAGED_NOTE, type BackfillPlan } from '../engine/plan-backfill.js';

export interface PreviewWarning {
  level: 'warning' | 'note';
  text: string;
}

/** What the operator should know before sending: nothing matched, a very large selection, files already ingested. */
export function previewWarnings(plan: BackfillPlan, largeSelection: number): PreviewWarning[] {
  const t = plan.totals;
  const out: PreviewWarning[] = [];
  if (t.matched === 0) out.push({ level: 'warning', text: 'Nothing matched the selection: esc to change it.' });
  if (t.toSend > largeSelection) {
    out.push({
      level: 'warning',
      text: `Very large selection: ${formatCount(t.toSend)} files (${formatBytes(t.bytesToSend)}) to send. Check the range before going on.`,
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
