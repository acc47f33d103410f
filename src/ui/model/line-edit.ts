import type { Key } from 'ink';

/** A one-line text field's content and cursor (an index into `text`). */
export interface Line {
  text: string;
  cursor: number;
}

/**
 * Applies one `useInput` event to a line: typed text, Backspace, ←/→, and the shell's editing keys
 * (Ctrl-A/E start/end, Ctrl-U/K delete before/after the cursor, Ctrl-W the word before it). A
 * terminal or a paste may deliver several keys in one event (`\x7f\x7f`, `abc\r`): each is applied
 * in turn, never inserted as invisible characters. `submit` is set when an Enter came (the keys
 * after it in the same burst are dropped).
 */
export function editLine(line: Line, input: string, key: Key): { line: Line; submit: boolean } {
  if (key.return) return { line, submit: true };
  if (key.leftArrow) return { line: { ...line, cursor: Math.max(0, line.cursor - 1) }, submit: false };
  if (key.rightArrow) return { line: { ...line, cursor: Math.min(line.text.length, line.cursor + 1) }, submit: false };
  if (key.backspace || key.delete) return { line: control(line, '\x7f'), submit: false };
  if (key.ctrl)
    return { line: control(line, String.fromCharCode(input.toLowerCase().charCodeAt(0) - 96)), submit: false };
  if (key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown)
    return { line, submit: false };
  let next = line;
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') return { line: next, submit: true };
    next =
      ch < ' ' || ch === '\x7f'
        ? control(next, ch)
        : {
            text: next.text.slice(0, next.cursor) + ch + next.text.slice(next.cursor),
            cursor: next.cursor + ch.length,
          };
  }
  return { line: next, submit: false };
}

/** One control character; those without a meaning here change nothing. */
function control({ text, cursor }: Line, ch: string): Line {
  switch (ch) {
    case '\x7f':
    case '\b':
      return cursor === 0
        ? { text, cursor }
        : { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 };
    case '\x01': // Ctrl-A
      return { text, cursor: 0 };
    case '\x05': // Ctrl-E
      return { text, cursor: text.length };
    case '\x15': // Ctrl-U
      return { text: text.slice(cursor), cursor: 0 };
    case '\x0b': // Ctrl-K
      return { text: text.slice(0, cursor), cursor };
    case '\x17': {
      // Ctrl-W: the word before the cursor, and the spaces or slashes after it.
      const before = text.slice(0, cursor).replace(/[^\s/]*[\s/]*$/, '');
      return { text: before + text.slice(cursor), cursor: before.length };
    }
    default:
      return { text, cursor };
  }
}
