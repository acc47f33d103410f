import { useEffect, useRef, useState } from 'react';
import type { BackfillPlan } from '../engine/plan-backfill.js';
import type { RunSummary } from '../engine/run-backfill.js';
import { CategoryStep } from './steps/CategoryStep.js';
import { ConfirmStep } from './steps/ConfirmStep.js';
import { CoverageStep } from './steps/CoverageStep.js';
import { mapDays, mapWindow, useCoverage } from './hooks/use-coverage.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { DateRangeStep } from './steps/DateRangeStep.js';
import { EnvironmentStep } from './steps/EnvironmentStep.js';
import { PreviewStep } from './steps/PreviewStep.js';
import { RunStep } from './steps/RunStep.js';
import { SourceStep } from './steps/SourceStep.js';
import { DestinationStep } from './steps/DestinationStep.js';
import { SummaryStep } from './steps/SummaryStep.js';
import { TimeStep } from './steps/TimeStep.js';
import { errorOf, useAsync, valueOf } from './hooks/use-async.js';
import { useDiscovery } from './hooks/use-discovery.js';
import { useInterrupt } from './hooks/use-interrupt.js';
import { usePlanning } from './hooks/use-planning.js';
import { useSource } from './hooks/use-source.js';
import { choicesOf, contextLine, useWizardFlow, type StepId } from './hooks/use-wizard-flow.js';
import type { WizardChoices, WizardDeps, WizardInput, WizardResult } from './model/wizard-types.js';
import { messageOf } from './hooks/use-async.js';
import { useLatest } from './hooks/use-latest.js';

export interface WizardProps {
  initial: WizardInput;
  deps: WizardDeps;
  /** The process's interrupt (an outside SIGINT); treated like Ctrl-C. */
  interrupt?: AbortSignal;
  onExit: (result: WizardResult) => void;
  /** The run itself failed (not a file: the publisher or warehouse). */
  onFail: (error: unknown) => void;
}

interface Ran {
  choices: WizardChoices;
  plan: BackfillPlan;
  summary: RunSummary;
}

