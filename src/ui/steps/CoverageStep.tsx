import { Text } from 'ink';
import { useState, type ReactNode } from 'react';
import { cellKey, cellsSpan } from '../../core/layout/cells.js';
import { legendLines, renderCoverageMap } from '../../core/layout/coverage-map.js';
import { formatCount } from '../../core/present/format.js';
import { datesOf } from '../../core/layout/selection.js';
import { cellCounts } from '../../engine/cell-counts.js';
import type { BackfillPlan } from '../../engine/plan-backfill.js';
import { useColorAllowed } from '../components/color.js';
import { cellAt, cellsNeedingBackfill, moved, startCursor, toEnd, type Grid } from '../model/coverage-cursor.js';
import { BACK, type KeyHint } from '../components/KeyHelp.js';
import { StepFrame } from '../components/StepFrame.js';
import type { AsyncState } from '../hooks/use-async.js';
import { useStepKeys } from '../hooks/use-step-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { environmentRows } from '../hooks/use-coverage.js';

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
  /** Whether the bucket has days before and after the window (no paging into empty days). */
  canShift?: { earlier: boolean; later: boolean };
  /** The warehouse stages files (BigQuery): the legend names the staged state. */
  staging?: boolean;
  /** Where the map's ledger is read: shown on the screen. */
  destination?: string;
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
  /** The window the cursor was placed on (it starts on the first cell needing a backfill). */
  const [placedOn, setPlacedOn] = useState('');
  /** Chosen cells, across windows, with what each held when chosen; and the choices before, for undo. */
  const [chosen, setChosen] = useState<ReadonlyMap<string, Held>>(
    () => new Map((props.defaultValue ?? []).map((k) => [k, { files: 0, open: 0 }])),
  );
  const [history, setHistory] = useState<ReadonlyMap<string, Held>[]>([]);
  const plan = state.status === 'done' ? state.value : undefined;
  const grid: Grid | undefined = plan && {
    environments: plan.selection.environments,
    days: datesOf(window.start, window.stop),
    times: plan.selection.times,
    counts: cellCounts(plan),
  };
  const windowKey = `${window.start}/${window.stop}`;
  if (grid && placedOn !== windowKey) {
    setPlacedOn(windowKey);
    setCursor(startCursor(grid));
  }
  const held = (g: Grid, key: string): Held => {
    const x = g.counts.get(key);
    return { files: x?.files ?? 0, open: x ? x.files - x.landed : 0 };
  };
  const change = (next: ReadonlyMap<string, Held>) => {
    setHistory((h) => [...h, chosen]);
    setChosen(next);
  };
  const can = props.canShift ?? { earlier: true, later: true };
  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      if ((input === '[' || key.pageUp) && can.earlier) return props.onShift(-1);
      if ((input === ']' || key.pageDown) && can.later) return props.onShift(1);
      if (state.status === 'failed' && input === 'r') return props.onRetry?.();
      if (input === 'u') {
        const last = history.at(-1);
        if (last) {
          setHistory((h) => h.slice(0, -1));
          setChosen(last);
        }
        return;
      }
      if (!grid || grid.environments.length === 0) return key.return ? submit() : undefined;
      if (key.leftArrow) setCursor((c) => moved(grid, c, 0, -1));
      else if (key.rightArrow) setCursor((c) => moved(grid, c, 0, 1));
      else if (key.upArrow) setCursor((c) => moved(grid, c, -1, 0));
      else if (key.downArrow) setCursor((c) => moved(grid, c, 1, 0));
      else if (key.home) setCursor((c) => toEnd(grid, c, -1));
      else if (key.end) setCursor((c) => toEnd(grid, c, 1));
      else if (input === ' ') {
        const k = cellAt(grid, moved(grid, cursor, 0, 0)).key;
        const next = new Map(chosen);
        if (next.has(k)) next.delete(k);
        else next.set(k, held(grid, k));
        change(next);
      } else if (input === 'm') {
        const next = new Map(chosen);
        for (const k of cellsNeedingBackfill(grid)) if (!next.has(k)) next.set(k, held(grid, k));
        change(next);
      } else if (input === 'c' && chosen.size > 0) change(new Map());
      else if (key.return) submit();
    },
  });
  const submit = () => {
    const cells = [...chosen.keys()];
    props.onSubmit(cells, cells.length > 0 ? cellsSpan(cells) : undefined);
  };
  const hints: KeyHint[] = [
    { key: '←↑↓→', does: 'move' },
    { key: 'space', does: 'choose' },
    { key: 'm', does: 'add all not landed' },
    { key: 'u', does: 'undo' },
    { key: '[ ]', does: 'earlier/later' },
    { key: 'enter', does: chosen.size > 0 ? 'backfill' : 'dates' },
    ...(props.onBack ? [BACK] : []),
  ];
  const frame = (body: ReactNode) => (
    <StepFrame title="What landed" hints={hints} {...opt(props)}>
      <Text>
        {window.start} to {window.stop}; a day&apos;s three cells are its time buckets 0-8, 8-16, 16-24.
      </Text>
      {props.destination !== undefined && <Text>Landed according to {props.destination}.</Text>}
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
        return { cursor: key === here.key, chosen: chosen.has(key) };
      },
    },
    { columns, color },
  );
  const c = grid.counts.get(here.key);
  // Over every chosen cell, in this window or another: what it held when it was chosen (or now, on screen).
  let files = 0;
  let open = 0;
  for (const [k, h] of chosen) {
    const now = grid.counts.has(k) || grid.days.includes(k.split('/')[1] ?? '') ? held(grid, k) : h;
    files += now.files;
    open += now.open;
  }
  return frame(
    <>
      <Text> </Text>
      {lines.map((line, i) => (
        <Text key={i}>{line === '' ? ' ' : line}</Text>
      ))}
      <Text dimColor>{legendLines(columns - 1, { staging: props.staging === true, choosing: true }).join('\n')}</Text>
      <Text>
        {here.environment} {here.ds} {here.time}:{' '}
        {c
          ? `${formatCount(c.files)} ${c.files === 1 ? 'file' : 'files'}, ${formatCount(c.landed)} landed`
          : 'no files'}
        {scrolled ? ` (environments ${top + 1}-${top + shown.length} of ${grid.environments.length})` : ''}
      </Text>
      <Text>
        {chosen.size === 0
          ? 'No cell chosen: enter goes on to the dates.'
          : `${formatCount(chosen.size)} ${chosen.size === 1 ? 'cell' : 'cells'} chosen: ${formatCount(files)} ${files === 1 ? 'file' : 'files'}, ${formatCount(open)} not landed.`}
      </Text>
    </>,
  );
}

/** What a chosen cell held: files, and of them not landed. */
interface Held {
  files: number;
  open: number;
}

function opt(p: CoverageStepProps) {
  return {
    ...(p.position !== undefined ? { position: p.position } : {}),
    ...(p.context !== undefined ? { context: p.context } : {}),
  };
}
