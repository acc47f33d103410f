import { Text } from 'ink';
import { useState, type ReactNode } from 'react';
import { cellKey, cellsSpan } from '../core/cells.js';
import { LEGEND, renderCoverageMap } from '../core/coverage-map.js';
import { formatCount } from '../core/format.js';
import { datesOf } from '../core/selection.js';
import { cellCounts } from '../engine/cell-counts.js';
import type { BackfillPlan } from '../engine/plan-backfill.js';
import { useColorAllowed } from './color.js';
import { cellAt, cellsNeedingBackfill, moved, toggled, type Grid } from './coverage-cursor.js';
import { BACK, type KeyHint } from './KeyHelp.js';
import { StepFrame } from './StepFrame.js';
import type { AsyncState } from './use-async.js';
import { useStepKeys } from './use-step-keys.js';
import { useTerminalSize } from './use-terminal-size.js';
import { environmentRows } from './use-coverage.js';

export interface CoverageStepProps {
  state: AsyncState<BackfillPlan>;
  window: { start: string; stop: string };
  defaultValue?: readonly string[];
  position?: string;
  context?: string;
  /** The cells chosen (`ENV/YYYY-MM-DD/TIME`); none: the dates are chosen on the next step instead. */
  onSubmit: (cells: string[], span?: ReturnType<typeof cellsSpan>) => void;
  /** Moves the window a whole window earlier (`[`: -1) or later (`]`: 1). */
  onShift: (direction: -1 | 1) => void;
  onBack?: () => void;
  onRetry?: () => void;
}

/**
 * The coverage map before the dates: what the bucket holds against what landed, a cell per
 * environment, day and time bucket. Cells chosen here are the backfill (every category chosen);
 * none chosen goes on to the dates.
 */
export function CoverageStep(props: CoverageStepProps) {
  const { state, window } = props;
  const { columns, rows } = useTerminalSize();
  const color = useColorAllowed();
  const [cursor, setCursor] = useState({ row: 0, col: 0 });
  const [chosen, setChosen] = useState<string[]>(() => [...(props.defaultValue ?? [])]);
  const plan = state.status === 'done' ? state.value : undefined;
  const grid: Grid | undefined = plan && {
    environments: plan.selection.environments,
    days: datesOf(window.start, window.stop),
    times: plan.selection.times,
    counts: cellCounts(plan),
  };
  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      if (input === '[') return props.onShift(-1);
      if (input === ']') return props.onShift(1);
      if (state.status === 'failed' && input === 'r') return props.onRetry?.();
      if (!grid || grid.environments.length === 0) return key.return ? props.onSubmit([]) : undefined;
      if (key.leftArrow) setCursor((c) => moved(grid, c, 0, -1));
      else if (key.rightArrow) setCursor((c) => moved(grid, c, 0, 1));
      else if (key.upArrow) setCursor((c) => moved(grid, c, -1, 0));
      else if (key.downArrow) setCursor((c) => moved(grid, c, 1, 0));
      else if (input === ' ') setChosen((now) => toggled(now, cellAt(grid, moved(grid, cursor, 0, 0)).key));
      else if (input === 'm') setChosen(cellsNeedingBackfill(grid));
      else if (input === 'c') setChosen([]);
      else if (key.return) props.onSubmit(chosen, chosen.length > 0 ? cellsSpan(chosen) : undefined);
    },
  });
  const hints: KeyHint[] = [
    { key: '←↑↓→', does: 'move' },
    { key: 'space', does: 'choose' },
    { key: 'm', does: 'all not landed' },
    { key: '[ ]', does: 'earlier/later' },
    { key: 'enter', does: chosen.length > 0 ? 'backfill' : 'dates' },
    ...(props.onBack ? [BACK] : []),
  ];
  const frame = (body: ReactNode) => (
    <StepFrame title="What landed" hints={hints} {...opt(props)}>
      <Text>
        {window.start} to {window.stop}: choose cells to backfill, or go on to choose dates.
      </Text>
      {body}
    </StepFrame>
  );
  if (state.status === 'failed') return frame(<Text>Could not read what landed: {state.error} (r to retry)</Text>);
  if (!grid) return frame(<Text dimColor>Listing the bucket and asking the ledger…</Text>);
  const at = moved(grid, cursor, 0, 0); // kept on the grid when the window changes
  const here = cellAt(grid, at);
  // More environments than the screen holds: the rows around the cursor (the window is one block then).
  const fit = environmentRows(rows);
  const top = Math.max(0, Math.min(at.row - fit + 1, grid.environments.length - fit));
  const shown = grid.environments.slice(top, top + fit);
  const scrolled = shown.length < grid.environments.length;
  const lines = renderCoverageMap(
    {
      environments: shown,
      days: grid.days,
      times: grid.times,
      cell: (e, ds, t) => grid.counts.get(cellKey(e, ds, t)),
      mark: (e, ds, t) => {
        const key = cellKey(e, ds, t);
        return { cursor: key === here.key, chosen: chosen.includes(key) };
      },
    },
    { columns, color },
  );
  const c = grid.counts.get(here.key);
  const files = chosen.reduce((n, k) => n + (grid.counts.get(k)?.files ?? 0), 0);
  const open = chosen.reduce((n, k) => {
    const x = grid.counts.get(k);
    return n + (x ? x.files - x.landed : 0);
  }, 0);
  return frame(
    <>
      <Text> </Text>
      {lines.map((line, i) => (
        <Text key={i}>{line === '' ? ' ' : line}</Text>
      ))}
      <Text dimColor>{LEGEND}</Text>
      <Text>
        {here.environment} {here.ds} {here.time}:{' '}
        {c ? `${formatCount(c.files)} files, ${formatCount(c.landed)} landed` : 'no files'}
        {scrolled ? ` (environments ${top + 1}-${top + shown.length} of ${grid.environments.length})` : ''}
      </Text>
      <Text>
        {chosen.length === 0
          ? 'No cell chosen: enter goes on to the dates.'
          : `${formatCount(chosen.length)} ${chosen.length === 1 ? 'cell' : 'cells'} chosen: ${formatCount(files)} files, ${formatCount(open)} not landed.`}
      </Text>
    </>,
  );
}

function opt(p: CoverageStepProps) {
  return {
    ...(p.position !== undefined ? { position: p.position } : {}),
    ...(p.context !== undefined ? { context: p.context } : {}),
  };
}