/** The whole flow: source → environments → categories → map → dates → times → preview → confirm → run → summary. */
export function Wizard({ initial, deps, interrupt, onExit, onFail }: WizardProps) {
  const flow = useWizardFlow(initial, deps.coverage !== undefined);
  const { step, draft } = flow;
  const src = useSource(flow, deps.openSource);
  // Each retry (r on a screen that failed to look something up) runs the lookup again.
  const [attempt, setAttempt] = useState(0);
  const retry = () => setAttempt((n) => n + 1);
  // The map needs what the dates step needs: the span of days in the bucket, to end its window there.
  const found = useDiscovery(
    step === 'environments' || step === 'categories' || step === 'dates'
      ? step
      : step === 'coverage'
        ? 'dates'
        : undefined,
    src.source,
    draft.dataType,
    draft.environments,
    draft.categories,
    attempt,
  );
  const [startError, setStartError] = useState<string | undefined>();
  const [shift, setShift] = useState(0);
  const span = found.span.status === 'done' ? found.span.value : undefined;
  const size = useTerminalSize();
  const envs = Array.isArray(draft.environments) ? draft.environments : (valueOf(found.environments) ?? []);
  const days = mapDays(envs, size);
  const window = mapWindow((deps.today ?? (() => new Date()))(), days, shift, span?.last);
  const spanKnown = found.span.status === 'done' || found.span.status === 'failed';
  const coverage = useCoverage(
    deps.coverage,
    src.source,
    draft,
    initial.times,
    window,
    step === 'coverage' && spanKnown,
    attempt,
  );
  const choices = choicesOf(draft);
  const planning = usePlanning(
    deps.plan,
    src.source,
    choices,
    step === 'preview' || step === 'confirm' || step === 'run',
    attempt,
  );
  const plan = valueOf(planning.state);
  // The cost and time lines the `--yes` preview prints, for the plan on screen (cost first, time
  // from a sample of the files read once the plan is known).
  const forecast = useAsync<string>(
    plan && choices && deps.forecast && step === 'preview' ? () => deps.forecast!(choices, plan) : undefined,
    plan && choices ? `${JSON.stringify(choices)}#${attempt}#${plan.totals.toSend}` : '',
  );
  const runControl = useRef<AbortController | undefined>(undefined);
  const [stopping, setStopping] = useState(false);
  const [ran, setRan] = useState<Ran>();

  // First Ctrl-C in a run: stop sending and wait for what is in flight. A second: quit at once.
  // Before a run there is nothing to wait for. The abort signal (not state) says which it is, so
  // two presses in one burst still count as two.
  useInterrupt(() => {
    if (step === 'summary') return;
    if (step !== 'run') return onExit({ kind: 'cancelled' });
    if (runControl.current?.signal.aborted) return onExit({ kind: 'quit' });
    runControl.current?.abort();
    setStopping(true);
  }, interrupt);

  const exit = useLatest(onExit);
  useEffect(() => {
    if (step === 'summary' && ran) exit.current({ kind: 'ran', ...ran });
  }, [step, ran, exit]);

  const destination = deps.destination(draft.destination, draft.bucket);
  const context = contextLine(draft, destination);
  const backFrom = (s: StepId) => (flow.previous(s) !== undefined ? () => flow.back(s) : undefined);
  const common = (s: StepId) => ({ context, ...opt('position', flow.position(s)), ...opt('onBack', backFrom(s)) });

  switch (step) {
    case 'source':
      return (
        <SourceStep
          defaultValue={draft.bucket ?? deps.suggestedBucket?.bucket ?? ''}
          {...opt('defaultFrom', draft.bucket === undefined ? deps.suggestedBucket?.from : undefined)}
          checking={src.checking}
          {...opt('error', src.error)}
          {...opt('position', flow.position('source'))}
          onSubmit={src.open}
        />
      );
    case 'environments':
      return (
        <EnvironmentStep
          key="environments"
          present={valueOf(found.environments)}
          {...opt('defaultValue', Array.isArray(draft.environments) ? draft.environments : undefined)}
          {...errorOf(found.environments)}
          onRetry={retry}
          {...common('environments')}
          onSubmit={(environments) => flow.next('environments', { environments })}
        />
      );
    case 'categories':
      return (
        <CategoryStep
          key="categories"
          present={valueOf(found.categories)}
          {...opt('defaultValue', Array.isArray(draft.categories) ? draft.categories : undefined)}
          {...errorOf(found.categories)}
          onRetry={retry}
          {...common('categories')}
          onSubmit={(categories) => flow.next('categories', { categories })}
        />
      );
    case 'coverage':
      return (
        <CoverageStep
          state={coverage}
          window={window}
          {...opt('defaultValue', draft.cells)}
          onShift={(direction) => setShift((s) => s + direction * days)}
          canShift={{ earlier: !span || window.start > span.first, later: shift < 0 }}
          {...mapOf(deps, draft.bucket)}
          onRetry={retry}
          {...common('coverage')}
          onSubmit={(cells, span) => flow.chooseCells(cells, span)}
        />
      );
    case 'dates':
      return (
        <DateRangeStep
          now={(deps.today ?? (() => new Date()))()}
          span={found.span.status === 'done' ? found.span.value : found.span.status === 'failed' ? null : undefined}
          {...opt('defaultStart', draft.start)}
          {...opt('defaultStop', draft.stop)}
          {...common('dates')}
          onSubmit={(start, stop) => flow.next('dates', { start, stop })}
        />
      );
    case 'times':
      return (
        <TimeStep
          {...opt('defaultValue', Array.isArray(draft.times) ? draft.times : undefined)}
          {...common('times')}
          onSubmit={(times) => flow.next('times', { times })}
        />
      );
    case 'destination': {
      const options = deps.destinations(draft.bucket ?? '');
      return (
        <DestinationStep
          options={options}
          {...opt('defaultValue', draft.destination ?? options[0]?.value)}
          {...common('destination')}
          {...opt('typed', deps.typedDestination)}
          onSubmit={(d) => flow.next('destination', { destination: d })}
        />
      );
    }
    case 'preview':
      return (
        <PreviewStep
          plan={plan}
          progress={planning.progress}
          {...errorOf(planning.state)}
          {...opt('forecast', valueOf(forecast))}
          largeSelection={deps.largeSelection ?? 10_000}
          {...opt('dryRun', initial.dryRun)}
          context={context}
          onSubmit={() =>
            initial.dryRun && plan && choices ? onExit({ kind: 'previewed', choices, plan }) : flow.go('confirm')
          }
          onFinish={() => plan && choices && onExit({ kind: 'previewed', choices, plan })}
          onRetry={retry}
          {...opt('onBack', backFrom('preview'))}
        />
      );
    case 'confirm':
      if (!plan || !choices) return null;
      return (
        <ConfirmStep
          totals={plan.totals}
          source={plan.source}
          destination={destination}
          reprocess={plan.reprocess}
          follows={deps.follows === true}
          context={context}
          {...opt('error', startError)}
          onConfirm={() => {
            setStartError(undefined);
            runControl.current = new AbortController();
            flow.go('run');
          }}
          onBack={() => flow.back('confirm')}
        />
      );
    case 'run':
      if (!plan || !choices || !runControl.current) return null;
      return (
        <RunStep
          start={(onEvent) => deps.run(choices, plan, runControl.current!.signal, onEvent)}
          total={plan.totals.toSend}
          totalBytes={plan.totals.bytesToSend}
          stopping={stopping}
          context={context}
          onDone={(summary) => {
            setRan({ choices, plan, summary });
            flow.go('summary');
          }}
          onFail={(error, sent) => {
            // Failed before anything went out (a lock taken since the preview, say): back to Confirm
            // with the reason, choices kept, as earlier steps offer a retry. Later failures end the run.
            if (sent > 0) return onFail(error);
            setStartError(messageOf(error));
            flow.go('confirm');
          }}
        />
      );
    case 'summary':
      if (!ran) return null;
      return <SummaryStep summary={ran.summary} context={context} />;
  }
}

/** `{ [key]: value }` when the value is defined, else nothing (exactOptional-friendly spreading). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The map's warehouse in words, and whether it stages (BigQuery): what the map's legend and text say. */
function mapOf(deps: WizardDeps, bucket: string | undefined): { staging?: boolean; destination?: string } {
  const w = bucket !== undefined ? deps.mapWarehouse?.(bucket) : undefined;
  if (!w) return {};
  const label = deps.destination(w.spec, bucket);
  return {
    staging: w.spec.startsWith('bigquery'),
    destination: w.missing
      ? `${label.replace(/ \(new file\)$/, '')} (no such file yet: nothing has landed there)`
      : label,
  };
}
