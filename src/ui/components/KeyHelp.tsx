import { Text } from 'ink';
import { useTerminalSize } from '../hooks/use-terminal-size.js';

/** One key and what it does, for the footer: `{ key: 'esc', does: 'back' }`. */
export interface KeyHint {
  key: string;
  does: string;
}

/** The hints as lines of at most `columns`, wrapped between hints only: none is cut or hidden. */
export function keyHelpLines(hints: readonly KeyHint[], columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const h of hints) {
    const item = `${h.key} ${h.does}`;
    if (line !== '' && line.length + 3 + item.length > columns) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? item : `${line} · ${item}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The key-help footer: every hint, on as many lines as the terminal's width needs. */
export function KeyHelp({ hints }: { hints: readonly KeyHint[] }) {
  const { columns } = useTerminalSize();
  return <Text dimColor>{keyHelpLines(hints, Math.max(20, columns - 1)).join('\n')}</Text>;
}

export const BACK: KeyHint = { key: 'esc', does: 'back' };
export const QUIT: KeyHint = { key: 'ctrl-c', does: 'quit' };
