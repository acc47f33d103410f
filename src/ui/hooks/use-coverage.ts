import { dateOfDayNumber, dayNumberOf } from '../../core/calendar.js';
import { blockLines, mapLayout } from '../../core/layout/coverage-map.js';
import type { Selection } from '../../core/layout/selection.js';
import type { BackfillPlan } from '../../engine/plan-backfill.js';
import type { Source } from '../../ports/source.js';
import { useAsync } from './use-async.js';
import type { WizardDeps, WizardInput } from '../model/wizard-types.js';

/**
 * Lines of the map's screen besides its blocks: title, context, texts (the destination's may take
 * two), the legend and the key help (two each at 80 columns), margins.
 */
export const OTHER_LINES = 15;

/** Environment rows the screen holds in one block (more scroll with the cursor). */
export const environmentRows = (rows: number) => Math.max(1, rows - OTHER_LINES - blockLines(0));

/**
 * Days the map shows at once: whole blocks (as many days as the width holds) for as many blocks
 * as the height holds with a row per environment; at least one block.
 */
export function mapDays(environments: readonly string[], size: { columns: number; rows: number }): number {
  const { daysPerBlock } = mapLayout(environments, size.columns);
  const blocks = Math.max(1, Math.floor((size.rows - OTHER_LINES) / blockLines(Math.max(1, environments.length))));
  return daysPerBlock * blocks;
}

/**
 * The window of `days` days ending `shift` days after its anchor (negative: earlier): the last day
 * the bucket holds for the choices so far (`lastInBucket`), or today when that is later or unknown.
 */
export function mapWindow(
  today: Date,
  days: number,
  shift: number,
  lastInBucket?: string,
): { start: string; stop: string } {
  const now = today.toISOString().slice(0, 10);
  const anchor = lastInBucket !== undefined && lastInBucket < now ? lastInBucket : now;
  const last = (dayNumberOf(anchor) ?? 0) + shift;
  return { start: dateOfDayNumber(Math.max(0, last - (days - 1))), stop: dateOfDayNumber(Math.max(0, last)) };
}

/**
 * What landed in the window, for the map before the dates (listings and the ledger only), while
 * `active`; again when the window or the choices before it change.
 */
export function useCoverage(
  coverage: WizardDeps['coverage'],
  source: Source | undefined,
  draft: WizardInput,
  /** The time buckets the flags fixed (the map's own choice of cells must not narrow it). */
  times: WizardInput['times'],
  window: { start: string; stop: string },
  active: boolean,
  attempt = 0,
) {
  const selection: Selection | undefined =
    draft.environments !== undefined && draft.categories !== undefined
      ? {
          dataType: draft.dataType,
          environments: draft.environments,
          categories: draft.categories,
          start: window.start,
          stop: window.stop,
          times: times ?? 'all',
        }
      : undefined;
  const ready = active && coverage && source && draft.bucket !== undefined && selection;
  const key = ready ? `${JSON.stringify(selection)}#${draft.bucket}#${attempt}` : '';
  return useAsync<BackfillPlan>(
    ready ? (signal) => coverage(draft.bucket!, selection, source, signal) : undefined,
    key,
  );
}
