import { TextInput } from '@inkjs/ui';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useState } from 'react';
import { useTint } from './color.js';
import { checkRange, datePresets, type DateSpan } from './date-range.js';
import { BACK, QUIT } from './KeyHelp.js';
import { StepFrame } from './StepFrame.js';
import { useStepKeys } from './use-step-keys.js';

export interface DateRangeStepProps {
  defaultStart?: string;
  defaultStop?: string;
  now: Date;
  /** The dates present for the chosen environments and categories: undefined while looking, null when none. */
  span: DateSpan | null | undefined;
  position?: string;
  context?: string;
  onSubmit: (start: string, stop: string) => void;
  onBack?: () => void;
}

/**
 * The date range: two typed dates checked as you type, or a preset. ↑↓ (or tab) move between the
 * fields and the presets; Enter on a preset fills both fields; Enter on a field goes on when both are valid.
 */
export function DateRangeStep(props: DateRangeStepProps) {
  const tint = useTint();
  const [start, setStart] = useState(props.defaultStart ?? '');
  const [stop, setStop] = useState(props.defaultStop ?? '');
  const [focus, setFocus] = useState(start === '' || stop !== '' ? 0 : 1);
  const [generation, setGeneration] = useState(0);
  const [tried, setTried] = useState(false);
  const presets = datePresets(props.now, props.span ?? undefined);
  const rows = 2 + presets.length;
  const check = checkRange(start, stop);
  const valid = check.days !== undefined;

  const apply = (index: number) => {
    const preset = presets[index - 2];
    if (!preset) return;
    setStart(preset.start);
    setStop(preset.stop);
    setGeneration((g) => g + 1);
    setFocus(0);
  };
  const enterOnField = () => {
    setTried(true);
    if (valid) props.onSubmit(start.trim(), stop.trim());
    else if (focus === 0 && check.start === undefined) setFocus(1);
    else if (focus === 1 && check.stop === undefined && check.start !== undefined) setFocus(0);
  };

  useStepKeys({
    onBack: props.onBack,
    extra: (_input, key) => {
      if (key.downArrow || (key.tab && !key.shift)) setFocus((f) => (f + 1) % rows);
      else if (key.upArrow || (key.tab && key.shift)) setFocus((f) => (f + rows - 1) % rows);
      else if (key.return && focus >= 2) apply(focus);
    },
  });

  const field = (label: string, index: number, value: string, set: (v: string) => void, problem: string | undefined) => (
    <Box>
      <Text bold={focus === index}>{focus === index ? '› ' : '  '}</Text>
      <Text bold={focus === index}>{label.padEnd(6)}</Text>
      <TextInput key={`${label}-${generation}`} defaultValue={value} placeholder="YYYY-MM-DD" isDisabled={focus !== index} onChange={set} onSubmit={enterOnField} />
      {problem !== undefined && (value !== '' || tried) && (
        <Text color={tint(problem.startsWith('keep typing') ? 'gray' : 'yellow')}>  {problem}</Text>
      )}
    </Box>
  );

  return (
    <StepFrame
      title="Dates"
      {...(props.position ? { position: props.position } : {})}
      {...(props.context ? { context: props.context } : {})}
      hints={[{ key: '↑↓', does: 'move' }, { key: 'enter', does: focus >= 2 ? 'use preset' : 'next' }, ...(props.onBack ? [BACK] : []), QUIT]}
    >
      <Text>Which event dates (event_ds, UTC, inclusive)?</Text>
      {field('Start', 0, start, setStart, check.start)}
      {field('Stop', 1, stop, setStop, check.stop)}
      <Text color={tint(check.order ? 'yellow' : 'green')}>
        {check.order ?? (valid ? `${check.days} day${check.days === 1 ? '' : 's'}` : ' ')}
        {valid && props.span && (stop < props.span.first || start > props.span.last) ? '  — no data in the bucket in this range' : ''}
      </Text>
      <Box marginTop={1} flexDirection="column">
        <Text dimColor>
          {props.span === undefined ? '' : props.span === null ? 'No dates in the bucket for this selection.' : `In the bucket: ${props.span.first} to ${props.span.last}.`}
        </Text>
        {props.span === undefined && (
          <Text>
            <Spinner /> Looking for the dates in the bucket…
          </Text>
        )}
        {presets.map((p, i) => (
          <Text key={p.label} bold={focus === i + 2} color={focus === i + 2 ? tint('blue') : undefined}>
            {focus === i + 2 ? '› ' : '  '}
            {p.label.padEnd(26)}
            <Text dimColor>{p.start === p.stop ? p.start : `${p.start} to ${p.stop}`}</Text>
          </Text>
        ))}
      </Box>
    </StepFrame>
  );
}
