import { MultiSelect } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import Spinner from 'ink-spinner';
import { useTint } from './color.js';
import { BACK, QUIT, type KeyHint } from './KeyHelp.js';
import { StepFrame } from './StepFrame.js';
import { useStepKeys } from './use-step-keys.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface ChoiceOption {
  value: string;
  /** Shown after the value, dimmed: `in bucket`, `not in bucket`. */
  note?: string;
}

export interface MultiChoiceProps {
  title: string;
  position?: string;
  context?: string;
  /** The question above the list. */
  prompt: string;
  /** Undefined while the options are being discovered. */
  options: readonly ChoiceOption[] | undefined;
  /** What `a` selects: usually every option that exists. */
  selectAll?: readonly string[];
  defaultValue?: readonly string[];
  /** Shown instead of the list when loading failed. */
  error?: string;
  /** Shown when there are no options. */
  emptyMessage?: string;
  onSubmit: (values: string[]) => void;
  onBack?: () => void;
}

/** A multi-select step: space toggles, `a` selects all (or none), Enter submits at least one. */
export function MultiChoice(props: MultiChoiceProps) {
  const tint = useTint();
  const { rows } = useTerminalSize();
  const [selected, setSelected] = useState<string[]>(() => [...(props.defaultValue ?? [])]);
  const [generation, setGeneration] = useState(0);
  const [message, setMessage] = useState<string | undefined>();
  // The selection as of the last key, and whether the list was just remounted by `a` and cannot
  // hear keys yet: Enter pressed in that moment is handled here instead.
  const selectedNow = useRef(selected);
  const remounting = useRef(false);
  useEffect(() => {
    remounting.current = false;
  }, [generation]);
  const options = props.options;
  const all = props.selectAll ?? options?.map((o) => o.value) ?? [];

  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      if (key.return && remounting.current) submit(selectedNow.current);
      if (input !== 'a' || !options) return;
      const allChosen = all.length > 0 && all.every((v) => selectedNow.current.includes(v));
      selectedNow.current = allChosen ? [] : [...all];
      remounting.current = true;
      setSelected(selectedNow.current);
      setMessage(undefined);
      setGeneration((g) => g + 1); // remount the list with the new selection
    },
  });

  const submit = (values: string[]) => {
    if (values.length === 0) {
      setMessage('Choose at least one: space selects, a selects all.');
      return;
    }
    props.onSubmit(options ? options.map((o) => o.value).filter((v) => values.includes(v)) : values);
  };

  const hints: KeyHint[] = [
    { key: '↑↓', does: 'move' },
    { key: 'space', does: 'select' },
    { key: 'a', does: 'all/none' },
    { key: 'enter', does: 'next' },
    ...(props.onBack ? [BACK] : []),
    QUIT,
  ];
  const width = Math.max(0, ...(options ?? []).map((o) => o.value.length));
  const visible = Math.max(3, Math.min(options?.length ?? 0, rows - 9));

  return (
    <StepFrame title={props.title} {...(props.position ? { position: props.position } : {})} {...(props.context ? { context: props.context } : {})} hints={hints}>
      <Text>{props.prompt}</Text>
      {props.error !== undefined ? (
        <Text color={tint('red')}>{props.error}</Text>
      ) : options === undefined ? (
        <Text>
          <Spinner /> Looking in the bucket…
        </Text>
      ) : options.length === 0 ? (
        <Text color={tint('yellow')}>{props.emptyMessage ?? 'Nothing to choose from.'}</Text>
      ) : (
        <Box flexDirection="column">
          <MultiSelect
            key={generation}
            options={options.map((o) => ({ value: o.value, label: o.note ? `${o.value.padEnd(width)}  ${o.note}` : o.value }))}
            defaultValue={selected}
            visibleOptionCount={visible}
            onChange={(v) => {
              selectedNow.current = v;
              setSelected(v);
              setMessage(undefined);
            }}
            onSubmit={submit}
          />
          <Text dimColor>
            {selected.length} of {options.length} selected{options.length > visible ? ` (↑↓ to see all ${options.length})` : ''}
          </Text>
        </Box>
      )}
      {message !== undefined && <Text color={tint('yellow')}>{message}</Text>}
    </StepFrame>
  );
}
