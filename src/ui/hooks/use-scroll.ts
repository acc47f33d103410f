import type { Key } from 'ink';
import { useState } from 'react';

/**
 * A scroll offset over `count` rows shown `height` at a time, moved by ↑↓, PgUp/PgDn, Home/End.
 * Returns the offset (kept in range as the count or height change) and the key handler.
 */
export function useScroll(
  count: number,
  height: number,
): { offset: number; onKey: (input: string, key: Key) => boolean } {
  const [wanted, setWanted] = useState(0);
  const max = Math.max(0, count - height);
  const offset = Math.min(Math.max(0, wanted), max);
  const onKey = (_input: string, key: Key): boolean => {
    let next: number | undefined;
    if (key.downArrow) next = offset + 1;
    else if (key.upArrow) next = offset - 1;
    else if (key.pageDown) next = offset + Math.max(1, height - 1);
    else if (key.pageUp) next = offset - Math.max(1, height - 1);
    else if (key.home) next = 0;
    else if (key.end) next = max;
    if (next === undefined) return false;
    setWanted(Math.min(Math.max(0, next), max));
    return true;
  };
  return { offset, onKey };
}
