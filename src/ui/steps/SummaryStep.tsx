import { Box, Text } from 'ink';
import { formatCount } from '../../core/present/format.js';
import type { RunSummary } from '../../engine/run-backfill.js';
import { failureGroups, failureLine, outcomeLine, rowsLines, stagedLines } from '../../engine/run-outcome.js';
import { useTint } from '../components/color.js';
import { StepFrame } from '../components/StepFrame.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';

export interface SummaryStepProps {
  summary: RunSummary;
  context?: string;
}

/**
 * The outcome: counts, what landed and what was rejected, failures by reason, and where the run
 * record is. It is the wizard's last frame and stays on the terminal; the resume and script
 * commands follow it as plain lines once the wizard has closed (see run-wizard-from-cli), where
 * the terminal wraps them softly and they copy as one line.
 */
export function SummaryStep({ summary: s, context }: SummaryStepProps) {
  const tint = useTint();
  const { rows } = useTerminalSize();
  const c = s.counts;
  const sent = c.published + c.ingested + c['already-ingested'];
  const rowLines = [...rowsLines(s), ...stagedLines(s)];
  const groups = failureGroups(s.failures);
  // Failure reasons get the rows the rest leaves free, so the whole summary fits the terminal.
  const fixed = 9 + (s.interrupted ? 1 : 0) + rowLines.length + 2;
  const room = Math.max(1, rows - fixed - 1);
  const shownGroups = groups.slice(0, room);
  const shown = shownGroups.reduce((n, g) => n + g.count, 0);
  return (
    <StepFrame title={s.interrupted ? 'Interrupted' : 'Done'} context={context} hints={[]}>
      <Text bold color={tint(s.interrupted || c.failed > 0 || c.staged > 0 ? 'yellow' : 'green')}>
        {outcomeLine(s)}
      </Text>
      {s.interrupted && (
        <Text>
          {formatCount(sent)} files went out; {formatCount(s.notSent)} were not sent.
        </Text>
      )}
      {rowLines.map((line, i) => (
        <Text key={`rows-${i}`} wrap="wrap" {...(i === 1 && s.rows.debug > 0 ? { color: tint('yellow') } : {})}>
          {line}
        </Text>
      ))}
      {shownGroups.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={tint('red')}>Failures:</Text>
          {shownGroups.map((g) => (
            <Text key={g.reason} wrap="wrap">
              {'  ✗ '}
              {failureLine(g)}
            </Text>
          ))}
          {c.failed > shown && <Text dimColor> … and {formatCount(c.failed - shown)} more in the run record</Text>}
        </Box>
      )}
      <Box marginTop={1} flexDirection="column">
        <Text>
          <Text dimColor>Run record: </Text>
          {s.recordPath}
        </Text>
      </Box>
    </StepFrame>
  );
}
