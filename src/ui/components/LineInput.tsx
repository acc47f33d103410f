import { Text, useInput, type Key } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { editLine, type Line } from '../model/line-edit.js';

export interface LineInputProps {
  defaultValue: string;
  placeholder?: string;
  isDisabled?: boolean;
  onChange: (value: string) => void;
  onSubmit: (value: string) => void;
}

/**
 * A one-line text field that takes keys in bursts and the shell's editing keys (see `editLine`).
 * The line lives in a ref updated by every key, so keys arriving before the next render build on
 * each other; the state only redraws it.
 */
export function LineInput(props: LineInputProps) {
  const line = useRef<Line>({ text: props.defaultValue, cursor: props.defaultValue.length });
  const [, redraw] = useState(0);
  const latest = useRef(props);
  latest.current = props;
  const listener = useCallback((input: string, key: Key) => {
    if ((key.ctrl && input === 'c') || key.escape) return;
    const { line: next, submit } = editLine(line.current, input, key);
    if (next !== line.current) {
      const changed = next.text !== line.current.text;
      line.current = next;
      redraw((n) => n + 1);
      if (changed) latest.current.onChange(next.text);
    }
    if (submit) latest.current.onSubmit(line.current.text);
  }, []);
  useInput(listener, { isActive: props.isDisabled !== true });

  const { text, cursor } = line.current;
  if (text === '') {
    const p = props.placeholder ?? '';
    return props.isDisabled ? (
      <Text dimColor>{p}</Text>
    ) : (
      <Text>
        <Text inverse>{p[0] ?? ' '}</Text>
        <Text dimColor>{p.slice(1)}</Text>
      </Text>
    );
  }
  return (
    <Text>
      {text.slice(0, cursor)}
      {!props.isDisabled && <Text inverse>{text[cursor] ?? ' '}</Text>}
      {text.slice(props.isDisabled ? cursor : cursor + 1)}
    </Text>
  );
}
