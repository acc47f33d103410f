import { ConfirmInput } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { countOf, formatBytes } from '../../core/present/format.js';
import type { PlanTotals } from '../../engine/plan-backfill.js';
import { BACK, QUIT } from '../components/KeyHelp.js';
import { StepFrame } from '../components/StepFrame.js';
import { useStepKeys } from '../hooks/use-step-keys.js';

export interface ConfirmStepProps {
  totals: PlanTotals;
  source: string;
  destination: string;
  reprocess: boolean;
  /** Then follows the published files until they land (a --topic run). */
  follows?: boolean;
  context?: string;
  onConfirm: () => void;
  onBack: () => void;
  /** Why the last start failed before any file went out (a lock, a folder): shown, and y tries again. */
  error?: string;
}

/** The last stop before anything is sent: what goes where, and the equivalent command line. */
export function ConfirmStep(props: ConfirmStepProps) {
  useStepKeys({ onBack: props.onBack });
  const t = props.totals;
  return (
    <StepFrame
      title="Confirm"
      context={props.context}
      hints={[{ key: 'y/enter', does: 'start' }, { key: 'n', does: 'back to preview' }, BACK, QUIT]}
    >
      <Text>
        Send <Text bold>{countOf(t.toSend, 'file')}</Text> ({formatBytes(t.bytesToSend)}) from {props.source}
      </Text>
      <Text>
        to <Text bold>{props.destination}</Text>
        {props.reprocess ? ', sending files already ingested again (they land nothing new)' : ''}?
      </Text>
      {props.follows === true && (
        <Text>Then follows the published files until every one landed or failed (Ctrl-C stops following).</Text>
      )}
      <Text dimColor>The command line for a script is printed when the wizard ends.</Text>
      {props.error !== undefined && (
        <Text color="red">Could not start: {props.error} (nothing was sent; y tries again)</Text>
      )}
      <Box marginTop={1}>
        <Text>{props.error !== undefined ? 'Try again? ' : 'Start the backfill? '}</Text>
        <ConfirmInput defaultChoice="confirm" onConfirm={props.onConfirm} onCancel={props.onBack} />
      </Box>
    </StepFrame>
  );
}
