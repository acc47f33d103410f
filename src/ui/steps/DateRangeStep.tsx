import { Select } from '@inkjs/ui';
import { Box, Text, type Key } from 'ink';
import Spinner from 'ink-spinner';
import { useRef, useState } from 'react';
import { useTint } from '../components/color.js';
import { DateField } from '../components/DateField.js';
import { editLine } from '../model/line-edit.js';
import { checkRange, datePresets, type DateSpan } from '../model/date-range.js';
import { BACK, QUIT, type KeyHint } from '../components/KeyHelp.js';
import { StepFrame } from '../components/StepFrame.js';
import { useStepKeys } from '../hooks/use-step-keys.js';

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

const START = 0;
const STOP = 1;
const PRESETS = 2;

/** No key flags: the parts of a burst after its first Enter. */
const NO_KEY = {} as Key;

/**
 * The date range: two typed dates checked as you type, or a preset from a list. ↑↓ move between the
 * two fields and on into the presets; tab cycles fields and presets. Enter on a preset fills both
 * fields; Enter on a field goes on once both are valid.
 */
export function DateRangeStep(props: DateRangeStepProps) {
  const tint = useTint();
  const [start, setStart] = useState(props.defaultStart ?? '');
  const [stop, setStop] = useState(props.defaultStop ?? '');
  /** The fields' latest text, ahead of the next render. */
  const typed = useRef({ start, stop });
  const [focus, setFocusState] = useState(start === '' || stop !== '' ? START : STOP);
  /** The focus as the keys left it, ahead of the next render (keys of one burst see each other's moves). */
  const focused = useRef(focus);
  const setFocus = (next: number) => {
    focused.current = next;
    setFocusState(next);
  };
  const [generation, setGeneration] = useState(0);
  const [tried, setTried] = useState(false);
  const presets = datePresets(props.now, props.span ?? undefined);
  const check = checkRange(start, stop);
  const valid = check.days !== undefined;

  const apply = (label: string) => {
    const preset = presets.find((p) => p.label === label);
    if (!preset) return;
    typed.current = { start: preset.start, stop: preset.stop };
    setStart(preset.start);
    setStop(preset.stop);
    setGeneration((g) => g + 1); // refill the fields (and let the same preset be chosen again)
    setFocus(START);
  };
  /** Enter on a field: decided on the fields' text as the keys left it (DateField), never a render's. */
  const enterOnField = () => {
    const [a, b] = [typed.current.start, typed.current.stop];
    const now = checkRange(a, b);
    setTried(true);
    if (now.days !== undefined) props.onSubmit(a.trim(), b.trim());
    else if (focused.current === START && now.start === undefined) setFocus(STOP);
    else if (focused.current === STOP && now.stop === undefined && now.start !== undefined) setFocus(START);
  };
  const edit = (change: (text: string) => string) => {
    if (focused.current === START) setStart((typed.current.start = change(typed.current.start)));
    else setStop((typed.current.stop = change(typed.current.stop)));
  };
  /** Keys for the focused field: each segment of a burst is typed into the field focused when it arrives. */
  const fieldKeys = (input: string, key: Key) => {
    if (key.return) return enterOnField();
    if (key.meta || key.leftArrow || key.rightArrow) return;
    // Typed at the end of the field, a burst's Backspaces and ctrl-u/w included (line-edit.ts).
    const parts = key.backspace || key.delete || key.ctrl ? [input] : input.split(/\r\n|[\r\n]/);
    parts.forEach((part, index) => {
      if (index > 0) enterOnField();
      if (focused.current !== PRESETS)
        edit((was) => editLine({ text: was, cursor: was.length }, part, index === 0 ? key : NO_KEY).line.text);
    });
  };

  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      const f = focused.current;
      // Tabs pasted or sent in a burst arrive as one input ("\t\t"): each moves the focus once.
      const tabs = key.tab ? 1 : /^\t+$/.test(input) ? input.length : 0;
      if (tabs > 0) setFocus((f + tabs * (key.shift ? 2 : 1)) % 3);
      else if (f === PRESETS)
        return; // the list moves itself
      else if (key.downArrow) setFocus(f + 1);
      else if (key.upArrow) setFocus(f === START ? PRESETS : f - 1);
      else fieldKeys(input, key);
    },
  });

  const field = (label: string, index: number, value: string, problem: string | undefined) => (
    <Box>
      <Text bold={focus === index}>{focus === index ? '› ' : '  '}</Text>
      <Text bold={focus === index}>{label.padEnd(6)}</Text>
      <DateField value={value} focused={focus === index} />
      {problem !== undefined && (value !== '' || tried) && (
        <Text color={tint(problem.startsWith('keep typing') ? 'gray' : 'yellow')}> {problem}</Text>
      )}
    </Box>
  );
  const hints: KeyHint[] = [
    { key: focus === PRESETS ? '↑↓' : '↑↓ tab', does: focus === PRESETS ? 'choose' : 'fields/presets' },
    ...(focus === PRESETS ? [{ key: 'tab', does: 'back to the dates' }] : []),
    { key: 'enter', does: focus === PRESETS ? 'use preset' : 'next' },
    ...(props.onBack ? [BACK] : []),
    QUIT,
  ];

  return (
    <StepFrame title="Dates" position={props.position} context={props.context} hints={hints}>
      <Text>Which event dates (event_ds, UTC, inclusive)?</Text>
      {field('Start', START, start, check.start)}
      {field('Stop', STOP, stop, check.stop)}
      <Text color={tint(check.order ? 'yellow' : 'green')}>
        {check.order ?? (valid ? `${check.days} day${check.days === 1 ? '' : 's'}` : ' ')}
        {valid && props.span && (stop < props.span.first || start > props.span.last)
          ? '  — no data in the bucket in this range'
          : ''}
      </Text>
      <Box marginTop={1} flexDirection="column">
        {props.span === undefined ? (
          <Text>
            <Spinner /> Looking for the dates in the bucket…
          </Text>
        ) : (
          <Text dimColor>
            {props.span === null
              ? 'No dates in the bucket for this selection.'
              : `In the bucket: ${props.span.first} to ${props.span.last}.`}
          </Text>
        )}
        <Text bold={focus === PRESETS}>Presets{focus === PRESETS ? '' : ' (↑ or tab)'}:</Text>
        <Select
          key={`presets-${generation}-${presets.length}`}
          options={presets.map((p) => ({
            value: p.label,
            label: `${p.label.padEnd(26)}${p.start === p.stop ? p.start : `${p.start} to ${p.stop}`}`,
          }))}
          visibleOptionCount={presets.length}
          isDisabled={focus !== PRESETS}
          onChange={apply}
        />
      </Box>
    </StepFrame>
  );
}
