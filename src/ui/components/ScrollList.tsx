import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface ScrollListProps<T> {
  items: readonly T[];
  offset: number;
  height: number;
  render: (item: T, index: number) => ReactNode;
}

/**
 * `height` rows of a longer list from `offset`, with one line under them saying what is above and
 * below, so a long list scrolls instead of overflowing the screen.
 */
export function ScrollList<T>({ items, offset, height, render }: ScrollListProps<T>) {
  const shown = items.slice(offset, offset + height);
  const above = offset;
  const below = Math.max(0, items.length - offset - shown.length);
  return (
    <Box flexDirection="column">
      {shown.map((item, i) => render(item, offset + i))}
      {(above > 0 || below > 0) && (
        <Text dimColor>
          {`rows ${offset + 1}–${offset + shown.length} of ${items.length}`}
          {above > 0 ? `  ↑ ${above} more` : ''}
          {below > 0 ? `  ↓ ${below} more` : ''}
        </Text>
      )}
    </Box>
  );
}
