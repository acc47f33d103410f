import { describe, expect, it } from 'vitest';
import { keyHelpLines } from './KeyHelp.js';

describe('the key help', () => {
  it('wraps between hints at any width: nothing cut, nothing hidden', () => {
    const hints = [
      { key: '←↑↓→', does: 'move' },
      { key: 'space', does: 'choose' },
      { key: 'm', does: 'add all not landed' },
      { key: 'u', does: 'undo' },
      { key: '[ ]', does: 'earlier/later' },
      { key: 'enter', does: 'backfill' },
      { key: 'esc', does: 'back' },
    ];
    for (const columns of [59, 79, 199]) {
      const lines = keyHelpLines(hints, columns);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(columns);
      expect(lines.join(' · ')).toBe(hints.map((h) => `${h.key} ${h.does}`).join(' · '));
    }
    expect(keyHelpLines(hints, 59).length).toBeGreaterThan(1);
  });
});
