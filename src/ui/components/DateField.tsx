import { Text } from 'ink';

const PLACEHOLDER = 'YYYY-MM-DD';

export interface DateFieldProps {
  value: string;
  focused: boolean;
}

/**
 * A one-line `YYYY-MM-DD` field, drawn only: its keys are handled by the step that owns it
 * (DateRangeStep), through one listener that is always registered, so keys that arrive in a burst
 * right after the focus moves are never lost to a field whose listener is not yet attached.
 */
export function DateField({ value, focused }: DateFieldProps) {
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
