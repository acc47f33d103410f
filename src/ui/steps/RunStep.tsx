import { objectKey } from '../../core/layout/source-object.js';
import { landingLine } from '../../engine/run-outcome.js';
import { ProgressBar } from '@inkjs/ui';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useRef, useState } from 'react';
import {
  FAILURES_KEPT,
  type RunEvent,
  type RunFailure,
  type RunProgress,
  type RunSummary,
} from '../../engine/run-backfill.js';
import { formatCount, printable } from '../../core/present/format.js';
import { useTint } from '../components/color.js';
import { runStats } from '../../engine/run-stats.js';
import { StepFrame } from '../components/StepFrame.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useLatest } from '../hooks/use-latest.js';

export interface RunStepProps {
  /** Starts the run; called once, when the step mounts. */
  start: (onEvent: (e: RunEvent) => void) => Promise<RunSummary>;
  /** Files and bytes the plan sends, for the bar before the first event. */
  total: number;
  totalBytes: number;
  /** True after the first Ctrl-C: no new sends, waiting for those in flight. */
  stopping: boolean;
  context?: string;
  onDone: (summary: RunSummary) => void;
  /** The run failed as a whole; `sent`: files that had an outcome before it did (0: nothing went out). */
  onFail: (error: unknown, sent: number) => void;
  /** The clock (tests pin it). */
  now?: () => number;
}

/** The run: a progress bar with files/s, bytes, elapsed and ETA, and failures as they happen. */
export function RunStep(props: RunStepProps) {
  const tint = useTint();
  const { rows, columns } = useTerminalSize();
  const now = props.now ?? (() => performance.now());
  const started = useRef(now());
  const [progress, setProgress] = useState<RunProgress>({
    total: props.total,
    totalBytes: props.totalBytes,
    done: 0,
    doneBytes: 0,
    failed: 0,
    elapsedMs: 0,
  });
  const [failures, setFailures] = useState<RunFailure[]>([]);
  const [clock, setClock] = useState(0);
  const [landing, setLanding] = useState<number | undefined>();

  const latest = useLatest({ props, now });
  useEffect(() => {
    const { props: first, now: clockOf } = latest.current;
    let sent = 0;
    const onEvent = (e: RunEvent) => {
      if (e.type === 'file') sent++;
      if (e.type === 'progress') setProgress(e.progress);
      else if (e.type === 'landing') setLanding(e.staged);
      // The latest few only: a run with millions of failures must not hold them all.
      else if (e.status === 'failed')
        setFailures((f) => [
          ...f.slice(-(FAILURES_KEPT - 1)),
          { name: e.object.name, generation: e.object.generation, error: e.error ?? 'unknown error' },
        ]);
    };
    first.start(onEvent).then(first.onDone, (error: unknown) => first.onFail(error, sent));
    const timer = setInterval(() => setClock(clockOf() - started.current), 500);
    return () => clearInterval(timer);
  }, [latest]); // once: the run starts when the step shows

  const stats = runStats(progress, Math.max(clock, progress.elapsedMs));
  const shownFailures = Math.max(1, rows - 14);
  const recent = failures.slice(-shownFailures);
  return (
    <StepFrame
      title={props.stopping ? 'Stopping' : 'Running'}
      context={props.context}
      hints={
        props.stopping
          ? [{ key: 'ctrl-c', does: 'quit now (files in flight are not waited for)' }]
          : [{ key: 'ctrl-c', does: 'stop (finishes the files in flight)' }]
      }
    >
      <Box>
        <Box width={Math.max(10, columns - 8)}>
          <ProgressBar value={stats.percent} />
        </Box>
        <Text> {String(stats.percent).padStart(3)}%</Text>
      </Box>
      <Text wrap="truncate-end">
        {stats.files} · {stats.bytes} · {stats.rate} · {stats.elapsed} elapsed · ETA {stats.eta}
      </Text>
      {failures.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={tint('red')}>Failures ({formatCount(progress.failed)}):</Text>
          {recent.map((f) => (
            <Text key={objectKey(f)} wrap="truncate-end">
              {'  ✗ '}
              {printable(f.name.split('/').slice(-4).join('/'))}: {printable(f.error)}
            </Text>
          ))}
        </Box>
      )}
      {landing !== undefined && (
        <Box marginTop={1}>
          <Text>
            <Spinner /> {landingLine(landing)}
          </Text>
        </Box>
      )}
      {props.stopping && (
        <Box marginTop={1}>
          <Text color={tint('yellow')}>
            <Spinner /> Stopping: no new files are sent; waiting for the files in flight. Ctrl-C again to quit now.
          </Text>
        </Box>
      )}
    </StepFrame>
  );
}
