import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import Spinner from 'ink-spinner';
import { useTint } from './color.js';
import { BACK, QUIT, type KeyHint } from './KeyHelp.js';
import { StepFrame } from './StepFrame.js';
import { useStepKeys } from '../hooks/use-step-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';

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
  /** Shown with the error: looks again (the bucket may be back). */
  onRetry?: () => void;
}

/**
 * A multi-select step: ↑↓ move, space toggles, `a` selects all (or none), Enter submits at least
 * one. The list is drawn here rather than by @inkjs/ui's MultiSelect, whose keys are read one event
 * at a time: a terminal or a paste that sends `a` and Enter (or space and Enter) in one read lost
 * both. Here each key of a burst is applied in turn, to state kept in refs between renders.
 */
export function MultiChoice(props: MultiChoiceProps) {
  const tint = useTint();
  const { rows } = useTerminalSize();
  const [, redraw] = useState(0);
  const [message, setMessage] = useState<string | undefined>();
  const state = useRef({ selected: [...(props.defaultValue ?? [])], focus: 0 });
  const options = props.options;
  const all = props.selectAll ?? options?.map((o) => o.value) ?? [];
  const visible = Math.max(3, Math.min(options?.length ?? 0, rows - 9));

  const submit = (values: string[]) => {
    if (values.length === 0) {
      setMessage('Choose at least one: space selects, a selects all.');
      return;
    }
    props.onSubmit(options ? options.map((o) => o.value).filter((v) => values.includes(v)) : values);
  };
  /** One key; true when it ended the step (Enter with a selection). */
  const apply = (k: 'up' | 'down' | 'space' | 'all' | 'enter' | 'pageUp' | 'pageDown'): boolean => {
    if (!options || options.length === 0) return false;
    const s = state.current;
    if (k === 'enter') {
      submit(s.selected);
      return s.selected.length > 0;
    }
    if (k === 'up') s.focus = Math.max(0, s.focus - 1);
    else if (k === 'down') s.focus = Math.min(options.length - 1, s.focus + 1);
    else if (k === 'pageUp') s.focus = Math.max(0, s.focus - visible);
    else if (k === 'pageDown') s.focus = Math.min(options.length - 1, s.focus + visible);
    else if (k === 'space') {
      const v = options[s.focus]!.value;
      s.selected = s.selected.includes(v) ? s.selected.filter((x) => x !== v) : [...s.selected, v];
    } else {
      const allChosen = all.length > 0 && all.every((v) => s.selected.includes(v));
      s.selected = allChosen ? [] : [...all];
    }
    if (k === 'space' || k === 'all') setMessage(undefined);
    return false;
  };

  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      if (props.error !== undefined) {
        if (input === 'r') props.onRetry?.();
        return;
      }
      if (key.upArrow) apply('up');
      else if (key.downArrow) apply('down');
      else if (key.pageUp) apply('pageUp');
      else if (key.pageDown) apply('pageDown');
      else if (key.return) apply('enter');
      else if (!key.ctrl && !key.meta) {
        for (const ch of input) {
          const k = ch === ' ' ? 'space' : ch === 'a' ? 'all' : ch === '\r' || ch === '\n' ? 'enter' : undefined;
          if (k !== undefined && apply(k)) break;
        }
      }
      redraw((n) => n + 1);
    },
  });

  const { selected, focus } = state.current;
  const offset = Math.min(Math.max(0, focus - visible + 1), Math.max(0, (options?.length ?? 0) - visible), focus);
  const width = Math.max(0, ...(options ?? []).map((o) => o.value.length));
  const hints: KeyHint[] =
    props.error !== undefined
      ? [...(props.onRetry ? [{ key: 'r', does: 'retry' }] : []), ...(props.onBack ? [BACK] : []), QUIT]
      : [
          { key: '↑↓', does: 'move' },
          { key: 'space', does: 'select' },
          { key: 'a', does: 'all/none' },
          { key: 'enter', does: 'next' },
          ...(props.onBack ? [BACK] : []),
          QUIT,
        ];

  return (
    <StepFrame title={props.title} position={props.position} context={props.context} hints={hints}>
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
          {options.slice(offset, offset + visible).map((o, i) => {
            const index = offset + i;
            const on = selected.includes(o.value);
            return (
              <Text key={o.value} {...(index === focus ? { color: tint('cyan') } : {})}>
                {index === focus ? '❯ ' : '  '}
                {on ? '◉ ' : '◯ '}
                {o.note ? `${o.value.padEnd(width)}  ${o.note}` : o.value}
              </Text>
            );
          })}
          <Text dimColor>
            {selected.length} of {options.length} selected
            {options.length > visible ? ` (↑↓ to see all ${options.length})` : ''}
          </Text>
        </Box>
      )}
      {message !== undefined && <Text color={tint('yellow')}>{message}</Text>}
    </StepFrame>
  );
}
