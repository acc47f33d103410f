import { Text } from 'ink';

/** One key and what it does, for the footer: `{ key: 'esc', does: 'back' }`. */
export interface KeyHint {
  key: string;
  does: string;
}

/** The key-help footer: one line, trimmed to the terminal width rather than wrapped. */
export function KeyHelp({ hints }: { hints: readonly KeyHint[] }) {
  return (
    <Text dimColor wrap="truncate-end">
      {hints.map((h) => `${h.key} ${h.does}`).join(' · ')}
    </Text>
  );
}

export const BACK: KeyHint = { key: 'esc', does: 'back' };
export const QUIT: KeyHint = { key: 'ctrl-c', does: 'quit' };
