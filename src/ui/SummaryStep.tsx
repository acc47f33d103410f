import { Box, Text } from 'ink';
import { formatBytes, formatCount, formatDuration } from '../core/format.js';
import type { RunSummary } from '../engine/run-backfill.js';
import { useTint } from './color.js';
import { StepFrame } from './StepFrame.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface SummaryStepProps {
  summary: RunSummary;
  /** The equivalent non-interactive command line (with --yes). */
  commandLine: string;
  /** The command that resumes the run; shown when something failed or was not sent. */
  resumeCommand: string;
  context?: string;
}

/**
 * The outcome: counts, failures with reasons, where the run record is, how to resume, and the
 * command line for a script. It is the wizard's last frame and stays on the terminal.
 */
export function SummaryStep({ summary: s, commandLine, resumeCommand, context }: SummaryStepProps) {
  const tint = useTint();
  const { rows, columns } = useTerminalSize();
  const c = s.counts;
  const sent = c.published + c.ingested + c['already-ingested'];
  const incomplete = c.failed > 0 || s.notSent > 0;
  // Failures get the rows the rest leaves free, so the whole summary fits the terminal.
  const tall = (text: string) => Math.max(1, Math.ceil(text.length / Math.max(20, columns)));
  const fixed = 10 + (s.interrupted ? 1 : 0) + tall(`Run record: ${s.recordPath}`) + tall(commandLine) + (incomplete ? 1 + tall(resumeCommand) : 0);
  const room = Math.max(1, rows - fixed - 1);
  const failures = s.failures.slice(0, room);
  const parts = [
    c.ingested > 0 ? `${formatCount(c.ingested)} ingested` : '',
    c.published > 0 ? `${formatCount(c.published)} published` : '',
    c['already-ingested'] > 0 ? `${formatCount(c['already-ingested'])} already ingested` : '',
    `${formatCount(c.failed)} failed`,
    s.notSent > 0 || s.interrupted ? `${formatCount(s.notSent)} not sent` : '',
  ].filter((p) => p !== '');
  return (
    <StepFrame title={s.interrupted ? 'Interrupted' : 'Done'} {...(context ? { context } : {})} hints={[]}>
      <Text bold color={tint(s.interrupted || c.failed > 0 ? 'yellow' : 'green')}>
        {s.interrupted ? `Interrupted after ${formatDuration(s.elapsedMs)}: ` : `Done in ${formatDuration(s.elapsedMs)}: `}
        {parts.join(', ')} ({formatBytes(s.bytes)}).
      </Text>
      {s.interrupted && (
        <Text>
          {formatCount(sent)} files went out; {formatCount(s.notSent)} were not sent.
        </Text>
      )}
      {failures.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={tint('red')}>Failures:</Text>
          {failures.map((f) => (
            <Text key={`${f.name}#${f.generation}`} wrap="truncate-end">
              {'  ✗ '}
              {f.name}: {f.error}
            </Text>
          ))}
          {s.counts.failed > failures.length && <Text dimColor>  … and {formatCount(s.counts.failed - failures.length)} more in the run record</Text>}
        </Box>
      )}
      <Box marginTop={1} flexDirection="column">
        <Text>
          <Text dimColor>Run record: </Text>
          {s.recordPath}
        </Text>
        {incomplete && (
          <>
            <Text dimColor>Resume (sends only what did not go out):</Text>
            <Text>{resumeCommand}</Text>
          </>
        )}
        <Text dimColor>The same backfill from a script:</Text>
        <Text>{commandLine}</Text>
      </Box>
    </StepFrame>
  );
}
