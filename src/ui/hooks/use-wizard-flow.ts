import { useState } from 'react';
import type { TimeBucket } from '../../core/layout/partition-layout.js';
import type { AllOr } from '../../core/layout/selection.js';
import type { WizardChoices, WizardInput } from '../model/wizard-types.js';

export type StepId =
  | 'source'
  | 'environments'
  | 'categories'
  | 'coverage'
  | 'dates'
  | 'times'
  | 'destination'
  | 'preview'
  | 'confirm'
  | 'run'
  | 'summary';

/** The steps that choose something, in order; a flag fixes its step and the flow skips it. */
export const CHOOSING = ['source', 'environments', 'categories', 'coverage', 'dates', 'times', 'destination'] as const;
type Choosing = (typeof CHOOSING)[number];

export type Draft = WizardInput;

function fixedBy(initial: WizardInput, map: boolean): Set<Choosing> {
  const fixed = new Set<Choosing>();
  // The map chooses dates: there is none when the flags gave them (or cells), or no map to draw.
  if (!map || (initial.start !== undefined && initial.stop !== undefined)) fixed.add('coverage');
  if (initial.bucket !== undefined) fixed.add('source');
  if (initial.environments !== undefined) fixed.add('environments');
  if (initial.categories !== undefined) fixed.add('categories');
  if (initial.start !== undefined && initial.stop !== undefined) fixed.add('dates');
  if (initial.times !== undefined) fixed.add('times');
  if (initial.destination !== undefined) fixed.add('destination');
  return fixed;
}

/** The choices once every step has one, else undefined. */
export function choicesOf(d: Draft): WizardChoices | undefined {
  if (d.bucket === undefined || d.environments === undefined || d.categories === undefined) return undefined;
  if (d.start === undefined || d.stop === undefined || d.destination === undefined) return undefined;
  return {
    destination: d.destination,
    bucket: d.bucket,
    selection: {
      dataType: d.dataType,
      environments: d.environments,
      categories: d.categories,
      start: d.start,
      stop: d.stop,
      times: d.times ?? 'all',
      ...(d.cells !== undefined ? { cells: d.cells } : {}),
    },
    reprocess: d.reprocess,
  };
}

const list = (v: AllOr<string> | undefined) => (v === undefined ? undefined : v === 'all' ? 'all' : v.join(','));

/** One line of what has been chosen so far, for the top of each step. */
export function contextLine(d: Draft, destination: string): string {
  const parts = [
    d.bucket,
    list(d.environments),
    list(d.categories),
    d.cells !== undefined ? `${d.cells.length} cells` : d.start && d.stop ? `${d.start}…${d.stop}` : undefined,
    list(d.times as AllOr<string> | undefined),
  ];
  return `${parts.filter((p) => p !== undefined).join(' · ')} → ${destination}${d.reprocess ? ' (reprocess)' : ''}`;
}

/**
 * Where the wizard is and what it has gathered. `next` records a step's answer and moves on past
 * the steps the flags fixed; `back` returns to the previous step still open, keeping every choice.
 */
export function useWizardFlow(initial: WizardInput, map = false) {
  const [fixed, setFixed] = useState(() => fixedBy(initial, map));
  const [draft, setDraft] = useState<Draft>(() => ({ ...initial }));
  const [step, setStep] = useState<StepId>('source');
  const open = CHOOSING.filter((s) => !fixed.has(s));

  const afterChoosing = (from: Choosing, f: ReadonlySet<Choosing> = fixed): StepId =>
    CHOOSING.slice(CHOOSING.indexOf(from) + 1).find((s) => !f.has(s)) ?? 'preview';
  const previous = (from: StepId): StepId | undefined => {
    if (from === 'confirm') return 'preview';
    if (from === 'run' || from === 'summary') return undefined;
    const upTo = from === 'preview' ? CHOOSING.length : CHOOSING.indexOf(from);
    return [...CHOOSING.slice(0, upTo)].reverse().find((s) => !fixed.has(s));
  };

  return {
    step,
    draft,
    /** `2/4`: the step's place among the open choosing steps. */
    position: (s: StepId) => {
      const i = (open as readonly StepId[]).indexOf(s);
      return i < 0 ? undefined : `${i + 1}/${open.length}`;
    },
    next(from: Choosing, patch: Partial<Draft>) {
      setDraft((d) => ({ ...d, ...patch }));
      setStep(afterChoosing(from));
    },
    /**
     * The map's answer: cells chosen fix the dates and times (their span) and skip those steps;
     * none reopens them (unless the flags fixed them) and clears any cells chosen before.
     */
    chooseCells(cells: readonly string[], span?: { start: string; stop: string; times: TimeBucket[] }) {
      const byFlags = fixedBy(initial, map);
      const f = new Set(fixed);
      for (const s of ['dates', 'times'] as const) {
        if (cells.length > 0) f.add(s);
        else if (!byFlags.has(s)) f.delete(s);
      }
      setFixed(f);
      setDraft((d) =>
        cells.length > 0 && span
          ? { ...d, cells: [...cells], start: span.start, stop: span.stop, times: span.times }
          : { ...d, cells: undefined },
      );
      setStep(afterChoosing('coverage', f));
    },
    go: setStep,
    update: (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch })),
    /** The step Esc returns to, or undefined when there is none. */
    previous,
    back: (from: StepId) => {
      const to = previous(from);
      if (to !== undefined) setStep(to);
    },
    /** Opens a fixed step again (a bucket from the flags that could not be opened). */
    reopen: (s: Choosing) => setFixed((f) => new Set([...f].filter((x) => x !== s))),
  };
}

export type Flow = ReturnType<typeof useWizardFlow>;
export type { TimeBucket };
