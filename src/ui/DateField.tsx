import { Text, useInput } from 'ink';
import { useRef } from 'react';

const PLACEHOLDER = 'YYYY-MM-DD';

export interface DateFieldProps {
  value: string;
  focused: boolean;
  onChange: (value: string) => void;
  onSubmit: (value: string) => void;
}

/**
 * A one-line field for a `YYYY-MM-DD` date: typing appends, backspace deletes, Enter submits the
 * text as it stands. The text is kept from key to key, not from render to render, so keys that
 * arrive in one burst (typing then Enter, or a paste ending in a newline) are each applied to what
 * the key before left; @inkjs/ui's TextInput submitted the text of its last render, losing the
 * keys of the same burst.
 */
export function DateField({ value, focused, onChange, onSubmit }: DateFieldProps) {
  const text = useRef(value);
  const shown = useRef(value);
  if (value !== shown.current) text.current = value; // set from outside (a preset)
  shown.current = value;
  useInput(
    (input, key) => {
      if (key.return) return onSubmit(text.current);
      if (key.backspace || key.delete) {
        text.current = text.current.slice(0, -1);
        return onChange(text.current);
      }
      if (key.ctrl || key.meta || key.tab || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
      const end = input.search(/[\r\n]/);
      const typed = (end < 0 ? input : input.slice(0, end)).replace(/[^\x20-\x7e]/g, '');
      if (typed !== '') {
        text.current += typed;
        onChange(text.current);
      }
      if (end >= 0) onSubmit(text.current);
    },
    { isActive: focused },
  );
  if (value === '') {
    // The placeholder, its first letter as the cursor when focused.
    return focused ? (
      <Text>
        <Text inverse>{PLACEHOLDER[0]}</Text>
        <Text dimColor>{PLACEHOLDER.slice(1)}</Text>
      </Text>
    ) : (
      <Text dimColor>{PLACEHOLDER}</Text>
    );
  }
  return (
    <Text>
      {value}
      {focused && <Text inverse> </Text>}
    </Text>
  );
}
