import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTint } from './color.js';
import { KeyHelp, type KeyHint } from './KeyHelp.js';

export interface StepFrameProps {
  /** `Environments`, `Preview`, … */
  title: string;
  /** `2/6`: where this step sits in the flow, when it is one of the choosing steps. */
  position?: string;
  /** What was chosen so far, one short line (bucket, environments, …). */
  context?: string;
  hints: readonly KeyHint[];
  children: ReactNode;
}

/** The frame every step shares: a title line, the context chosen so far, the body, the key help. */
export function StepFrame({ title, position, context, hints, children }: StepFrameProps) {
  const tint = useTint();
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold color={tint('cyan')}>
          analytics-backfill
        </Text>
        <Text> › </Text>
        <Text bold>{title}</Text>
        {position !== undefined && <Text dimColor> ({position})</Text>}
      </Box>
      {context !== undefined && context !== '' && (
        <Text dimColor wrap="truncate-end">
          {context}
        </Text>
      )}
      <Box flexDirection="column" marginTop={1} marginBottom={1}>
        {children}
      </Box>
      {hints.length > 0 && <KeyHelp hints={hints} />}
    </Box>
  );
}
